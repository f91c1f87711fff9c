package dev.llmresilience.autoconfigure;

import java.time.Duration;


import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmresilience.core.Protocol;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class LlmResilienceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClientHttpConnectorAutoConfiguration.class,
				WebClientAutoConfiguration.class, RetryAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, LlmResilienceAutoConfiguration.class));

	@Test
	void appliesDefaultsToAProviderThatSetsOnlyItsBaseUrl() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1")
			.run((context) -> {
				ProviderPolicy policy = context.getBean(LlmClients.class).provider("synthetic").policy();
				assertThat(policy.protocol()).isEqualTo(Protocol.OPENAI);
				assertThat(policy.retry().maxAttempts()).isEqualTo(4);
				assertThat(policy.retry().connectionBackoff().initial()).isEqualTo(Duration.ofMillis(500));
				assertThat(policy.retry().connectionBackoff().multiplier()).isEqualTo(2.0);
				assertThat(policy.retry().connectionBackoff().max()).isEqualTo(Duration.ofSeconds(8));
				assertThat(policy.retry().connectionBackoff().jitter()).isEqualTo(0.25);
				assertThat(policy.retry().overloadBackoff().step()).isEqualTo(Duration.ofSeconds(1));
				assertThat(policy.retry().overloadBackoff().max()).isEqualTo(Duration.ofSeconds(10));
				assertThat(policy.retry().retryOnStatus()).containsExactlyInAnyOrder(408, 429, 500, 502, 503, 504, 529);
				assertThat(policy.retry().maxServerDelay()).isEqualTo(Duration.ofSeconds(60));
				assertThat(policy.circuitBreaker().failureRateThreshold()).isEqualTo(50f);
				assertThat(policy.circuitBreaker().slidingWindowSize()).isEqualTo(100);
				assertThat(policy.circuitBreaker().minimumNumberOfCalls()).isEqualTo(50);
				assertThat(policy.circuitBreaker().waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
				assertThat(policy.circuitBreaker().permittedCallsInHalfOpenState()).isEqualTo(2);
				assertThat(policy.timeouts().connect()).isEqualTo(Duration.ofSeconds(10));
				assertThat(policy.timeouts().response()).isEqualTo(Duration.ofSeconds(60));
				assertThat(policy.timeouts().streamIdle()).isEqualTo(Duration.ofSeconds(30));
				assertThat(policy.timeouts().total()).isEqualTo(Duration.ofMinutes(5));
			});
	}

	@Test
	void registersEachProviderInTheApplicationsResilience4jRegistries() {
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.synthetic.base-url=https://api.synthetic.new/openai/v1",
					"llm.resilience.providers.anthropic.base-url=https://api.anthropic.com",
					"llm.resilience.providers.anthropic.protocol=anthropic")
			.run((context) -> {
				RetryRegistry retries = context.getBean(RetryRegistry.class);
				CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
				assertThat(retries.find("synthetic")).isPresent();
				assertThat(retries.find("anthropic")).isPresent();
				assertThat(breakers.find("synthetic")).isPresent();
				assertThat(breakers.find("anthropic")).isPresent();
				LlmClients clients = context.getBean(LlmClients.class);
				assertThat(clients.provider("anthropic").retry()).isSameAs(retries.retry("anthropic"));
				assertThat(clients.provider("anthropic").circuitBreaker()).isSameAs(breakers.circuitBreaker("anthropic"));
				assertThat(clients.names()).containsExactlyInAnyOrder("synthetic", "anthropic");
			});
	}

	@Test
	void bindsEveryProviderProperty() {
		String p = "llm.resilience.providers.groq.";
		this.contextRunner.withPropertyValues(p + "base-url=https://api.groq.com/openai/v1", p + "api-key=k",
				p + "protocol=openai", p + "retry.max-attempts=6", p + "retry.connection-backoff.initial=100ms",
				p + "retry.connection-backoff.multiplier=3", p + "retry.connection-backoff.max=2s",
				p + "retry.connection-backoff.jitter=0.5", p + "retry.overload-backoff.step=250ms",
				p + "retry.overload-backoff.max=3s", p + "retry.retry-on-status=503,529",
				p + "retry.max-server-delay=15s", p + "circuit-breaker.failure-rate-threshold=75",
				p + "circuit-breaker.sliding-window-size=40", p + "circuit-breaker.minimum-number-of-calls=5",
				p + "circuit-breaker.wait-duration-in-open-state=12s",
				p + "circuit-breaker.permitted-calls-in-half-open-state=3", p + "timeouts.connect=1s",
				p + "timeouts.response=2s", p + "timeouts.stream-idle=3s", p + "timeouts.total=4s")
			.run((context) -> {
				ProviderPolicy policy = context.getBean(LlmClients.class).provider("groq").policy();
				assertThat(policy.baseUrl()).hasToString("https://api.groq.com/openai/v1");
				assertThat(policy.retry().maxAttempts()).isEqualTo(6);
				assertThat(policy.retry().connectionBackoff().initial()).isEqualTo(Duration.ofMillis(100));
				assertThat(policy.retry().connectionBackoff().multiplier()).isEqualTo(3.0);
				assertThat(policy.retry().connectionBackoff().max()).isEqualTo(Duration.ofSeconds(2));
				assertThat(policy.retry().connectionBackoff().jitter()).isEqualTo(0.5);
				assertThat(policy.retry().overloadBackoff().step()).isEqualTo(Duration.ofMillis(250));
				assertThat(policy.retry().overloadBackoff().max()).isEqualTo(Duration.ofSeconds(3));
				assertThat(policy.retry().retryOnStatus()).containsExactlyInAnyOrder(503, 529);
				assertThat(policy.retry().maxServerDelay()).isEqualTo(Duration.ofSeconds(15));
				assertThat(policy.circuitBreaker().failureRateThreshold()).isEqualTo(75f);
				assertThat(policy.circuitBreaker().slidingWindowSize()).isEqualTo(40);
				assertThat(policy.circuitBreaker().minimumNumberOfCalls()).isEqualTo(5);
				assertThat(policy.circuitBreaker().waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(12));
				assertThat(policy.circuitBreaker().permittedCallsInHalfOpenState()).isEqualTo(3);
				assertThat(policy.timeouts().connect()).isEqualTo(Duration.ofSeconds(1));
				assertThat(policy.timeouts().response()).isEqualTo(Duration.ofSeconds(2));
				assertThat(policy.timeouts().streamIdle()).isEqualTo(Duration.ofSeconds(3));
				assertThat(policy.timeouts().total()).isEqualTo(Duration.ofSeconds(4));
				RetryRegistry retries = context.getBean(RetryRegistry.class);
				assertThat(retries.retry("groq").getRetryConfig().getMaxAttempts()).isEqualTo(6);
				CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
				assertThat(breakers.circuitBreaker("groq").getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(40);
			});
	}

	@Test
	void providerValuesWinOverDefaultsAndResilience4jInstanceValuesWinOverBoth() {
		this.contextRunner.withPropertyValues("llm.resilience.defaults.retry.max-attempts=5",
				"llm.resilience.defaults.circuit-breaker.sliding-window-size=30",
				"llm.resilience.providers.a.base-url=http://a.example", "llm.resilience.providers.b.base-url=http://b.example",
				"llm.resilience.providers.b.retry.max-attempts=6",
				"llm.resilience.providers.b.circuit-breaker.sliding-window-size=60",
				"llm.resilience.providers.c.base-url=http://c.example",
				"llm.resilience.providers.c.retry.max-attempts=6",
				"resilience4j.retry.instances.c.max-attempts=7",
				"resilience4j.circuitbreaker.instances.c.sliding-window-size=70",
				"resilience4j.circuitbreaker.instances.c.wait-duration-in-open-state=7s")
			.run((context) -> {
				LlmClients clients = context.getBean(LlmClients.class);
				assertThat(clients.provider("a").maxAttempts()).isEqualTo(5);
				assertThat(clients.provider("b").maxAttempts()).isEqualTo(6);
				assertThat(clients.provider("c").maxAttempts()).isEqualTo(7);
				assertThat(clients.provider("a").policy().circuitBreaker().slidingWindowSize()).isEqualTo(30);
				assertThat(clients.provider("b").policy().circuitBreaker().slidingWindowSize()).isEqualTo(60);
				assertThat(clients.provider("c").policy().circuitBreaker().slidingWindowSize()).isEqualTo(70);
				assertThat(clients.provider("c").circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize())
					.isEqualTo(70);
				assertThat(clients.provider("c").policy().circuitBreaker().waitDurationInOpenState())
					.isEqualTo(Duration.ofSeconds(7));
				RetryRegistry retries = context.getBean(RetryRegistry.class);
				assertThat(retries.retry("c")).isSameAs(clients.provider("c").retry());
				assertThat(retries.retry("c").getRetryConfig().getMaxAttempts()).isEqualTo(7);
			});
	}

	@Test
	void backsOffForTheApplicationsOwnLlmClients() {
		this.contextRunner.withUserConfiguration(OwnClients.class)
			.withPropertyValues("llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(context.getBean(LlmClients.class)).isSameAs(context.getBean("ownClients")));
	}

	@Test
	void turnsOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("llm.resilience.enabled=false", "llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClients.class));
	}

	@Test
	void backsOffWithoutResilience4jReactor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RetryOperator.class))
			.withPropertyValues("llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmClients.class));
	}

	@Test
	void authenticatesPerProtocol() {
		WireMockServer server = new WireMockServer(options().dynamicPort());
		server.start();
		try {
			server.stubFor(post("/v1/messages").willReturn(okJson("{}")));
			server.stubFor(post("/v1/chat/completions").willReturn(okJson("{}")));
			this.contextRunner
				.withPropertyValues("llm.resilience.providers.claude.base-url=" + server.baseUrl(),
						"llm.resilience.providers.claude.protocol=anthropic",
						"llm.resilience.providers.claude.api-key=sk-ant-test",
						"llm.resilience.providers.gpt.base-url=" + server.baseUrl(),
						"llm.resilience.providers.gpt.api-key=sk-openai-test")
				.run((context) -> {
					LlmClients clients = context.getBean(LlmClients.class);
					clients.webClient("claude").post().uri("/v1/messages").bodyValue("{}").retrieve()
						.toBodilessEntity().block(Duration.ofSeconds(10));
					clients.webClient("gpt").post().uri("/v1/chat/completions").bodyValue("{}").retrieve()
						.toBodilessEntity().block(Duration.ofSeconds(10));
				});
			server.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("x-api-key", equalTo("sk-ant-test"))
				.withHeader("anthropic-version", equalTo("2023-06-01"))
				.withHeader("Authorization", absent()));
			server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
				.withHeader("Authorization", equalTo("Bearer sk-openai-test"))
				.withHeader("x-api-key", absent()));
		}
		finally {
			server.stop();
		}
	}

	@Test
	void keepsTheAnthropicVersionTheApplicationSets() {
		WireMockServer server = new WireMockServer(options().dynamicPort());
		server.start();
		try {
			server.stubFor(post("/v1/messages").willReturn(okJson("{}")));
			this.contextRunner
				.withPropertyValues("llm.resilience.providers.claude.base-url=" + server.baseUrl(),
						"llm.resilience.providers.claude.protocol=anthropic")
				.run((context) -> context.getBean(LlmClients.class).webClient("claude").post().uri("/v1/messages")
					.header("anthropic-version", "2024-01-01").bodyValue("{}").retrieve().toBodilessEntity()
					.block(Duration.ofSeconds(10)));
			// the application's value alone, not the starter's default beside it
			assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/messages"))))
				.singleElement()
				.satisfies((request) -> assertThat(request.header("anthropic-version").values())
					.containsExactly("2024-01-01"));
		}
		finally {
			server.stop();
		}
	}

	@Test
	void namesTheUnknownProvider() {
		this.contextRunner.withPropertyValues("llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(org.assertj.core.api.Assertions.catchThrowable(
					() -> context.getBean(LlmClients.class).webClient("b")))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'b'")
				.hasMessageContaining("[a]"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClients {

		@Bean
		LlmClients ownClients() {
			return new LlmClients(java.util.Map.of(), java.util.Map.of(), () -> null, (p) -> null);
		}

	}


}
