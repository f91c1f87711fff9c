package dev.llmresilience.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.BudgetPolicy;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.ExponentialBackoff;
import dev.llmresilience.core.LinearBackoff;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RecentAttempts;
import dev.llmresilience.core.RetryBudget;
import dev.llmresilience.core.RetryPolicy;
import dev.llmresilience.core.TimeoutPolicy;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that shows, for each LLM provider, where it is, its breaker's state,
 * the causes of its recent attempts and the policy in effect. Read only: resilience4j's
 * {@code circuitbreakers} endpoint already changes breaker states.
 * <p>
 * It never shows an API key, a base URL's path, query or user info, a prompt or a body: only the
 * host, which the operator needs to tell providers apart.
 */
@Endpoint(id = "llmproviders")
public class LlmProvidersEndpoint {

	private final LlmClients clients;

	private final RecentAttempts recentAttempts;

	public LlmProvidersEndpoint(LlmClients clients, RecentAttempts recentAttempts) {
		this.clients = clients;
		this.recentAttempts = recentAttempts;
	}

	@ReadOperation
	public LlmProvidersDescriptor providers() {
		Map<String, ProviderDescriptor> providers = new LinkedHashMap<>();
		new TreeSet<>(this.clients.names()).forEach((name) -> providers.put(name, describe(name)));
		return new LlmProvidersDescriptor(providers);
	}

	@ReadOperation
	public ProviderDescriptor provider(@Selector String name) {
		return this.clients.names().contains(name) ? describe(name) : null;
	}

	private ProviderDescriptor describe(String name) {
		ProviderResilience provider = this.clients.provider(name);
		ProviderPolicy policy = provider.policy();
		return new ProviderDescriptor(host(policy.baseUrl()), policy.protocol().name().toLowerCase(Locale.ROOT),
				CircuitBreakerDescriptor.of(provider), RecentAttemptsDescriptor.of(this.recentAttempts.summary(name)),
				PolicyDescriptor.of(policy, provider.maxAttempts(), provider.planner().budget()));
	}

	private static String host(URI baseUrl) {
		return (baseUrl.getPort() != -1) ? baseUrl.getHost() + ":" + baseUrl.getPort() : baseUrl.getHost();
	}

	private static String format(Duration duration) {
		return duration.toString();
	}

	/**
	 * Every configured provider, by name.
	 *
	 * @param providers the providers, sorted by name
	 */
	public record LlmProvidersDescriptor(Map<String, ProviderDescriptor> providers) implements OperationResponseBody {
	}

	/**
	 * One provider.
	 *
	 * @param host the base URL's host, and its port when one is given
	 * @param protocol the API dialect
	 * @param circuitBreaker the breaker's state now
	 * @param recentAttempts what the provider's last attempts came to
	 * @param policy the policy in effect, after defaults and resilience4j instance properties
	 */
	public record ProviderDescriptor(String host, String protocol, CircuitBreakerDescriptor circuitBreaker,
			RecentAttemptsDescriptor recentAttempts, PolicyDescriptor policy) implements OperationResponseBody {
	}

	/**
	 * A breaker's state, with durations in ISO-8601.
	 *
	 * @param state CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED or METRICS_ONLY
	 * @param remainingOpen how long it stays open from now, {@code PT0S} when it is not open
	 * @param failureRate the failure rate in percent over the window, -1 until enough attempts were made
	 * @param bufferedCalls the attempts in the window
	 * @param failedCalls the failed attempts in the window
	 * @param notPermittedCalls the attempts refused while open
	 */
	public record CircuitBreakerDescriptor(String state, String remainingOpen, float failureRate, int bufferedCalls,
			int failedCalls, long notPermittedCalls) {

		static CircuitBreakerDescriptor of(ProviderResilience provider) {
			CircuitBreaker breaker = provider.circuitBreaker();
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			return new CircuitBreakerDescriptor(breaker.getState().name(), format(provider.remainingOpen()),
					metrics.getFailureRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
					metrics.getNumberOfNotPermittedCalls());
		}

	}

	/**
	 * The provider's last attempts.
	 *
	 * @param window the attempts remembered at most
	 * @param attempts the attempts remembered
	 * @param succeeded how many of them succeeded
	 * @param failed how many failed, by cause
	 * @param lastFailure the latest failure's cause and instant, or {@code null}
	 */
	public record RecentAttemptsDescriptor(int window, int attempts, int succeeded, Map<String, Integer> failed,
			LastFailureDescriptor lastFailure) {

		static RecentAttemptsDescriptor of(RecentAttempts.Summary summary) {
			RecentAttempts.LastFailure last = summary.lastFailure();
			return new RecentAttemptsDescriptor(summary.window(), summary.attempts(), summary.succeeded(),
					summary.failedByCause(),
					(last != null) ? new LastFailureDescriptor(last.cause(), last.at().toString()) : null);
		}

	}

