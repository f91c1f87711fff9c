package dev.llmresilience.reactive;

import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;

/**
 * One attempt's classified failure with the decision taken on it; lives only between an attempt and
 * the Retry operator, which reads the decision, and never reaches the caller.
 */
final class AttemptFailedException extends RuntimeException {

	private final Failure failure;

	private final RetryDecision decision;

	AttemptFailedException(Failure failure, RetryDecision decision, Throwable cause) {
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
