package dev.llmresilience.core;

import java.time.Duration;

/**
 * A call reached its {@code timeouts.total} deadline, or its next retry would have crossed it.
 */
public class DeadlineExceededException extends LlmResilienceException {

	private final Duration deadline;

	public DeadlineExceededException(String provider, int attempts, Failure lastFailure, Duration deadline,
			Throwable cause) {
		super("Provider '%s' did not answer within the call's deadline of %d ms; attempts made: %d; last cause: %s"
			.formatted(provider, deadline.toMillis(), attempts, describe(lastFailure)), provider, attempts,
				lastFailure, cause);
		this.deadline = deadline;
	}

	/**
	 * Return the deadline that was reached.
	 * @return the total time allowed for the call
	 */
	public Duration getDeadline() {
		return this.deadline;
	}

}
