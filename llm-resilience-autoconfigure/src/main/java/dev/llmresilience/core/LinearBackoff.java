package dev.llmresilience.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Linear backoff: {@code min(max, step * n)} after the n-th failed attempt.
 *
 * @param step the wait added per failed attempt
 * @param max the longest wait
 */
public record LinearBackoff(Duration step, Duration max) implements Backoff {

	public LinearBackoff {
		Durations.requirePositive(step, "step");
		Durations.requirePositive(max, "max");
	}

	@Override
	public Duration delay(int attempt, DoubleSupplier random) {
		long millis = Math.min(this.max.toMillis(), this.step.toMillis() * (long) Math.max(1, attempt));
		return Duration.ofMillis(millis);
	}

}
