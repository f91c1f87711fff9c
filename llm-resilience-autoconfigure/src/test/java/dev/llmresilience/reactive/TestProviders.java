package dev.llmresilience.reactive;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.call.ResilienceConfigs;
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
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Policies with short waits, and WebClients on them, so tests over real HTTP stay fast.
 */
public final class TestProviders {

	public static final Set<Integer> RETRY_ON = Set.of(408, 429, 500, 502, 503, 504, 529);

	private TestProviders() {
	}

	public static RetryPolicy retry(int maxAttempts) {
		return new RetryPolicy(maxAttempts, new ExponentialBackoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(200), 0.25),
				new LinearBackoff(Duration.ofMillis(20), Duration.ofMillis(200)), RETRY_ON, Duration.ofSeconds(5));
	}

	public static CircuitBreakerPolicy lenientBreaker() {
		return new CircuitBreakerPolicy(100, 100, 100, Duration.ofSeconds(30), 1);
	}

	public static TimeoutPolicy timeouts() {
		return new TimeoutPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofSeconds(30));
	}

	public static ProviderPolicy policy(String baseUrl) {
		return new ProviderPolicy("test", URI.create(baseUrl), Protocol.OPENAI, retry(4), lenientBreaker(), timeouts());
	}

	public static ProviderResilience resilience(ProviderPolicy policy) {
		return resilience(policy, CallObserver.NONE);
	}

	public static ProviderResilience resilience(ProviderPolicy policy, CallObserver observer) {
		return new ProviderResilience(policy,
				Retry.of(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts())),
				CircuitBreaker.of(policy.name(), ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker())),
				observer);
	}

	public static ProviderPolicy with(ProviderPolicy policy, UnaryOperator<RetryPolicy> retry) {
		return new ProviderPolicy(policy.name(), policy.baseUrl(), policy.protocol(), retry.apply(policy.retry()),
				policy.circuitBreaker(), policy.timeouts());
	}

	public static WebClient webClient(ProviderPolicy policy) {
		return webClient(resilience(policy));
	}

	public static WebClient webClient(ProviderResilience resilience) {
		return WebClient.builder()
			.baseUrl(resilience.policy().baseUrl().toString())
			.filter(new ResilientExchangeFilter(resilience))
			.build();
	}

	public static Mono<String> postJson(WebClient client, String uri, Object body) {
		return client.post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToMono(String.class);
	}

}
