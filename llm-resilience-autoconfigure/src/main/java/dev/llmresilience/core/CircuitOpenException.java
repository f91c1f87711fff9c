package dev.llmresilience.core;

import java.time.Duration;

/**
 * The provider's circuit breaker is open: the call failed fast without reaching the provider.
 */
public class CircuitOpenException extends LlmResilienceException {

	private final Duration remainingOpen;

	public CircuitOpenException(String provider, int attempts, Failure lastFailure, Duration remainingOpen,
			Throwable cause) {
		super("Circuit breaker of provider '%s' is open for another %d ms; attempts made: %d; last cause: %s"
			.formatted(provider, remainingOpen.toMillis(), attempts, describe(lastFailure)), provider, attempts,
				lastFailure, cause);
		this.remainingOpen = remainingOpen;
	}

	/**
	 * Return how long the breaker stays open, at most, from when the call was refused.
	 * @return the remaining open time
	 */
	public Duration getRemainingOpen() {
		return this.remainingOpen;
	}

}
