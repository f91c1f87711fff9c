package dev.llmresilience.blocking;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.call.ProviderMatcher;
import dev.llmresilience.call.ProviderResilience;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs each RestClient request whose URL is under a provider's base URL through that provider's
 * {@link ResilientRequestInterceptor}, and every other request untouched; put on the application's
 * RestClient builders, it covers clients the application did not make itself, such as Spring AI's.
 */
public final class ProviderRoutingInterceptor implements ClientHttpRequestInterceptor {

	private final ProviderMatcher matcher;

	private final Map<String, ResilientRequestInterceptor> interceptors = new LinkedHashMap<>();

	/**
	 * Create a routing interceptor.
	 * @param providers the configured providers, in configuration order
	 */
	public ProviderRoutingInterceptor(Collection<ProviderResilience> providers) {
		this.matcher = new ProviderMatcher(providers);
		providers.forEach((provider) -> this.interceptors.put(provider.name(), new ResilientRequestInterceptor(provider)));
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		ProviderResilience provider = this.matcher.match(request.getURI());
		if (provider == null) {
			return execution.execute(request, body);
		}
		return this.interceptors.get(provider.name()).intercept(request, body, execution);
	}

}
