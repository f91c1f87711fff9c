package dev.llmresilience.autoconfigure;

import java.util.Collection;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.reactive.ProviderRoutingFilter;

import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Puts a {@link ProviderRoutingFilter} on every WebClient builder from the application context.
 * <p>
 * Ordered last so that the routing filter comes after the filters other customizers add: those then
 * run once per call, and the ones the application adds after customization once per attempt.
 */
public class ProviderRoutingWebClientCustomizer implements WebClientCustomizer, Ordered {

	private final ProviderRoutingFilter filter;

	/**
	 * Create the customizer.
	 * @param providers the configured providers, in configuration order
	 */
	public ProviderRoutingWebClientCustomizer(Collection<ProviderResilience> providers) {
		this.filter = new ProviderRoutingFilter(providers);
	}

	@Override
	public void customize(WebClient.Builder builder) {
		builder.filter(this.filter);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
