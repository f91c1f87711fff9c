package dev.llmresilience.reactive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.llmresilience.call.ProviderResilience;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Resilient WebClients and RestClients for the configured LLM providers.
 */
public class LlmClients {

	private final Map<String, ProviderResilience> providers;

	private final Map<String, Consumer<HttpHeaders>> authentication;

	private final Supplier<WebClient.Builder> builders;

	private final Function<ProviderResilience, ClientHttpConnector> connectors;

	private final Function<ProviderResilience, RestClient.Builder> restClientBuilders;

	/** One connector per provider, shared by every WebClient made for it (and so its connection pool). */
	private final Map<String, ClientHttpConnector> connectorCache = new ConcurrentHashMap<>();

	/**
	 * Create the clients.
	 * @param providers each provider's resilience, by name
	 * @param authentication the headers that authenticate with each provider, by name
	 * @param builders a source of fresh WebClient builders (the application's prototype builder)
	 * @param connectors the HTTP connector for each provider, with its connect timeout
	 */
	public LlmClients(Map<String, ProviderResilience> providers, Map<String, Consumer<HttpHeaders>> authentication,
			Supplier<WebClient.Builder> builders, Function<ProviderResilience, ClientHttpConnector> connectors) {
		this(providers, authentication, builders, connectors, null);
	}

	/**
	 * Create the clients, blocking ones included.
	 * @param providers each provider's resilience, by name
	 * @param authentication the headers that authenticate with each provider, by name
	 * @param builders a source of fresh WebClient builders (the application's prototype builder)
	 * @param connectors the HTTP connector for each provider, with its connect timeout
	 * @param restClientBuilders a fresh RestClient builder for each provider, its resilience interceptor
	 * and timeouts set, or {@code null} to make no RestClients
	 */
	public LlmClients(Map<String, ProviderResilience> providers, Map<String, Consumer<HttpHeaders>> authentication,
			Supplier<WebClient.Builder> builders, Function<ProviderResilience, ClientHttpConnector> connectors,
			Function<ProviderResilience, RestClient.Builder> restClientBuilders) {
		this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
		this.authentication = Map.copyOf(authentication);
		this.builders = builders;
		this.connectors = connectors;
		this.restClientBuilders = restClientBuilders;
	}

	/**
	 * Return the names of the configured providers.
	 * @return the provider names
	 */
	public Set<String> names() {
		return this.providers.keySet();
	}

	/**
	 * Return one provider's resilience.
	 * @param provider the provider's name
	 * @return its resilience
	 * @throws IllegalArgumentException if no provider has that name
	 */
	public ProviderResilience provider(String provider) {
		ProviderResilience resilience = this.providers.get(provider);
		if (resilience == null) {
			throw new IllegalArgumentException("No LLM provider named '%s' is configured under llm.resilience.providers; known: %s"
				.formatted(provider, this.providers.keySet()));
		}
		return resilience;
	}

	/**
	 * Return a new WebClient for a provider: the application's builder with the provider's base URL,
	 * authentication, connect timeout and resilience filter.
	 * @param provider the provider's name
	 * @return a WebClient
	 */
	public WebClient webClient(String provider) {
		ProviderResilience resilience = provider(provider);
		WebClient.Builder builder = this.builders.get()
			// this client names its provider: URL routing would wrap it a second time, maybe as another provider
			.filters((filters) -> filters.removeIf(ProviderRoutingFilter.class::isInstance))
			.baseUrl(resilience.policy().baseUrl().toString())
			.defaultHeaders(this.authentication.getOrDefault(provider, (headers) -> {
			}))
			.filter(new ResilientExchangeFilter(resilience));
		ClientHttpConnector connector = this.connectorCache.computeIfAbsent(provider,
				(name) -> this.connectors.apply(resilience));
		if (connector != null) {
			builder.clientConnector(connector);
		}
		return builder.build();
	}

	/**
	 * Return a new RestClient for a provider: the application's builder with the provider's base URL,
	 * authentication, timeouts and resilience interceptor.
	 * @param provider the provider's name
	 * @return a RestClient
	 * @throws IllegalStateException if these clients were created without RestClient support
	 */
	public RestClient restClient(String provider) {
		ProviderResilience resilience = provider(provider);
		if (this.restClientBuilders == null) {
			throw new IllegalStateException("These LlmClients were created without RestClient support");
		}
		return this.restClientBuilders.apply(resilience)
			.baseUrl(resilience.policy().baseUrl().toString())
			.defaultHeaders(this.authentication.getOrDefault(provider, (headers) -> {
			}))
			.build();
	}

	/**
	 * Return the filter that puts a provider's resilience on a WebClient the application builds.
	 * @param provider the provider's name
	 * @return the filter
	 */
	public ExchangeFilterFunction filter(String provider) {
		return new ResilientExchangeFilter(provider(provider));
	}

}
