package dev.llmresilience.autoconfigure;

import dev.llmresilience.reactive.LlmClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.client.RestClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that hands
 * Spring AI's chat models over to the providers' resilience.
 * <p>
 * Spring AI builds its clients from the context's {@code RestClient.Builder} ({@code call()}) and
 * {@code WebClient.Builder} ({@code stream()}), which {@link ProviderRoutingAutoConfiguration} routes.
 * Two gaps remain, closed here: Spring AI's own {@code RetryTemplate} would retry {@code call()} again
 * on top of the provider's retries, so it is replaced by one that makes a single attempt; and in a
 * reactive web application Spring Boot defines no {@code RestClient.Builder}, so Spring AI would fall
 * back to a bare {@code RestClient.builder()} that no customizer reaches, so one is contributed.
 */
@AutoConfiguration(after = { LlmResilienceAutoConfiguration.class, ProviderRoutingAutoConfiguration.class,
		RestClientAutoConfiguration.class },
		beforeName = { "org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration",
				"org.springframework.ai.model.openai.autoconfigure.OpenAiChatAutoConfiguration",
				"org.springframework.ai.model.anthropic.autoconfigure.AnthropicChatAutoConfiguration" })
@ConditionalOnClass(name = { "org.springframework.ai.retry.RetryUtils",
		"org.springframework.retry.support.RetryTemplate" })
@ConditionalOnBean(LlmClients.class)
@ConditionalOnProperty(prefix = "llm.resilience", name = { "spring-ai.enabled", "route-by-base-url" },
		havingValue = "true", matchIfMissing = true)
@Conditional(OnProvidersConfiguredCondition.class)
public class SpringAiResilienceAutoConfiguration {

	/**
	 * Spring AI's own {@code retryTemplate} is {@code @ConditionalOnMissingBean}: this one, defined first,
	 * takes its place and lets each failure through at once, typed by the provider's resilience.
	 * @return a retry template that makes one attempt
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "llm.resilience.spring-ai", name = "disable-own-retry", havingValue = "true",
			matchIfMissing = true)
	RetryTemplate retryTemplate() {
		return RetryTemplate.builder().maxAttempts(1).build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
	static class ReactiveWebRestClientBuilderConfiguration {

		/**
		 * Mirrors Spring Boot's own prototype {@code restClientBuilder} for servlet and non-web
		 * applications: a detected request factory and every {@link RestClientCustomizer}, so the
		 * provider routing reaches Spring AI's {@code call()} and other customizers apply as usual.
		 * @param requestFactoryBuilder the application's request factory builder, if any
		 * @param requestFactorySettings the application's request factory settings, if any
		 * @param customizers the application's RestClient customizers
		 * @return a new builder
		 */
		@Bean
		@Scope("prototype")
		@ConditionalOnMissingBean
		RestClient.Builder restClientBuilder(ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
				ObjectProvider<ClientHttpRequestFactorySettings> requestFactorySettings,
				ObjectProvider<RestClientCustomizer> customizers) {
			RestClient.Builder builder = RestClient.builder()
				.requestFactory(requestFactoryBuilder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect)
					.build(requestFactorySettings.getIfAvailable(ClientHttpRequestFactorySettings::defaults)));
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder;
		}

	}

}
