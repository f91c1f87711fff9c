package dev.llmresilience.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad value fails start-up with a message that names the property and the value.
 */
class LlmResilienceValidationTests {

	private static final String PROVIDER = "llm.resilience.providers.synthetic.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class, WebClientAutoConfiguration.class,
				ClientHttpConnectorAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class))
		.withPropertyValues(PROVIDER + "base-url=https://api.synthetic.new/openai/v1");

	@Test
	void startsWithAValidProvider() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			retry.max-attempts                                  | 0      | 0
			retry.max-attempts                                  | -3     | -3
			retry.connection-backoff.initial                    | 0s     | PT0S
			retry.connection-backoff.initial                    | -1s    | PT-1S
			retry.connection-backoff.max                        | 0ms    | PT0S
			retry.connection-backoff.multiplier                 | 0.5    | 0.5
			retry.connection-backoff.jitter                     | 1.5    | 1.5
			retry.connection-backoff.jitter                     | -0.1   | -0.1
			retry.overload-backoff.step                         | -5s    | PT-5S
			retry.overload-backoff.max                          | 0s     | PT0S
			retry.max-server-delay                              | 0s     | PT0S
			retry.retry-on-status                               | 429,99 | 99
			retry.retry-on-status                               | 600    | 600
			circuit-breaker.failure-rate-threshold              | 0      | 0.0
			circuit-breaker.failure-rate-threshold              | 101    | 101.0
			circuit-breaker.sliding-window-size                 | 0      | 0
			circuit-breaker.minimum-number-of-calls             | 0      | 0
			circuit-breaker.permitted-calls-in-half-open-state  | 0      | 0
			circuit-breaker.wait-duration-in-open-state         | -30s   | PT-30S
			timeouts.connect                                    | 0s     | PT0S
			timeouts.response                                   | -1s    | PT-1S
			timeouts.stream-idle                                | 0s     | PT0S
			timeouts.total                                      | -5m    | PT-5M
			""")
	void refusesABadProviderValue(String property, String value, String shown) {
		this.contextRunner.withPropertyValues(PROVIDER + property + "=" + value)
			.run((context) -> assertStartupFailure(context, PROVIDER + property, shown));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			retry.max-attempts                      | 0    | 0
			retry.connection-backoff.jitter         | 2    | 2.0
			circuit-breaker.failure-rate-threshold  | 150  | 150.0
			circuit-breaker.sliding-window-size     | 0    | 0
			timeouts.total                          | 0s   | PT0S
			""")
	void refusesABadDefaultEvenWhenEveryProviderOverridesIt(String property, String value, String shown) {
		this.contextRunner
			.withPropertyValues("llm.resilience.defaults." + property + "=" + value,
					PROVIDER + property + "=" + goodValueLike(property))
			.run((context) -> assertStartupFailure(context, "llm.resilience.defaults." + property, shown));
	}

	@Test
	void refusesABadDefaultWithoutAnyProvider() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
			.withPropertyValues("llm.resilience.defaults.retry.max-attempts=0")
			.run((context) -> assertStartupFailure(context, "llm.resilience.defaults.retry.max-attempts", "0"));
	}

	@ParameterizedTest(name = "base-url={0}")
	@CsvSource(delimiter = '|', textBlock = """
			api.synthetic.new/openai/v1
			/openai/v1
			ftp://api.synthetic.new/openai/v1
			https://
			not a url
			""")
	void refusesABaseUrlThatIsNotAnAbsoluteHttpUrl(String baseUrl) {
		this.contextRunner.withPropertyValues(PROVIDER + "base-url=" + baseUrl)
			.run((context) -> assertStartupFailure(context, PROVIDER + "base-url", baseUrl));
	}

	@Test
	void refusesAProviderWithoutBaseUrl() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmResilienceAutoConfiguration.class))
			.withPropertyValues(PROVIDER + "protocol=openai")
			.run((context) -> assertStartupFailure(context, PROVIDER + "base-url", "is required"));
	}

	@Test
	void refusesAnUnknownProtocol() {
		this.contextRunner.withPropertyValues(PROVIDER + "protocol=gemini")
			.run((context) -> assertBindingFailure(context, PROVIDER + "protocol", "gemini"));
	}

	// Boot's exception names only the property; its failure report adds the value (InvalidConfigurationReportTests)
	@Test
	void refusesAMisspeltProperty() {
		this.contextRunner.withPropertyValues(PROVIDER + "retry.max-attemps=3")
			.run((context) -> assertBindingFailure(context, PROVIDER + "retry.max-attemps", "left unbound"));
	}

	@Test
	void refusesAMisspeltDefault() {
		this.contextRunner.withPropertyValues("llm.resilience.defaults.timeout.total=1m")
			.run((context) -> assertBindingFailure(context, "llm.resilience.defaults.timeout.total", "left unbound"));
	}

	private static String goodValueLike(String property) {
		if (property.startsWith("timeouts.")) {
			return "1m";
		}
		return property.endsWith("jitter") ? "0.1" : "10";
	}

	/**
	 * Assert start-up failed with an {@link InvalidPropertyException} whose message names the property and
	 * the bad value.
	 */
	private static void assertStartupFailure(AssertableApplicationContext context, String property, String value) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidPropertyException.class);
		InvalidPropertyException invalid = (InvalidPropertyException) rootCause(context.getStartupFailure());
		assertThat(invalid.getProperty()).isEqualTo(property);
		assertThat(invalid.getMessage()).contains("'" + property + "'").contains(value);
	}

	/**
	 * Assert start-up failed while binding: Boot's exceptions name the property in one message and the
	 * value in another, and its failure analyzer prints both (see InvalidConfigurationReportTests).
	 */
	private static void assertBindingFailure(AssertableApplicationContext context, String property, String value) {
		assertThat(context).hasFailed();
		List<String> messages = new ArrayList<>();
		for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
			messages.add(String.valueOf(ex.getMessage()));
		}
		assertThat(messages).anySatisfy((message) -> assertThat(message).contains(property));
		assertThat(messages).anySatisfy((message) -> assertThat(message).contains(value));
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root;
	}

}
