package dev.llmresilience.core;

import java.time.Duration;
import java.time.Instant;

/**
 * What to do after a failed attempt: retry after a wait, or stop and why.
 *
 * @param verdict retry, or the reason to stop
 * @param delay the wait before the next attempt, {@link Duration#ZERO} when stopping
 * @param source whether the server or the backoff chose the wait
 * @param serverRetryAt the instant the server asked to be retried at, or {@code null}
 */
public record RetryDecision(Verdict verdict, Duration delay, DelaySource source, Instant serverRetryAt) {

	public static RetryDecision stop(Verdict verdict) {
		return new RetryDecision(verdict, Duration.ZERO, DelaySource.BACKOFF, null);
	}

	public boolean isRetry() {
		return this.verdict == Verdict.RETRY;
	}

	/**
	 * Why a call goes on or stops after a failed attempt.
	 */
	public enum Verdict {

		/** Retry after the delay. */
		RETRY,

		/** The failure cannot be helped by retrying. */
		FATAL,

		/** All attempts allowed are used. */
		EXHAUSTED,

		/** The server asked for a wait longer than allowed. */
		SERVER_DELAY_TOO_LONG,

		/** The wait would cross the call's deadline. */
		DEADLINE,

		/** The provider's retry budget refuses further retries for now. */
		BUDGET

	}

	/**
	 * Who chose a wait.
	 */
	public enum DelaySource {

		/** The server named it in a header or its error body. */
		SERVER,

		/** The backoff shape of the failure's kind. */
		BACKOFF;

		/**
		 * Return the metric tag value.
		 * @return {@code server} or {@code backoff}
		 */
		public String tag() {
			return (this == SERVER) ? "server" : "backoff";
		}

	}

}
