package dev.llmresilience.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user reads when bad configuration stops the application: Boot's failure report, naming the
 * property and the bad value, without a wall of bean creation errors.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigurationReportTests {

	@Test
	void reportsAnInvalidValueWithItsPropertyAndWhatToDo(CapturedOutput output) {
		start("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1",
				"llm.resilience.providers.synthetic.retry.connection-backoff.jitter=1.5");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '1.5' for property "
					+ "'llm.resilience.providers.synthetic.retry.connection-backoff.jitter': must be between 0 and 1")
			.contains("Update 'llm.resilience.providers.synthetic.retry.connection-backoff.jitter'");
	}

	@Test
	void reportsAnUnknownProtocolWithItsPropertyAndValue(CapturedOutput output) {
		start("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1",
				"llm.resilience.providers.synthetic.protocol=gemini");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: llm.resilience.providers.synthetic.protocol")
			.contains("Value: \"gemini\"")
			.contains("ANTHROPIC")
			.contains("OPENAI");
	}

	@Test
	void reportsAMisspeltPropertyWithItsValue(CapturedOutput output) {
		start("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1",
				"llm.resilience.providers.synthetic.retry.max-attemps=3");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: llm.resilience.providers.synthetic.retry.max-attemps")
			.contains("Value: \"3\"");
	}

	private static void start(String... properties) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.reactor.netty.shutdown-quiet-period=0s")
			.properties(properties);
		assertThatException().isThrownBy(application::run);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
