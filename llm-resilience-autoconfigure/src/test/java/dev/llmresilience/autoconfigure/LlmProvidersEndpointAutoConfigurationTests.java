package dev.llmresilience.autoconfigure;

import java.util.Map;

import dev.llmresilience.autoconfigure.LlmProvidersEndpoint.ProviderDescriptor;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RecentAttempts;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class LlmProvidersEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
				LlmProvidersEndpointAutoConfiguration.class, WebClientAutoConfiguration.class,
				ClientHttpConnectorAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class))
		.withPropertyValues(
				"llm.resilience.providers.synthetic.base-url=https://user:secret@api.synthetic.new/v1?key=sk-in-url",
				"llm.resilience.providers.synthetic.api-key=sk-test-not-shown",
				"llm.resilience.providers.synthetic.retry.max-attempts=6",
				"llm.resilience.providers.anthropic.base-url=https://api.anthropic.com",
				"llm.resilience.providers.anthropic.protocol=anthropic");

	@Test
	void isAvailableWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llmproviders")
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmProvidersEndpoint.class);
				assertThat(context).hasSingleBean(RecentAttempts.class);
			});
	}

	@Test
	void isNotAvailableUnlessExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(LlmProvidersEndpoint.class);
			assertThat(context).doesNotHaveBean(RecentAttempts.class);
		});
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=llmproviders")
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmClients.class);
				assertThat(context).doesNotHaveBean(LlmProvidersEndpoint.class);
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=llmproviders",
					"llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmProvidersEndpoint.class));
	}

	@Test
	void describesEachProviderWithoutCredentials() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llmproviders")
			.run((context) -> {
				// attempts reach the record through the providers' observer, as the filter reports them
				LlmClients clients = context.getBean(LlmClients.class);
				clients.provider("synthetic")
					.observer()
					.onAttempt("synthetic", Failure.of(FailureKind.PREMATURE_CLOSE), true);
				clients.provider("synthetic").observer().onAttempt("synthetic", null, false);
				LlmProvidersEndpoint endpoint = context.getBean(LlmProvidersEndpoint.class);
				Map<String, ProviderDescriptor> providers = endpoint.providers().providers();
				assertThat(providers).containsOnlyKeys("anthropic", "synthetic");
				ProviderDescriptor synthetic = providers.get("synthetic");
				assertThat(synthetic.host()).isEqualTo("api.synthetic.new");
				assertThat(synthetic.protocol()).isEqualTo("openai");
				assertThat(synthetic.circuitBreaker().state()).isEqualTo("CLOSED");
				assertThat(synthetic.circuitBreaker().remainingOpen()).isEqualTo("PT0S");
				assertThat(synthetic.recentAttempts().attempts()).isEqualTo(2);
				assertThat(synthetic.recentAttempts().succeeded()).isEqualTo(1);
				assertThat(synthetic.recentAttempts().failed()).containsExactly(Map.entry("premature_close", 1));
				assertThat(synthetic.recentAttempts().lastFailure().cause()).isEqualTo("premature_close");
				assertThat(synthetic.policy().retry().maxAttempts()).isEqualTo(6);
				assertThat(synthetic.policy().retry().connectionBackoff().initial()).isEqualTo("PT0.5S");
				assertThat(synthetic.policy().retry().retryOnStatus()).containsExactly(408, 429, 500, 502, 503, 504,
						529);
				assertThat(synthetic.policy().circuitBreaker().waitDurationInOpenState()).isEqualTo("PT30S");
				assertThat(synthetic.policy().timeouts().total()).isEqualTo("PT5M");
				assertThat(providers.get("anthropic").protocol()).isEqualTo("anthropic");
				assertThat(providers.get("anthropic").policy().retry().maxAttempts()).isEqualTo(4);
				assertThat(providers.toString()).doesNotContain("sk-").doesNotContain("secret").doesNotContain("user");
			});
	}

	@Test
	void describesOneProviderBySelector() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llmproviders")
			.run((context) -> {
				LlmProvidersEndpoint endpoint = context.getBean(LlmProvidersEndpoint.class);
				assertThat(endpoint.provider("anthropic").host()).isEqualTo("api.anthropic.com");
				assertThat(endpoint.provider("unknown")).isNull();
			});
	}

	@Test
	void showsHowLongAnOpenBreakerStaysOpen() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=llmproviders")
			.run((context) -> {
				context.getBean(LlmClients.class).provider("synthetic").circuitBreaker().transitionToOpenState();
				ProviderDescriptor synthetic = context.getBean(LlmProvidersEndpoint.class).provider("synthetic");
				assertThat(synthetic.circuitBreaker().state()).isEqualTo("OPEN");
				assertThat(java.time.Duration.parse(synthetic.circuitBreaker().remainingOpen()))
					.isPositive()
					.isLessThanOrEqualTo(java.time.Duration.ofSeconds(30));
			});
	}

}
