package dev.llmresilience.autoconfigure;

import dev.llmresilience.micrometer.MicrometerCallObserver;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that records
 * attempts, retry waits and calls to LLM providers in the application's {@link MeterRegistry}.
 * <p>
 * resilience4j's own meters ({@code resilience4j.retry.calls}, {@code resilience4j.circuitbreaker.*})
 * need nothing from here: resilience4j-spring-boot3 binds them to every instance in the application's
 * registries, where {@link LlmResilienceAutoConfiguration} puts each provider's.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "llm.resilience", name = "enabled", havingValue = "true", matchIfMissing = true)
public class LlmResilienceMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerCallObserver llmResilienceMicrometerCallObserver(MeterRegistry meterRegistry) {
		return new MicrometerCallObserver(meterRegistry);
	}

}
