package dev.llmresilience.core;

/**
 * Every attempt a call was allowed failed with a retryable failure.
 */
public class RetriesExhaustedException extends LlmResilienceException {

	private final boolean budgetExhausted;

	public RetriesExhaustedException(String provider, int attempts, Failure lastFailure, Throwable cause) {
		this(provider, attempts, lastFailure, false, cause);
	}

	public RetriesExhaustedException(String provider, int attempts, Failure lastFailure, boolean budgetExhausted,
			Throwable cause) {
		super("Provider '%s' failed after %d attempt(s)%s; last cause: %s".formatted(provider, attempts,
				budgetExhausted ? " (retry budget exhausted)" : "", describe(lastFailure)), provider, attempts,
				lastFailure, cause);
		this.budgetExhausted = budgetExhausted;
	}

	/**
	 * Return whether the provider's retry budget, not the attempt limit, stopped the call.
	 * @return whether the retry budget refused a further retry
	 */
	public boolean isBudgetExhausted() {
		return this.budgetExhausted;
	}

}
