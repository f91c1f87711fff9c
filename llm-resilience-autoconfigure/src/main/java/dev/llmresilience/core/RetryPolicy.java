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
 * @param budget the retry budget that keeps retries from becoming a storm
 */
public record RetryPolicy(int maxAttempts, ExponentialBackoff connectionBackoff, LinearBackoff overloadBackoff,
		Set<Integer> retryOnStatus, Duration maxServerDelay, BudgetPolicy budget) {

	public RetryPolicy(int maxAttempts, ExponentialBackoff connectionBackoff, LinearBackoff overloadBackoff,
			Set<Integer> retryOnStatus, Duration maxServerDelay) {
		this(maxAttempts, connectionBackoff, overloadBackoff, retryOnStatus, maxServerDelay, BudgetPolicy.DEFAULT);
	}

	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
		}
		retryOnStatus = Set.copyOf(retryOnStatus);
		Durations.requirePositive(maxServerDelay, "maxServerDelay");
		if (budget == null) {
			budget = BudgetPolicy.DEFAULT;
		}
	}

	public RetryPolicy withMaxAttempts(int maxAttempts) {
		return new RetryPolicy(maxAttempts, this.connectionBackoff, this.overloadBackoff, this.retryOnStatus,
				this.maxServerDelay, this.budget);
	}

	public RetryPolicy withBudget(BudgetPolicy budget) {
		return new RetryPolicy(this.maxAttempts, this.connectionBackoff, this.overloadBackoff, this.retryOnStatus,
				this.maxServerDelay, budget);
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
