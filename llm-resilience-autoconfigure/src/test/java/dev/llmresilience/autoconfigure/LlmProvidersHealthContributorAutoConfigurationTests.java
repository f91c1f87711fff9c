package dev.llmresilience.autoconfigure;

import java.time.Duration;

import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class LlmProvidersHealthContributorAutoConfigurationTests {

	private static final AutoConfigurations HEALTH_ENDPOINT = AutoConfigurations
		.of(HealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
				LlmProvidersHealthContributorAutoConfiguration.class, WebClientAutoConfiguration.class,
				ClientHttpConnectorAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1",
				"llm.resilience.providers.anthropic.base-url=https://api.anthropic.com");

	@Test
	void reportsEveryProviderUpWhileItsBreakerIsClosed() {
		this.contextRunner.run((context) -> {
			CompositeHealthContributor contributor = context.getBean("llmProvidersHealthContributor",
					CompositeHealthContributor.class);
			assertThat(contributor).extracting(NamedContributor::getName).containsExactly("anthropic", "synthetic");
			Health health = health(context, "synthetic");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("state", "CLOSED")
				.containsKeys("failureRate", "bufferedCalls");
		});
	}

	@Test
	void reportsAnOpenBreakerAsCircuitOpenWithTheTimeItStaysOpen() {
		this.contextRunner.run((context) -> {
			breaker(context, "synthetic").transitionToOpenState();
			Health health = health(context, "synthetic");
			assertThat(health.getStatus().getCode()).isEqualTo("CIRCUIT_OPEN");
			assertThat(health.getDetails()).containsEntry("state", "OPEN");
			// the default 30 s open state, just begun
			assertThat(Duration.parse((String) health.getDetails().get("remainingOpen"))).isPositive()
				.isLessThanOrEqualTo(Duration.ofSeconds(30))
				.isGreaterThan(Duration.ofSeconds(20));
			assertThat(health(context, "anthropic").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void reportsAHalfOpenBreakerAsCircuitHalfOpen() {
		this.contextRunner.run((context) -> {
			breaker(context, "synthetic").transitionToOpenState();
			breaker(context, "synthetic").transitionToHalfOpenState();
			assertThat(health(context, "synthetic").getStatus().getCode()).isEqualTo("CIRCUIT_HALF_OPEN");
		});
	}

	@Test
	void reportsAnOpenBreakerDownWhenTheUserOptsIn() {
		this.contextRunner.withPropertyValues("llm.resilience.health.fail-on-open=true").run((context) -> {
			breaker(context, "synthetic").transitionToForcedOpenState();
			assertThat(health(context, "synthetic").getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.llmproviders.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("llmProvidersHealthContributor"));
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class)).run((context) -> {
			assertThat(context).hasSingleBean(LlmClients.class);
			assertThat(context).doesNotHaveBean("llmProvidersHealthContributor");
		});
	}

	@Test
	void leavesTheApplicationUpWhileABreakerIsOpen() {
		this.contextRunner.withConfiguration(HEALTH_ENDPOINT).run((context) -> {
			breaker(context, "synthetic").transitionToOpenState();
			HealthComponent overall = context.getBean(HealthEndpoint.class).health();
			// Boot's default order (DOWN, OUT_OF_SERVICE, UP, UNKNOWN) ignores statuses it does not list
			assertThat(overall.getStatus()).isEqualTo(Status.UP);
			assertThat(context.getBean(HealthEndpoint.class).healthForPath("llmProviders", "synthetic").getStatus())
				.hasToString("CIRCUIT_OPEN");
			assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(overall.getStatus())).isEqualTo(200);
		});
	}

	@Test
	void failsTheApplicationsHealthWhileABreakerIsOpenWhenTheUserOptsIn() {
		this.contextRunner.withConfiguration(HEALTH_ENDPOINT)
			.withPropertyValues("llm.resilience.health.fail-on-open=true")
			.run((context) -> {
				breaker(context, "synthetic").transitionToOpenState();
				Status overall = context.getBean(HealthEndpoint.class).health().getStatus();
				assertThat(overall).isEqualTo(Status.DOWN);
				assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(overall)).isEqualTo(503);
			});
	}

	@Test
	void surfacesAnOpenBreakerWithoutFailingWhenTheStatusOrderListsIt() {
		this.contextRunner.withConfiguration(HEALTH_ENDPOINT)
			.withPropertyValues("management.endpoint.health.status.order=down,out-of-service,circuit-open,up,unknown")
			.run((context) -> {
				breaker(context, "synthetic").transitionToOpenState();
				Status overall = context.getBean(HealthEndpoint.class).health().getStatus();
				assertThat(overall).hasToString("CIRCUIT_OPEN");
				assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(overall)).isEqualTo(200);
			});
	}

	private static Health health(AssertableApplicationContext context, String provider) {
		CompositeHealthContributor contributor = context.getBean("llmProvidersHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) contributor.getContributor(provider)).health();
	}

	private static CircuitBreaker breaker(AssertableApplicationContext context, String provider) {
		return context.getBean(LlmClients.class).provider(provider).circuitBreaker();
	}

}
