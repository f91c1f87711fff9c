package dev.llmresilience.core;

import java.net.URI;

/**
 * Everything that decides how calls to one provider are made resilient; holds no credentials.
 *
 * @param name the provider's name, also its resilience4j instance name
 * @param baseUrl the provider's base URL
 * @param protocol the provider's API dialect
 * @param retry how calls are retried
 * @param circuitBreaker when the breaker opens
 * @param timeouts how long calls may take
 */
public record ProviderPolicy(String name, URI baseUrl, Protocol protocol, RetryPolicy retry,
		CircuitBreakerPolicy circuitBreaker, TimeoutPolicy timeouts) {

	public ProviderPolicy {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (baseUrl == null || !baseUrl.isAbsolute()) {
			throw new IllegalArgumentException("baseUrl must be an absolute URL but was " + baseUrl);
		}
	}

	public FailureClassifier classifier() {
		return new FailureClassifier(this.retry.retryOnStatus());
	}

}
