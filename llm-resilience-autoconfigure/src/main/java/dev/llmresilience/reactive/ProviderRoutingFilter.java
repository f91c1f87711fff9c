package dev.llmresilience.reactive;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.call.ProviderMatcher;
import dev.llmresilience.call.ProviderResilience;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Runs each exchange whose URL is under a provider's base URL through that provider's
 * {@link ResilientExchangeFilter}, and every other exchange untouched; put on the application's
 * WebClient builders, it covers clients the application did not make itself, such as Spring AI's.
 */
public final class ProviderRoutingFilter implements ExchangeFilterFunction {

	private final ProviderMatcher matcher;

	private final Map<String, ResilientExchangeFilter> filters = new LinkedHashMap<>();

	/**
	 * Create a routing filter.
	 * @param providers the configured providers, in configuration order
	 */
	public ProviderRoutingFilter(Collection<ProviderResilience> providers) {
		this.matcher = new ProviderMatcher(providers);
		providers.forEach((provider) -> this.filters.put(provider.name(), new ResilientExchangeFilter(provider)));
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		ProviderResilience provider = this.matcher.match(request.url());
		if (provider == null) {
			return next.exchange(request);
		}
		return this.filters.get(provider.name()).filter(request, next);
	}

}
