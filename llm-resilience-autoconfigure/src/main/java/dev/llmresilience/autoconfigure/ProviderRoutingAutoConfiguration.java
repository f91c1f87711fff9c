package dev.llmresilience.autoconfigure;

import java.util.List;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.reactive.LlmClients;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that routes
 * requests made with the application's WebClient and RestClient builders through the resilience of the
 * provider whose base URL they are under, so clients made by libraries such as Spring AI are covered
 * without code.
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class)
@ConditionalOnBean(LlmClients.class)
@ConditionalOnProperty(prefix = "llm.resilience", name = "route-by-base-url", havingValue = "true",
		matchIfMissing = true)
public class ProviderRoutingAutoConfiguration {

	static List<ProviderResilience> providers(LlmClients clients) {
		return clients.names().stream().map(clients::provider).toList();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, WebClientCustomizer.class })
	static class WebClientRoutingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProviderRoutingWebClientCustomizer providerRoutingWebClientCustomizer(LlmClients clients) {
			return new ProviderRoutingWebClientCustomizer(providers(clients));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
	static class RestClientRoutingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProviderRoutingRestClientCustomizer providerRoutingRestClientCustomizer(LlmClients clients) {
			return new ProviderRoutingRestClientCustomizer(providers(clients));
		}

	}

}
