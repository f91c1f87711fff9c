package dev.llmresilience.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.llmresilience.autoconfigure.LlmResilienceProperties.Provider;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.Protocol;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorSettings;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that gives every
 * provider under {@code llm.resilience.providers} a resilient WebClient.
 */
@AutoConfiguration(after = { WebClientAutoConfiguration.class, ClientHttpConnectorAutoConfiguration.class },
		afterName = { "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration" })
@ConditionalOnClass(value = { WebClient.class, RetryOperator.class, CircuitBreakerOperator.class },
		name = { "io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties",
				"io.github.resilience4j.common.circuitbreaker.configuration.CommonCircuitBreakerConfigurationProperties" })
@ConditionalOnProperty(prefix = "llm.resilience", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LlmResilienceProperties.class)
public class LlmResilienceAutoConfiguration {

	static final String ANTHROPIC_VERSION = "2023-06-01";

	@Bean
	@ConditionalOnMissingBean
	LlmClients llmClients(LlmResilienceProperties properties, ObjectProvider<RetryRegistry> retryRegistry,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry,
			ObjectProvider<CommonRetryConfigurationProperties> retryProperties,
			ObjectProvider<CommonCircuitBreakerConfigurationProperties> circuitBreakerProperties,
			ObjectProvider<CallObserver> observers, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			ObjectProvider<ClientHttpConnectorSettings> connectorSettings, Environment environment,
			ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<ClientHttpRequestFactorySettings> requestFactorySettings) {
		Resilience4jInstances instances = new Resilience4jInstances(
				retryRegistry.getIfAvailable(RetryRegistry::ofDefaults),
				circuitBreakerRegistry.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
				retryProperties.getIfAvailable(), circuitBreakerProperties.getIfAvailable());
		CallObserver observer = CallObserver.composite(observers.orderedStream().toList());
		int bodyLimit = Binder.get(environment)
			.bind("spring.codec.max-in-memory-size", DataSize.class)
			.map((size) -> (int) Math.min(Integer.MAX_VALUE, size.toBytes()))
			.orElse(ProviderResilience.DEFAULT_BODY_LIMIT);
		ProviderPolicyFactory policies = new ProviderPolicyFactory(properties.getDefaults());
		policies.checkDefaults();
		Map<String, ProviderResilience> providers = new LinkedHashMap<>();
		Map<String, Consumer<HttpHeaders>> authentication = new LinkedHashMap<>();
		properties.getProviders().forEach((name, provider) -> {
			ProviderPolicy policy = instances.withInstanceProperties(policies.create(name, provider));
			providers.put(name, new ProviderResilience(policy, instances.retry(policy),
					instances.circuitBreaker(policy), observer, bodyLimit));
			authentication.put(name, authentication(provider));
		});
		ClientHttpConnectorBuilder<?> connectors = connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect);
		ClientHttpConnectorSettings settings = connectorSettings.getIfAvailable(ClientHttpConnectorSettings::defaults);
		return new LlmClients(providers, authentication,
				() -> webClientBuilder.getIfAvailable(WebClient::builder),
				(provider) -> connectors.build(settings.withConnectTimeout(provider.policy().timeouts().connect())),
				new ProviderRestClientBuilders(restClientBuilder, requestFactoryBuilder, requestFactorySettings));
	}

	/**
	 * Keep {@link LlmClients} eager under {@code spring.main.lazy-initialization}: creating it is what
	 * checks the configuration, and a bad value must fail start-up, not the first call.
	 * @return the filter
	 */
	@Bean
	static LazyInitializationExcludeFilter llmClientsEagerInitialization() {
		return LazyInitializationExcludeFilter.forBeanTypes(LlmClients.class);
	}

	private static Consumer<HttpHeaders> authentication(Provider provider) {
		String apiKey = provider.getApiKey();
		return (headers) -> {
			if (provider.getProtocol() == Protocol.ANTHROPIC) {
				if (StringUtils.hasText(apiKey)) {
					headers.set("x-api-key", apiKey);
				}
				headers.set("anthropic-version", ANTHROPIC_VERSION);
			}
			else if (StringUtils.hasText(apiKey)) {
				headers.setBearerAuth(apiKey);
			}
		};
	}

}
