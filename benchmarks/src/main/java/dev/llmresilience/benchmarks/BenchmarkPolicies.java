package dev.llmresilience.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.call.ResilienceConfigs;
import dev.llmresilience.core.BudgetPolicy;
import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.ExponentialBackoff;
import dev.llmresilience.core.LinearBackoff;
import dev.llmresilience.core.Protocol;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetryPolicy;
import dev.llmresilience.core.TimeoutPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * The resilience a user gets by default, every wait scaled by {@link #TIME_SCALE} so a run stays short, and the
 * hand-written retry it is compared with, given the same waits.
 */
final class BenchmarkPolicies {

	/** Every wait, backoff, open state and timeout is the default times this. */
	static final double TIME_SCALE = 0.1;

	/** The default {@code max-attempts}: the first attempt and three retries. */
	static final int MAX_ATTEMPTS = 4;

	private static final Set<Integer> RETRY_ON_STATUS = Set.of(408, 429, 500, 502, 503, 504, 529);

	private BenchmarkPolicies() {
	}

	static Duration scaled(Duration duration) {
		return Duration.ofNanos(Math.round(duration.toNanos() * TIME_SCALE));
	}

	static RetryPolicy retry() {
		return new RetryPolicy(MAX_ATTEMPTS,
				new ExponentialBackoff(scaled(Duration.ofMillis(500)), 2.0, scaled(Duration.ofSeconds(8)), 0.25),
				new LinearBackoff(scaled(Duration.ofSeconds(1)), scaled(Duration.ofSeconds(10))), RETRY_ON_STATUS,
				scaled(Duration.ofSeconds(60)), BudgetPolicy.DEFAULT);
	}

	static CircuitBreakerPolicy circuitBreaker() {
		// llm.resilience.defaults.circuit-breaker: 50% of the last 100 attempts, at least 50 seen
		return new CircuitBreakerPolicy(50, 100, 50, scaled(Duration.ofSeconds(30)), 2);
	}

	static TimeoutPolicy timeouts() {
		return new TimeoutPolicy(scaled(Duration.ofSeconds(10)), scaled(Duration.ofSeconds(60)),
				scaled(Duration.ofSeconds(30)), scaled(Duration.ofMinutes(5)));
	}

	static ProviderPolicy policy(String baseUrl) {
		return policy(baseUrl, timeouts());
	}

	static ProviderPolicy policy(String baseUrl, TimeoutPolicy timeouts) {
		return new ProviderPolicy("bench", URI.create(baseUrl), Protocol.OPENAI, retry(), circuitBreaker(), timeouts);
	}

	/**
	 * Builds a provider's resilience the way the auto-configuration does, without a Spring context: the same
	 * resilience4j configurations and the same filter.
	 */
	static ProviderResilience resilience(ProviderPolicy policy) {
		return new ProviderResilience(policy,
				Retry.of(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts())),
				CircuitBreaker.of(policy.name(), ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker())),
				CallObserver.NONE);
	}

	/**
	 * The retry users write today: every error retried three times, exponential backoff with the starter's
	 * connection-backoff waits (initial, doubling, cap and jitter), no breaker, no budget, no hints.
	 */
	static RetryBackoffSpec handWritten() {
		ExponentialBackoff backoff = retry().connectionBackoff();
		return reactor.util.retry.Retry.backoff(MAX_ATTEMPTS - 1, backoff.initial())
			.maxBackoff(backoff.max())
			.jitter(backoff.jitter());
	}

	static List<String> describe() {
		RetryPolicy retry = retry();
		CircuitBreakerPolicy breaker = circuitBreaker();
		TimeoutPolicy timeouts = timeouts();
		return List.of(
				"Starter: the defaults a user gets, every duration x" + TIME_SCALE + " so the run stays short: "
						+ "max-attempts " + retry.maxAttempts() + ", connection backoff "
						+ Cells.duration(retry.connectionBackoff().initial()) + " x"
						+ retry.connectionBackoff().multiplier() + " up to "
						+ Cells.duration(retry.connectionBackoff().max()) + " jitter "
						+ retry.connectionBackoff().jitter() + ", overload backoff step "
						+ Cells.duration(retry.overloadBackoff().step()) + " up to "
						+ Cells.duration(retry.overloadBackoff().max()) + ", breaker "
						+ (int) breaker.failureRateThreshold() + "% of " + breaker.slidingWindowSize()
						+ " attempts (at least " + breaker.minimumNumberOfCalls() + "), open "
						+ Cells.duration(breaker.waitDurationInOpenState()) + ", "
						+ breaker.permittedCallsInHalfOpenState() + " half-open probes, budget "
						+ (int) retry.budget().maxTokens() + " tokens ratio " + retry.budget().tokenRatio()
						+ " (not scaled: it counts attempts, not time), timeouts connect "
						+ Cells.duration(timeouts.connect()) + ", response " + Cells.duration(timeouts.response())
						+ ", total " + Cells.duration(timeouts.total()) + ".",
				"Hand-written: `retryWhen(Retry.backoff(" + (MAX_ATTEMPTS - 1) + ", "
						+ Cells.duration(retry.connectionBackoff().initial()) + ").maxBackoff("
						+ Cells.duration(retry.connectionBackoff().max()) + ").jitter("
						+ retry.connectionBackoff().jitter()
						+ "))` on the response publisher, retrying every error: the starter's connection waits, "
						+ MAX_ATTEMPTS + " attempts in all.",
				"Every client has its own reactor-netty connection pool (128 connections) and the same connect "
						+ "timeout; the starter's WARN line per retry is silenced in all runs.");
	}

}
