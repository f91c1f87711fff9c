package dev.llmresilience.call;

import java.time.Duration;

import dev.llmresilience.core.CircuitBreakerPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Builds resilience4j configurations from a provider's policy.
 */
public final class ResilienceConfigs {

	/** Returned to resilience4j to stop retrying. */
	private static final long STOP = -1L;

	private ResilienceConfigs() {
	}

	/**
	 * Create the retry configuration: it retries exactly the attempts the planner decided to retry,
	 * after the wait the planner chose, which the failed attempt carries.
	 * @param maxAttempts the attempts allowed in all
	 * @return the configuration
	 */
	public static RetryConfig retryConfig(int maxAttempts) {
		IntervalBiFunction<Object> interval = (attempt, outcome) -> {
			if (outcome.isLeft() && outcome.getLeft() instanceof AttemptFailedException failed
					&& failed.decision().isRetry()) {
				return failed.decision().delay().toMillis();
			}
			return STOP;
		};
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.retryOnException((ex) -> ex instanceof AttemptFailedException failed && failed.decision().isRetry())
			.intervalBiFunction(interval)
			.failAfterMaxAttempts(false)
			.build();
	}

	/**
	 * Create the circuit breaker configuration: a count-based window over attempts, counting only
	 * classified failures (connection errors, overload, rate limits), never a caller's own 4xx.
	 * @param policy the breaker policy
	 * @return the configuration
	 */
	public static CircuitBreakerConfig circuitBreakerConfig(CircuitBreakerPolicy policy) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(policy.slidingWindowSize())
			.minimumNumberOfCalls(policy.minimumNumberOfCalls())
			.failureRateThreshold(policy.failureRateThreshold())
			.waitDurationInOpenState(policy.waitDurationInOpenState())
			.permittedNumberOfCallsInHalfOpenState(policy.permittedCallsInHalfOpenState())
			.recordException((ex) -> ex instanceof AttemptFailedException)
			.slowCallDurationThreshold(Duration.ofDays(1))
			.build();
	}

}
