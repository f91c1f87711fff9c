package dev.llmresilience.autoconfigure;

import dev.llmresilience.micrometer.MicrometerCallObserver;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class LlmResilienceMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class,
				LlmResilienceMetricsAutoConfiguration.class, WebClientAutoConfiguration.class,
				ClientHttpConnectorAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class))
		.withPropertyValues("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1");

	@Test
	void observesCallsIntoTheApplicationsMeterRegistry() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerCallObserver.class);
			context.getBean(LlmClients.class).provider("synthetic").observer().onAttempt("synthetic", null, false);
			assertThat(context.getBean(MeterRegistry.class)
				.get("llm.resilience.attempts")
				.tags("provider", "synthetic", "outcome", "success")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void usesTheMeterRegistryBootConfigures() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(MicrometerCallObserver.class);
				context.getBean(MicrometerCallObserver.class).onAttempt("synthetic", null, false);
				assertThat(context.getBean(MeterRegistry.class)
					.get("llm.resilience.attempts")
					.tags("provider", "synthetic", "outcome", "success")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void letsResilience4jMeterEveryProvidersInstances() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					RetryMetricsAutoConfiguration.class, CircuitBreakerMetricsAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("resilience4j.retry.calls").tag("name", "synthetic").meters()).isNotEmpty();
				assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "synthetic").meters())
					.isNotEmpty();
			});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LlmClients.class);
			assertThat(context).doesNotHaveBean(MicrometerCallObserver.class);
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasSingleBean(LlmClients.class);
			assertThat(context).doesNotHaveBean(MicrometerCallObserver.class);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("llm.resilience.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerCallObserver.class));
	}

	@Test
	void backsOffForTheApplicationsOwnObserver() {
		MicrometerCallObserver own = new MicrometerCallObserver(new SimpleMeterRegistry());
		this.contextRunner.withBean(SimpleMeterRegistry.class)
			.withBean("ownObserver", MicrometerCallObserver.class, () -> own)
			.run((context) -> assertThat(context).getBean(MicrometerCallObserver.class).isSameAs(own));
	}

}
