package dev.llmresilience.sample;

import dev.llmresilience.autoconfigure.LlmResilienceProperties;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.reactive.LlmClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's beans: the run itself and the observer that counts what the starter does for it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoProperties.class)
class DemoConfiguration {

	// A CallObserver bean: the starter's auto-configuration hands every one of them each attempt, retry and call.
	@Bean
	CallTally callTally() {
		return new CallTally();
	}

	@Bean
	DemoRun demoRun(DemoProperties properties, LlmClients clients, LlmResilienceProperties providers,
			CallTally tally, ObjectProvider<FakeProvider> fake) {
		// Redraw one line in place only on a terminal; System.console() is null when output goes to a pipe or a file.
		return new DemoRun(properties, clients, providers, tally, fake.getIfAvailable(), System.out,
				System.console() != null);
	}

}
