package dev.llmresilience.autoconfigure;

import dev.llmresilience.call.ResilienceConfigs;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Puts each provider's Retry and CircuitBreaker into the application's resilience4j registries,
 * honouring {@code resilience4j.retry.instances.<name>} and
 * {@code resilience4j.circuitbreaker.instances.<name>} over the provider's own settings.
 */
final class Resilience4jInstances {

	private final RetryRegistry retryRegistry;

	private final CircuitBreakerRegistry circuitBreakerRegistry;

	private final CommonRetryConfigurationProperties retryProperties;

	private final CommonCircuitBreakerConfigurationProperties circuitBreakerProperties;

	Resilience4jInstances(RetryRegistry retryRegistry, CircuitBreakerRegistry circuitBreakerRegistry,
			CommonRetryConfigurationProperties retryProperties,
			CommonCircuitBreakerConfigurationProperties circuitBreakerProperties) {
		this.retryRegistry = retryRegistry;
		this.circuitBreakerRegistry = circuitBreakerRegistry;
		this.retryProperties = retryProperties;
		this.circuitBreakerProperties = circuitBreakerProperties;
	}

	/**
	 * Return the policy with the values set in resilience4j's own instance properties applied on top.
	 * @param policy the merged provider policy
	 * @return the effective policy
	 */
	ProviderPolicy withInstanceProperties(ProviderPolicy policy) {
		RetryPolicy retry = policy.retry();
		CommonRetryConfigurationProperties.InstanceProperties retryInstance = (this.retryProperties != null)
				? this.retryProperties.getInstances().get(policy.name()) : null;
		if (retryInstance != null && retryInstance.getMaxAttempts() != null) {
			retry = retry.withMaxAttempts(retryInstance.getMaxAttempts());
		}
		CircuitBreakerPolicy breaker = policy.circuitBreaker();
		CommonCircuitBreakerConfigurationProperties.InstanceProperties breakerInstance = (this.circuitBreakerProperties != null)
				? this.circuitBreakerProperties.getInstances().get(policy.name()) : null;
		if (breakerInstance != null) {
			breaker = new CircuitBreakerPolicy(
					or(breakerInstance.getFailureRateThreshold(), breaker.failureRateThreshold()),
					or(breakerInstance.getSlidingWindowSize(), breaker.slidingWindowSize()),
					or(breakerInstance.getMinimumNumberOfCalls(), breaker.minimumNumberOfCalls()),
					or(breakerInstance.getWaitDurationInOpenState(), breaker.waitDurationInOpenState()),
					or(breakerInstance.getPermittedNumberOfCallsInHalfOpenState(),
							breaker.permittedCallsInHalfOpenState()));
		}
		return new ProviderPolicy(policy.name(), policy.baseUrl(), policy.protocol(), retry, breaker,
				policy.timeouts());
	}

	Retry retry(ProviderPolicy policy) {
		// an instance named in resilience4j YAML exists already, built without our predicate: replace it
		this.retryRegistry.remove(policy.name());
		return this.retryRegistry.retry(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts()));
	}

	CircuitBreaker circuitBreaker(ProviderPolicy policy) {
		this.circuitBreakerRegistry.remove(policy.name());
		return this.circuitBreakerRegistry.circuitBreaker(policy.name(),
				ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker()));
	}

	private static <T> T or(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}
