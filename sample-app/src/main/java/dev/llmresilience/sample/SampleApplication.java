package dev.llmresilience.sample;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import dev.llmresilience.reactive.LlmClients;

/**
 * Sample application that calls LLM providers through the llm-resilience starter.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	@Bean
	ApplicationRunner describeProviders(LlmClients clients) {
		return (args) -> clients.names().forEach((name) -> {
			var policy = clients.provider(name).policy();
			System.out.printf("provider %-10s %s (%s): %d attempts, breaker opens at %.0f%% failures%n", name,
					policy.baseUrl().getHost(), policy.protocol(), policy.retry().maxAttempts(),
					policy.circuitBreaker().failureRateThreshold());
		});
	}

}
