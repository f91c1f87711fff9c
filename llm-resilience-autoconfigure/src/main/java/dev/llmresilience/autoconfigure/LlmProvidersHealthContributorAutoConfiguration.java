package dev.llmresilience.autoconfigure;

import java.util.Map;
import java.util.TreeMap;

import dev.llmresilience.reactive.LlmClients;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code llmProviders} health contributor: one indicator per provider, from its circuit breaker.
 * Turned off with {@code management.health.llmproviders.enabled=false}.
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LlmClients.class)
@ConditionalOnEnabledHealthIndicator("llmproviders")
public class LlmProvidersHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmProvidersHealthContributor")
	CompositeHealthContributor llmProvidersHealthContributor(LlmClients llmClients,
			LlmResilienceProperties properties) {
		boolean failOnOpen = properties.getHealth().isFailOnOpen();
		Map<String, ProviderHealthIndicator> indicators = new TreeMap<>();
		for (String name : llmClients.names()) {
			indicators.put(name, new ProviderHealthIndicator(llmClients.provider(name), failOnOpen));
		}
		return CompositeHealthContributor.fromMap(indicators);
	}

}
