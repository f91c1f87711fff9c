package dev.llmresilience.call;

import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;

/**
 * One attempt's classified failure with the decision taken on it; lives only between an attempt and
 * the Retry operator, which reads the decision, and never reaches the caller.
 */
public final class AttemptFailedException extends RuntimeException {

	private final Failure failure;

	private final RetryDecision decision;

	/**
	 * Carry a failed attempt's failure and decision to the Retry and CircuitBreaker.
	 * @param failure the classified failure
	 * @param decision what was decided on it
	 * @param cause what was raised, or {@code null} for an error answer
	 */
	public AttemptFailedException(Failure failure, RetryDecision decision, Throwable cause) {
		super("Attempt failed: " + failure.cause(), cause, false, false);
		this.failure = failure;
		this.decision = decision;
	}

	Failure failure() {
		return this.failure;
	}

	RetryDecision decision() {
		return this.decision;
	}

}
