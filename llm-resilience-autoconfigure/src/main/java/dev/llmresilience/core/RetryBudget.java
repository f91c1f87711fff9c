package dev.llmresilience.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-provider retry throttle: a token bucket after gRPC's {@code retryThrottling} (gRFC A6).
 *
 * <p>The rule, as in gRFC A6 ("Throttling Retry Attempts and Hedged RPCs"): the bucket starts full
 * at {@code maxTokens} and stays within {@code [0, maxTokens]}; every failed attempt takes one token,
 * every successful attempt gives back {@code tokenRatio}; a retry is allowed only while the count is
 * strictly above {@code maxTokens / 2}. First attempts are never throttled. Like gRPC, only failures
 * that would be retried (connection failures, 429, 5xx, 529) should be reported: a 400 says nothing
 * about the provider's health. The caller reports a failed attempt with {@link #onFailure()} first
 * and then asks {@link #allowsRetry()}, so the attempt that crosses the threshold is not retried.
 *
 * <p><b>Why the defaults are not gRPC's.</b> With attempts failing independently at rate {@code p},
 * each attempt moves the count by {@code -p + (1 - p) * tokenRatio} on average, so the bucket holds
 * only while {@code p < tokenRatio / (1 + tokenRatio)}. gRPC's example ratio 0.1 breaks even at
 * {@code p = 0.091}: at {@code p = 0.25} the count drifts down by 0.175 per attempt, sits at the
 * threshold, and almost every retry is refused (RetryBudgetTest's seeded simulation, 10,000 calls of
 * at most 4 attempts: 76.2% of calls succeed instead of the 99.6% that {@code 1 - p^4} allows; even
 * {@code p = 0.10} loses 3.7%). That brakes ordinary flakiness, which this project's design rules
 * out. {@link #DEFAULT_TOKEN_RATIO} 0.5 breaks even at {@code p = 1/3}: at {@code p = 0.25} the count
 * rises by 0.125 per attempt and stays pinned at the top, and the same simulation refuses no retry at
 * {@code p} up to 0.30 (at 0.25, 99.66% of calls succeed against an ideal of 99.61%; at 0.30, 99.22%
 * against 99.19%: the budgeted and unbudgeted runs succeed on exactly the same calls). Above
 * one failure in three the budget cuts retries; from one in two the circuit breaker (failure-rate
 * threshold 50%) opens as well, so the budget covers the band between 1/3 and 1/2 where the breaker
 * stays closed but retries would add 50 to 90% load to a struggling provider. A ratio of 1.0 would
 * only break even at 1/2, where the breaker already acts.
 *
 * <p>{@link #DEFAULT_MAX_TOKENS} 100 leaves 50 net failures of headroom, so a short burst does not
 * stop retries, while a full outage drains the bucket after about 50 failed attempts; from then on
 * each call makes one attempt (simulated: 1.004 attempts per call over 10,000 calls at {@code p = 1},
 * exactly 1 after draining). After an outage the bucket refills by 0.5 per success, so retries return
 * after about 100 successful calls.
 *
 * <p>Lock-free: the count lives in one {@link AtomicLong} of thousandths of a token (gRPC keeps
 * milli-tokens too), so concurrent updates neither lose increments nor accumulate rounding error.
 */
public final class RetryBudget {

	/** Bucket capacity used when the configuration names none. */
	public static final double DEFAULT_MAX_TOKENS = 100;

	/** Tokens returned per success used when the configuration names none. */
	public static final double DEFAULT_TOKEN_RATIO = 0.5;

	// Large enough for any sensible bucket, small enough that milli-token arithmetic cannot overflow.
	private static final double LARGEST_MAX_TOKENS = 1_000_000;

	private static final long MILLIS_PER_TOKEN = 1000;

	private static final RetryBudget UNLIMITED = new RetryBudget();

	private final long maxMilliTokens;

	private final long milliTokenRatio;

	private final boolean unlimited;

	private final AtomicLong milliTokens;

	/**
	 * Create a full budget.
	 * @param maxTokens capacity of the bucket, above 0 and at most 1,000,000
	 * @param tokenRatio tokens returned by each successful attempt, at least 0.001 (gRFC A6 supports
	 * three decimal places) and finite
	 * @throws IllegalArgumentException naming the bad value
	 */
	public RetryBudget(double maxTokens, double tokenRatio) {
		if (!(maxTokens > 0 && maxTokens <= LARGEST_MAX_TOKENS)) {
			throw new IllegalArgumentException(
					"maxTokens must be greater than 0 and at most " + (long) LARGEST_MAX_TOKENS + ", was " + maxTokens);
		}
		if (!(tokenRatio >= 0.001 && Double.isFinite(tokenRatio))) {
			throw new IllegalArgumentException("tokenRatio must be at least 0.001 and finite, was " + tokenRatio);
		}
		this.maxMilliTokens = Math.max(1, Math.round(maxTokens * MILLIS_PER_TOKEN));
		this.milliTokenRatio = Math.min(Math.round(tokenRatio * MILLIS_PER_TOKEN), this.maxMilliTokens);
		this.unlimited = false;
		this.milliTokens = new AtomicLong(this.maxMilliTokens);
	}

	private RetryBudget() {
		this.maxMilliTokens = 0;
		this.milliTokenRatio = 0;
		this.unlimited = true;
		this.milliTokens = new AtomicLong();
	}

	/**
	 * A budget that never refuses a retry, for providers configured without one. It keeps no count:
	 * {@link #tokens()} and {@link #maxTokens()} answer {@link Double#POSITIVE_INFINITY}.
	 * @return the shared unlimited budget
	 */
	public static RetryBudget unlimited() {
		return UNLIMITED;
	}

	/** Record a successful attempt: give back {@code tokenRatio} tokens, up to the capacity. */
	public void onSuccess() {
		// a full bucket, the usual case, is read without a write that every call would contend on
		if (!this.unlimited && this.milliTokens.get() < this.maxMilliTokens) {
			this.milliTokens.accumulateAndGet(this.milliTokenRatio,
					(current, ratio) -> Math.min(this.maxMilliTokens, current + ratio));
		}
	}

	/** Record a failed attempt that is worth retrying: take one token, down to zero. */
	public void onFailure() {
		if (!this.unlimited) {
			this.milliTokens.accumulateAndGet(MILLIS_PER_TOKEN, (current, cost) -> Math.max(0, current - cost));
		}
	}

	/**
	 * Whether another attempt may be made now.
	 * @return {@code true} while the count is strictly above half the capacity
	 */
	public boolean allowsRetry() {
		// Twice the count against the capacity: the exact integer form of tokens > maxTokens / 2.
		return this.unlimited || 2 * this.milliTokens.get() > this.maxMilliTokens;
	}

	public double tokens() {
		return this.unlimited ? Double.POSITIVE_INFINITY : (double) this.milliTokens.get() / MILLIS_PER_TOKEN;
	}

	public double maxTokens() {
		return this.unlimited ? Double.POSITIVE_INFINITY : (double) this.maxMilliTokens / MILLIS_PER_TOKEN;
	}

	public double tokenRatio() {
		return (double) this.milliTokenRatio / MILLIS_PER_TOKEN;
	}

	public boolean isUnlimited() {
		return this.unlimited;
	}

	@Override
	public String toString() {
		return this.unlimited ? "RetryBudget[unlimited]"
				: "RetryBudget[tokens=" + tokens() + ", maxTokens=" + maxTokens() + ", tokenRatio=" + tokenRatio() + "]";
	}

}
