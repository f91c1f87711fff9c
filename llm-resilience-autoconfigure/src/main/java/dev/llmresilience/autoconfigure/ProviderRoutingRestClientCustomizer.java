package dev.llmresilience.autoconfigure;

import java.util.Collection;

import dev.llmresilience.blocking.ProviderRoutingInterceptor;
import dev.llmresilience.call.ProviderResilience;

import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.core.Ordered;
import org.springframework.web.client.RestClient;

/**
 * Puts a {@link ProviderRoutingInterceptor} on every RestClient builder from the application context.
 * <p>
 * Ordered last because Spring walks a RestClient's interceptors once per request: an interceptor added
 * after this one would run on the first attempt only.
 */
public class ProviderRoutingRestClientCustomizer implements RestClientCustomizer, Ordered {

	private final ProviderRoutingInterceptor interceptor;

	/**
	 * Create the customizer.
	 * @param providers the configured providers, in configuration order
	 */
	public ProviderRoutingRestClientCustomizer(Collection<ProviderResilience> providers) {
		this.interceptor = new ProviderRoutingInterceptor(providers);
	}

	@Override
	public void customize(RestClient.Builder builder) {
		builder.requestInterceptor(this.interceptor);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
