package dev.llmresilience.benchmarks;

/**
 * One way of calling a provider that a scenario compares with the others.
 */
enum Arm {

	/** A WebClient as Spring builds it: no retry, no breaker. */
	PLAIN("plain WebClient"),

	/** A second, identical plain WebClient: the A/A control whose spread is the machine's noise. */
	PLAIN_CONTROL("plain WebClient (A/A control)"),

	/** What users write today: {@code retryWhen(Retry.backoff(3, ...))} on the response publisher. */
	HAND_WRITTEN("hand-written retryWhen"),

	/** The starter's filter on a WebClient, as {@code LlmClients} builds it. */
	STARTER("llm-resilience starter");

	private final String label;

	Arm(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

}
