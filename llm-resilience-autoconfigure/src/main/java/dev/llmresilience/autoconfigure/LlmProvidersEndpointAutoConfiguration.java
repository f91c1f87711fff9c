package dev.llmresilience.autoconfigure;

import dev.llmresilience.core.RecentAttempts;
import dev.llmresilience.reactive.LlmClients;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code llmproviders} actuator endpoint.
 */
@AutoConfiguration(after = LlmResilienceAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(LlmClients.class)
@ConditionalOnAvailableEndpoint(LlmProvidersEndpoint.class)
public class LlmProvidersEndpointAutoConfiguration {

	/**
	 * The endpoint's memory of recent attempts; as a {@link dev.llmresilience.core.CallObserver} bean it
	 * hears every provider's attempts. Only kept while the endpoint is available, as nothing else reads it.
	 * @return the record of recent attempts
	 */
	@Bean
	@ConditionalOnMissingBean
	RecentAttempts llmResilienceRecentAttempts() {
		return new RecentAttempts();
	}

	@Bean
	@ConditionalOnMissingBean
	LlmProvidersEndpoint llmProvidersEndpoint(LlmClients llmClients, RecentAttempts recentAttempts) {
		return new LlmProvidersEndpoint(llmClients, recentAttempts);
	}

}
