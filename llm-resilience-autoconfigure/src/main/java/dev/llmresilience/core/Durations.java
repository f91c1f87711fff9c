package dev.llmresilience.core;

import java.time.Duration;

/**
 * Checks shared by the policy types.
 */
final class Durations {

	private Durations() {
	}

	static Duration requirePositive(Duration value, String name) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be a positive duration but was " + value);
		}
		return value;
	}

}
