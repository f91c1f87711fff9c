package dev.llmresilience.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt when the server did not say.
 */
public sealed interface Backoff permits ExponentialBackoff, LinearBackoff {

	/**
	 * Return the wait after the given failed attempt.
	 * @param attempt the number of the attempt that failed, from 1
	 * @param random a source of uniform values in {@code [0, 1)} for jitter
	 * @return the wait, never negative
	 */
	Duration delay(int attempt, DoubleSupplier random);

	/**
	 * Which backoff a kind of failure uses.
	 */
	enum Shape {

		/** Connection-level failures: exponential with jitter. */
		CONNECTION,

		/** Overload and rate-limit answers: linear, as the provider needs time to drain. */
		OVERLOAD

	}

}
