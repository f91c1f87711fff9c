package dev.llmresilience.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.Policy;
import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.core.BudgetPolicy;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.ExponentialBackoff;
import dev.llmresilience.core.LinearBackoff;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetryPolicy;
import dev.llmresilience.core.TimeoutPolicy;

/**
 * Merges {@code llm.resilience.defaults} under one provider's own settings and checks the result,
 * naming the property and its bad value when one is wrong.
 */
final class ProviderPolicyFactory {

	static final String PREFIX = "llm.resilience.";

	private final Policy defaults;

	ProviderPolicyFactory(Policy defaults) {
		this.defaults = defaults;
	}

	/**
	 * Check every default, even those each provider overrides and even with no provider configured,
	 * so a bad value fails start-up the day it is written rather than the day a provider relies on it.
	 * @throws InvalidPropertyException naming the first bad {@code llm.resilience.defaults.*} value
	 */
	void checkDefaults() {
		// a provider that sets nothing of its own takes every value from the defaults
		Provider nothingOwn = new Provider();
		nothingOwn.setBaseUrl("http://defaults.invalid");
		create("defaults", nothingOwn);
	}

	ProviderPolicy create(String name, Provider provider) {
		String path = PREFIX + "providers." + name + ".";
		Merger merger = new Merger(path, provider, this.defaults);
		URI baseUrl = baseUrl(path + "base-url", provider.getBaseUrl());
		if (provider.getProtocol() == null) {
			throw new InvalidPropertyException(path + "protocol", null, "must be one of openai, anthropic");
		}
		RetryPolicy retry = new RetryPolicy(
				merger.value("retry.max-attempts", (p) -> p.getRetry().getMaxAttempts(), atLeast(1)),
				new ExponentialBackoff(
						merger.value("retry.connection-backoff.initial",
								(p) -> p.getRetry().getConnectionBackoff().getInitial(), positive()),
						merger.value("retry.connection-backoff.multiplier",
								(p) -> p.getRetry().getConnectionBackoff().getMultiplier(),
								(v) -> (v >= 1.0 && v <= 100.0) ? null : "must be between 1 and 100"),
						merger.value("retry.connection-backoff.max",
								(p) -> p.getRetry().getConnectionBackoff().getMax(), positive()),
						merger.value("retry.connection-backoff.jitter",
								(p) -> p.getRetry().getConnectionBackoff().getJitter(),
								(v) -> (v >= 0.0 && v <= 1.0) ? null : "must be between 0 and 1")),
				new LinearBackoff(
						merger.value("retry.overload-backoff.step", (p) -> p.getRetry().getOverloadBackoff().getStep(),
								positive()),
						merger.value("retry.overload-backoff.max", (p) -> p.getRetry().getOverloadBackoff().getMax(),
								positive())),
				statuses(merger.value("retry.retry-on-status", (p) -> p.getRetry().getRetryOnStatus(),
						ProviderPolicyFactory::invalidStatus)),
				merger.value("retry.max-server-delay", (p) -> p.getRetry().getMaxServerDelay(), positive()),
				new BudgetPolicy(merger.value("retry.budget.enabled", (p) -> p.getRetry().getBudget().getEnabled(),
						(v) -> null),
						merger.value("retry.budget.max-tokens", (p) -> p.getRetry().getBudget().getMaxTokens(),
								(v) -> (v > 0 && v <= 1_000_000) ? null : "must be above 0 and at most 1000000"),
						merger.value("retry.budget.token-ratio", (p) -> p.getRetry().getBudget().getTokenRatio(),
								(v) -> (v >= 0.001 && v <= 1_000_000) ? null : "must be at least 0.001")));
		CircuitBreakerPolicy circuitBreaker = new CircuitBreakerPolicy(
				merger.value("circuit-breaker.failure-rate-threshold",
						(p) -> p.getCircuitBreaker().getFailureRateThreshold(),
						(v) -> (v >= 1 && v <= 100) ? null : "must be between 1 and 100"),
				merger.value("circuit-breaker.sliding-window-size",
						(p) -> p.getCircuitBreaker().getSlidingWindowSize(), atLeast(1)),
				merger.value("circuit-breaker.minimum-number-of-calls",
						(p) -> p.getCircuitBreaker().getMinimumNumberOfCalls(), atLeast(1)),
				merger.value("circuit-breaker.wait-duration-in-open-state",
						(p) -> p.getCircuitBreaker().getWaitDurationInOpenState(), positive()),
				merger.value("circuit-breaker.permitted-calls-in-half-open-state",
						(p) -> p.getCircuitBreaker().getPermittedCallsInHalfOpenState(), atLeast(1)));
		TimeoutPolicy timeouts = new TimeoutPolicy(
				merger.value("timeouts.connect", (p) -> p.getTimeouts().getConnect(), positive()),
				merger.value("timeouts.response", (p) -> p.getTimeouts().getResponse(), positive()),
				merger.value("timeouts.stream-idle", (p) -> p.getTimeouts().getStreamIdle(), positive()),
				merger.value("timeouts.total", (p) -> p.getTimeouts().getTotal(), positive()));
		return new ProviderPolicy(name, baseUrl, provider.getProtocol(), retry, circuitBreaker, timeouts);
	}

	private static URI baseUrl(String path, String value) {
		if (value == null || value.isBlank()) {
			throw new InvalidPropertyException(path, value, "is required");
		}
		try {
			URI uri = URI.create(value.trim());
			String scheme = uri.getScheme();
			if (uri.isAbsolute() && uri.getHost() != null
					&& ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
				return uri;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new InvalidPropertyException(path, value, "must be an absolute http or https URL");
	}

	private static Set<Integer> statuses(List<Integer> statuses) {
		return new HashSet<>(statuses);
	}

	private static String invalidStatus(List<Integer> statuses) {
		for (Integer status : statuses) {
			if (status == null || status < 100 || status > 599) {
				return "must hold HTTP status codes between 100 and 599 but holds " + status;
			}
		}
		return null;
	}

	private static Function<Integer, String> atLeast(int minimum) {
		return (v) -> (v >= minimum) ? null : "must be at least " + minimum;
	}

	private static Function<Duration, String> positive() {
		return (v) -> (v.isNegative() || v.isZero()) ? "must be a positive duration" : null;
	}

	/**
	 * Picks a provider's own value, else the default's, and checks it under the path it came from.
	 */
	private static final class Merger {

		private final String providerPath;

		private final Policy provider;

		private final Policy defaults;

		Merger(String providerPath, Policy provider, Policy defaults) {
			this.providerPath = providerPath;
			this.provider = provider;
			this.defaults = defaults;
		}

		<T> T value(String property, Function<Policy, T> getter, Function<T, String> check) {
			T own = getter.apply(this.provider);
			String path = (own != null) ? this.providerPath + property : PREFIX + "defaults." + property;
			T value = (own != null) ? own : getter.apply(this.defaults);
			if (value == null) {
				throw new InvalidPropertyException(path, null, "is required");
			}
			String problem = check.apply(value);
			if (problem != null) {
				throw new InvalidPropertyException(path, value, problem);
			}
			return value;
		}

	}

}