	/**
	 * The latest failed attempt.
	 *
	 * @param cause its cause
	 * @param at when it ended, ISO-8601
	 */
	public record LastFailureDescriptor(String cause, String at) {
	}

	/**
	 * The policy in effect.
	 *
	 * @param retry how calls are retried
	 * @param circuitBreaker when the breaker opens
	 * @param timeouts how long calls may take
	 */
	public record PolicyDescriptor(RetryDescriptor retry, CircuitBreakerPolicyDescriptor circuitBreaker,
			TimeoutsDescriptor timeouts) {

		static PolicyDescriptor of(ProviderPolicy policy, int maxAttempts, RetryBudget budget) {
			RetryPolicy retry = policy.retry();
			ExponentialBackoff connection = retry.connectionBackoff();
			LinearBackoff overload = retry.overloadBackoff();
			CircuitBreakerPolicy breaker = policy.circuitBreaker();
			TimeoutPolicy timeouts = policy.timeouts();
			return new PolicyDescriptor(
					new RetryDescriptor(maxAttempts,
							new ConnectionBackoffDescriptor(format(connection.initial()), connection.multiplier(),
									format(connection.max()), connection.jitter()),
							new OverloadBackoffDescriptor(format(overload.step()), format(overload.max())),
							List.copyOf(new TreeSet<>(retry.retryOnStatus())), format(retry.maxServerDelay()),
							BudgetDescriptor.of(retry.budget(), budget)),
					new CircuitBreakerPolicyDescriptor(breaker.failureRateThreshold(), breaker.slidingWindowSize(),
							breaker.minimumNumberOfCalls(), format(breaker.waitDurationInOpenState()),
							breaker.permittedCallsInHalfOpenState()),
					new TimeoutsDescriptor(format(timeouts.connect()), format(timeouts.response()),
							format(timeouts.streamIdle()), format(timeouts.total())));
		}

	}

	/**
	 * Retry settings in effect.
	 *
	 * @param maxAttempts attempts in all, the first one included
	 * @param connectionBackoff the wait after connection-level failures
	 * @param overloadBackoff the wait after overload and rate-limit answers
	 * @param retryOnStatus the statuses retried
	 * @param maxServerDelay the longest server-asked wait honoured
	 * @param budget the retry budget and what is left of it
	 */
	public record RetryDescriptor(int maxAttempts, ConnectionBackoffDescriptor connectionBackoff,
			OverloadBackoffDescriptor overloadBackoff, List<Integer> retryOnStatus, String maxServerDelay,
			BudgetDescriptor budget) {
	}

	/**
	 * The retry budget: its settings and the tokens left now.
	 *
	 * @param enabled whether retries are throttled
	 * @param maxTokens the bucket's capacity, or {@code null} when not throttled
	 * @param tokenRatio the tokens a success returns, or {@code null} when not throttled
	 * @param tokens the tokens left now, or {@code null} when not throttled
	 * @param allowsRetry whether a failed attempt may be retried now
	 */
	public record BudgetDescriptor(boolean enabled, Double maxTokens, Double tokenRatio, Double tokens,
			boolean allowsRetry) {

		static BudgetDescriptor of(BudgetPolicy policy, RetryBudget budget) {
			if (!policy.enabled() || budget.isUnlimited()) {
				return new BudgetDescriptor(false, null, null, null, true);
			}
			return new BudgetDescriptor(true, budget.maxTokens(), budget.tokenRatio(),
					Math.round(budget.tokens() * 1000) / 1000.0, budget.allowsRetry());
		}

	}

	/**
	 * Exponential backoff with jitter.
	 *
	 * @param initial the wait after the first failure
	 * @param multiplier the growth per attempt
	 * @param max the longest wait
	 * @param jitter the spread either way, as a fraction
	 */
	public record ConnectionBackoffDescriptor(String initial, double multiplier, String max, double jitter) {
	}

	/**
	 * Linear backoff.
	 *
	 * @param step the wait added per failed attempt
	 * @param max the longest wait
	 */
	public record OverloadBackoffDescriptor(String step, String max) {
	}

	/**
	 * Breaker settings in effect.
	 *
	 * @param failureRateThreshold the failure rate in percent at which it opens
	 * @param slidingWindowSize the attempts the rate is computed over
	 * @param minimumNumberOfCalls the attempts needed before the rate counts
	 * @param waitDurationInOpenState how long it stays open
	 * @param permittedCallsInHalfOpenState the probes let through while half open
	 */
	public record CircuitBreakerPolicyDescriptor(float failureRateThreshold, int slidingWindowSize,
			int minimumNumberOfCalls, String waitDurationInOpenState, int permittedCallsInHalfOpenState) {
	}

	/**
	 * Timeouts in effect.
	 *
	 * @param connect to establish a connection
	 * @param response until response headers arrive, per attempt
	 * @param streamIdle the longest gap between stream events
	 * @param total across all attempts and waits of a call
	 */
	public record TimeoutsDescriptor(String connect, String response, String streamIdle, String total) {
	}

}
