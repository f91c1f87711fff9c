package dev.llmresilience.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.blocking.ProviderRoutingInterceptor;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.ai.retry.TransientAiException;
import org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SpringAiResilienceAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
			ClientHttpConnectorAutoConfiguration.class, WebClientAutoConfiguration.class,
			HttpClientAutoConfiguration.class, RestClientAutoConfiguration.class, RetryAutoConfiguration.class,
			CircuitBreakerAutoConfiguration.class, LlmResilienceAutoConfiguration.class,
			ProviderRoutingAutoConfiguration.class, SpringAiResilienceAutoConfiguration.class,
			SpringAiRetryAutoConfiguration.class);

	private static final String PROVIDER = "llm.resilience.providers.openai.base-url=https://api.openai.com";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS);

	private final ReactiveWebApplicationContextRunner reactiveContextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS);

	@Test
	void replacesSpringAisRetryTemplateWithOneThatMakesOneAttempt() {
		this.contextRunner.withPropertyValues(PROVIDER).run((context) -> {
			assertThat(context).hasSingleBean(RetryTemplate.class);
			assertThat(definedBy(context, "retryTemplate")).isEqualTo(SpringAiResilienceAutoConfiguration.class.getName());
			assertThat(attemptsMadeBy(context.getBean(RetryTemplate.class))).isEqualTo(1);
		});
	}

	@Test
	void keepsSpringAisRetryTemplateWhenToldTo() {
		this.contextRunner.withPropertyValues(PROVIDER, "llm.resilience.spring-ai.disable-own-retry=false")
			.run((context) -> assertThat(definedBy(context, "retryTemplate"))
				.isEqualTo(SpringAiRetryAutoConfiguration.class.getName()));
	}

	@Test
	void keepsSpringAisRetryTemplateWhenNoProviderIsConfigured() {
		this.contextRunner.run((context) -> assertThat(definedBy(context, "retryTemplate"))
			.isEqualTo(SpringAiRetryAutoConfiguration.class.getName()));
	}

	@Test
	void keepsSpringAisRetryTemplateWhenTheIntegrationIsOff() {
		this.contextRunner.withPropertyValues(PROVIDER, "llm.resilience.spring-ai.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SpringAiResilienceAutoConfiguration.class);
				assertThat(definedBy(context, "retryTemplate")).isEqualTo(SpringAiRetryAutoConfiguration.class.getName());
			});
	}

	@Test
	void keepsSpringAisRetryTemplateWhenNothingRoutesItsClients() {
		this.contextRunner.withPropertyValues(PROVIDER, "llm.resilience.route-by-base-url=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SpringAiResilienceAutoConfiguration.class));
	}

	@Test
	void backsOffForTheApplicationsOwnRetryTemplate() {
		this.contextRunner.withPropertyValues(PROVIDER)
			.withUserConfiguration(OwnRetryTemplate.class)
			.run((context) -> assertThat(context).getBean(RetryTemplate.class)
				.isSameAs(context.getBean("ownRetryTemplate")));
	}

	@Test
	void loadsNothingWithoutSpringAi() {
		this.reactiveContextRunner.withPropertyValues(PROVIDER)
			.withClassLoader(new FilteredClassLoader("org.springframework.ai"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SpringAiResilienceAutoConfiguration.class)
				.doesNotHaveBean(RetryTemplate.class)
				.doesNotHaveBean(RestClient.Builder.class)
				.hasSingleBean(ProviderRoutingWebClientCustomizer.class));
	}

	@Test
	void contributesARoutedRestClientBuilderToAReactiveWebApplication() {
		this.reactiveContextRunner.withPropertyValues(PROVIDER).run((context) -> {
			assertThat(definedBy(context, "restClientBuilder"))
				.isEqualTo(SpringAiResilienceAutoConfiguration.ReactiveWebRestClientBuilderConfiguration.class.getName());
			assertThat(context.getBean(RestClient.Builder.class)).isNotSameAs(context.getBean(RestClient.Builder.class));
			assertThat(interceptors(context.getBean(RestClient.Builder.class)))
				.hasExactlyElementsOfTypes(ProviderRoutingInterceptor.class);
		});
	}

	@Test
	void contributesNoRestClientBuilderToAReactiveWebApplicationWithoutProviders() {
		this.reactiveContextRunner.run((context) -> assertThat(context).doesNotHaveBean(RestClient.Builder.class));
	}

	@Test
	void leavesSpringBootsRestClientBuilderToOtherApplications() {
		this.contextRunner.withPropertyValues(PROVIDER).run((context) -> {
			assertThat(definedBy(context, "restClientBuilder")).isEqualTo(RestClientAutoConfiguration.class.getName());
			assertThat(interceptors(context.getBean(RestClient.Builder.class)))
				.hasExactlyElementsOfTypes(ProviderRoutingInterceptor.class);
		});
	}

	private static String definedBy(ConfigurableApplicationContext context, String bean) {
		String configuration = context.getBeanFactory().getBeanDefinition(bean).getFactoryBeanName();
		return context.getBeanFactory().getType(configuration).getName();
	}

	private static int attemptsMadeBy(RetryTemplate template) {
		AtomicInteger attempts = new AtomicInteger();
		assertThatExceptionOfType(TransientAiException.class).isThrownBy(() -> template.execute((retryContext) -> {
			attempts.incrementAndGet();
			throw new TransientAiException("overloaded");
		}));
		return attempts.get();
	}

	private static List<ClientHttpRequestInterceptor> interceptors(RestClient.Builder builder) {
		List<ClientHttpRequestInterceptor> found = new ArrayList<>();
		builder.requestInterceptors(found::addAll);
		return found;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRetryTemplate {

		@Bean
		RetryTemplate ownRetryTemplate() {
			return RetryTemplate.builder().maxAttempts(2).build();
		}

	}

}
