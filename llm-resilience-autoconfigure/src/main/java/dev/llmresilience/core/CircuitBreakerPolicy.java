package dev.llmresilience.core;

import java.time.Duration;

/**
 * When one provider's circuit breaker opens, and for how long.
 *
 * @param failureRateThreshold the failure rate in percent at which the breaker opens
 * @param slidingWindowSize the number of calls the failure rate is computed over
 * @param minimumNumberOfCalls the calls needed before the failure rate counts
 * @param waitDurationInOpenState how long the breaker stays open before letting probes through
 * @param permittedCallsInHalfOpenState the probes let through while half open
 */
public record CircuitBreakerPolicy(float failureRateThreshold, int slidingWindowSize, int minimumNumberOfCalls,
		Duration waitDurationInOpenState, int permittedCallsInHalfOpenState) {

	public CircuitBreakerPolicy {
		if (!(failureRateThreshold >= 1 && failureRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					"failureRateThreshold must be between 1 and 100 but was " + failureRateThreshold);
		}
		requireAtLeastOne(slidingWindowSize, "slidingWindowSize");
		requireAtLeastOne(minimumNumberOfCalls, "minimumNumberOfCalls");
		requireAtLeastOne(permittedCallsInHalfOpenState, "permittedCallsInHalfOpenState");
		Durations.requirePositive(waitDurationInOpenState, "waitDurationInOpenState");
	}

	private static void requireAtLeastOne(int value, String name) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1 but was " + value);
		}
	}

}
