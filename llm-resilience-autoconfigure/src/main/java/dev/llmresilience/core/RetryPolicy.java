package dev.llmresilience.core;

import java.time.Duration;
import java.util.Set;

/**
 * How one provider's calls are retried.
 *
 * @param maxAttempts attempts in all, the first one included
 * @param connectionBackoff the wait after connection-level failures
 * @param overloadBackoff the wait after overload and rate-limit answers
 * @param retryOnStatus the statuses worth retrying
 * @param maxServerDelay the longest server-asked wait to honour; longer ones fail at once
 */
public record RetryPolicy(int maxAttempts, ExponentialBackoff connectionBackoff, LinearBackoff overloadBackoff,
		Set<Integer> retryOnStatus, Duration maxServerDelay) {

	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
		}
		retryOnStatus = Set.copyOf(retryOnStatus);
		Durations.requirePositive(maxServerDelay, "maxServerDelay");
	}

	public RetryPolicy withMaxAttempts(int maxAttempts) {
		return new RetryPolicy(maxAttempts, this.connectionBackoff, this.overloadBackoff, this.retryOnStatus,
				this.maxServerDelay);
	}

	/**
	 * Return the backoff for a shape of failure.
	 * @param shape the shape
	 * @return the backoff
	 */
	public Backoff backoff(Backoff.Shape shape) {
		return (shape == Backoff.Shape.OVERLOAD) ? this.overloadBackoff : this.connectionBackoff;
	}

}
