package dev.llmresilience.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.llmresilience.blocking.ProviderRoutingInterceptor;
import dev.llmresilience.blocking.ResilientRequestInterceptor;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.TimeoutPolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Makes the RestClient builder behind {@code LlmClients.restClient(name)}: the application's builder
 * (or a new one), with the provider's resilience interceptor in place of URL routing and a request
 * factory that connects and waits for responses within the provider's timeouts.
 */
final class ProviderRestClientBuilders implements Function<ProviderResilience, RestClient.Builder> {

	private final ObjectProvider<RestClient.Builder> builders;

	private final ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder;

	private final ObjectProvider<ClientHttpRequestFactorySettings> requestFactorySettings;

	// One request factory per provider, shared by every RestClient made for it: a factory owns an HTTP
	// client with its own connection pool (and, for the JDK's, a thread), which a client per call would leak.
	private final Map<String, ClientHttpRequestFactory> requestFactories = new ConcurrentHashMap<>();

	ProviderRestClientBuilders(ObjectProvider<RestClient.Builder> builders,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<ClientHttpRequestFactorySettings> requestFactorySettings) {
		this.builders = builders;
		this.requestFactoryBuilder = requestFactoryBuilder;
		this.requestFactorySettings = requestFactorySettings;
	}

	@Override
	public RestClient.Builder apply(ProviderResilience provider) {
		return this.builders.getIfAvailable(RestClient::builder)
			// this client names its provider: URL routing would wrap it a second time, maybe as another provider
			.requestInterceptors((interceptors) -> interceptors.removeIf(ProviderRoutingInterceptor.class::isInstance))
			.requestInterceptor(new ResilientRequestInterceptor(provider))
			.requestFactory(this.requestFactories.computeIfAbsent(provider.name(), (name) -> requestFactory(provider)));
	}

	private ClientHttpRequestFactory requestFactory(ProviderResilience provider) {
		TimeoutPolicy timeouts = provider.policy().timeouts();
		ClientHttpRequestFactorySettings settings = this.requestFactorySettings
			.getIfAvailable(ClientHttpRequestFactorySettings::defaults)
			.withConnectTimeout(timeouts.connect())
			// the nearest a blocking client comes to the reactive timeouts.response
			.withReadTimeout(timeouts.response());
		return this.requestFactoryBuilder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect).build(settings);
	}

}
