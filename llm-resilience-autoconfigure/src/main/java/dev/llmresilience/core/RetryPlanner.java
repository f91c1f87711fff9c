package dev.llmresilience.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import dev.llmresilience.core.RetryDecision.DelaySource;
import dev.llmresilience.core.RetryDecision.Verdict;

/**
 * Decides, after each failed attempt, whether a call retries and how long it waits first.
 * <p>
 * A wait named by the server wins over the backoff: the retry comes no earlier than that, plus a
 * little jitter so that callers told the same instant do not return together.
 */
public final class RetryPlanner {

	/** Jitter added after a server-named wait: up to this fraction of it... */
	private static final double SERVER_JITTER = 0.1;

	/** ...and never more than this. */
	private static final long MAX_SERVER_JITTER_MILLIS = 1000;

	private final RetryPolicy policy;

	private final RetryBudget budget;

	private final DoubleSupplier random;

	public RetryPlanner(RetryPolicy policy, RetryBudget budget) {
		this(policy, budget, () -> ThreadLocalRandom.current().nextDouble());
	}

	public RetryPlanner(RetryPolicy policy, RetryBudget budget, DoubleSupplier random) {
		this.policy = policy;
		this.budget = budget;
		this.random = random;
	}

	public RetryBudget budget() {
		return this.budget;
	}

	/**
	 * Note an attempt that succeeded, returning a share of a token to the retry budget.
	 */
	public void onSuccess() {
		this.budget.onSuccess();
	}

	/**
	 * Decide what follows a failed attempt.
	 * @param failure the classified failure
	 * @param attempt the number of the attempt that failed, from 1
	 * @param maxAttempts the attempts the call may make in all
	 * @param remaining the time left before the call's deadline
	 * @param now the current instant, to name when the server asked to be retried
	 * @return the decision
	 */
	public RetryDecision decide(Failure failure, int attempt, int maxAttempts, Duration remaining, Instant now) {
		if (!failure.isRetryable()) {
			return RetryDecision.stop(Verdict.FATAL);
		}
		// gRPC's throttling: every retryable failure costs a token, whether or not a retry follows
		this.budget.onFailure();
		Duration serverWait = failure.hints().retryAfter().orElse(null);
		if (serverWait != null && serverWait.compareTo(this.policy.maxServerDelay()) > 0) {
			return new RetryDecision(Verdict.SERVER_DELAY_TOO_LONG, Duration.ZERO, DelaySource.SERVER,
					now.plus(serverWait));
		}
		if (attempt >= maxAttempts) {
			return RetryDecision.stop(Verdict.EXHAUSTED);
		}
		RetryDecision decision = (serverWait != null)
				? new RetryDecision(Verdict.RETRY, withJitterAfter(serverWait), DelaySource.SERVER,
						now.plus(serverWait))
				: new RetryDecision(Verdict.RETRY,
						this.policy.backoff(failure.kind().shape()).delay(attempt, this.random), DelaySource.BACKOFF,
						null);
		if (decision.delay().compareTo(remaining) >= 0) {
			return new RetryDecision(Verdict.DEADLINE, Duration.ZERO, decision.source(), decision.serverRetryAt());
		}
		if (!this.budget.allowsRetry()) {
			return RetryDecision.stop(Verdict.BUDGET);
		}
		return decision;
	}

	private Duration withJitterAfter(Duration wait) {
		long jitter = Math.min(MAX_SERVER_JITTER_MILLIS,
				Math.round(wait.toMillis() * SERVER_JITTER * this.random.getAsDouble()));
		return wait.plusMillis(jitter);
	}

}
