package dev.llmresilience.core;

import java.time.Instant;

/**
 * The provider asked to be retried later than {@code retry.max-server-delay} allows: the call fails at
 * once instead of waiting.
 */
public class ServerDelayTooLongException extends LlmResilienceException {

	private final Instant retryAt;

	public ServerDelayTooLongException(String provider, int attempts, Failure lastFailure, Instant retryAt,
			Throwable cause) {
		super("Provider '%s' asked to be retried at %s, later than allowed; attempts made: %d; last cause: %s"
			.formatted(provider, retryAt, attempts, describe(lastFailure)), provider, attempts, lastFailure, cause);
		this.retryAt = retryAt;
	}

	/**
	 * Return the instant the server asked to be retried at.
	 * @return the instant
	 */
	public Instant getRetryAt() {
		return this.retryAt;
	}

}
