package dev.llmresilience.core;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: {@code min(max, initial * multiplier^(n-1))}, spread by
 * {@code ±jitter} of itself and capped again at {@code max}.
 *
 * @param initial the wait after the first failure
 * @param multiplier the growth factor per attempt, at least 1
 * @param max the longest wait
 * @param jitter the fraction in {@code [0, 1]} by which a wait is spread either way
 */
public record ExponentialBackoff(Duration initial, double multiplier, Duration max, double jitter) implements Backoff {

	public ExponentialBackoff {
		Durations.requirePositive(initial, "initial");
		Durations.requirePositive(max, "max");
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1 but was " + multiplier);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1 but was " + jitter);
		}
	}

	@Override
	public Duration delay(int attempt, DoubleSupplier random) {
		double base = Math.min(this.max.toMillis(), this.initial.toMillis() * Math.pow(this.multiplier, Math.max(0, attempt - 1)));
		double spread = base * this.jitter * (2 * random.getAsDouble() - 1);
		long millis = Math.round(Math.min(this.max.toMillis(), Math.max(0, base + spread)));
		return Duration.ofMillis(millis);
	}

}
