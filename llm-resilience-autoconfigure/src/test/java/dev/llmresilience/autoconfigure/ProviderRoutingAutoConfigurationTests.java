package dev.llmresilience.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.reactive.LlmClients;
import dev.llmresilience.reactive.ProviderStub;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProviderRoutingAutoConfigurationTests {

	private static final String PATH = "/llm/v1/chat/completions";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClientHttpConnectorAutoConfiguration.class,
				WebClientAutoConfiguration.class, HttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				RetryAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
				LlmResilienceAutoConfiguration.class, ProviderRoutingAutoConfiguration.class))
		.withPropertyValues("llm.resilience.defaults.retry.overload-backoff.step=10ms",
				"llm.resilience.defaults.retry.connection-backoff.initial=10ms",
				"spring.reactor.netty.shutdown-quiet-period=0s");

	@RegisterExtension
	final ProviderStub provider = new ProviderStub();

	@Test
	void routesClientsMadeFromTheApplicationsBuildersByBaseUrl() {
		failFirstThenAnswer(503);
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.a.base-url=" + this.provider.baseUrl() + "/llm/v1")
			.run((context) -> {
				assertThat(context).hasSingleBean(ProviderRoutingWebClientCustomizer.class)
					.hasSingleBean(ProviderRoutingRestClientCustomizer.class);
				WebClient webClient = context.getBean(WebClient.Builder.class).build();
				assertThat(webClient.post().uri(this.provider.baseUrl() + PATH).bodyValue("{}").retrieve()
					.bodyToMono(String.class).block(Duration.ofSeconds(10))).isEqualTo("{}");
				this.provider.verifyPosts(2, PATH);
				failFirstThenAnswer(503);
				RestClient restClient = context.getBean(RestClient.Builder.class).build();
				assertThat(restClient.post().uri(this.provider.baseUrl() + PATH).body("{}").retrieve()
					.body(String.class)).isEqualTo("{}");
				this.provider.verifyPosts(2, PATH);
			});
	}

	@Test
	void llmClientsNeverMultiplyAttemptsWithTheRoutingOnTheSameBuilders() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.a.base-url=" + this.provider.baseUrl() + "/llm/v1",
					"llm.resilience.providers.a.retry.max-attempts=3")
			.run((context) -> {
				LlmClients clients = context.getBean(LlmClients.class);
				assertThatExceptionOfType(RetriesExhaustedException.class)
					.isThrownBy(() -> clients.webClient("a").post().uri("/chat/completions").bodyValue("{}")
						.retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)));
				this.provider.verifyPosts(3, PATH);
				this.provider.server().resetRequests();
				assertThatExceptionOfType(RetriesExhaustedException.class)
					.isThrownBy(() -> clients.restClient("a").post().uri("/chat/completions").body("{}")
						.retrieve().body(String.class));
				this.provider.verifyPosts(3, PATH);
			});
	}

	@Test
	void restClientsOfAProviderShareOneRequestFactory() {
		AtomicInteger factoriesBuilt = new AtomicInteger();
		// Boot builds a factory for every RestClient.Builder it hands out; the provider's own carry its timeouts
		ClientHttpRequestFactoryBuilder<?> counting = (settings) -> {
			if (settings.connectTimeout() != null) {
				factoriesBuilt.incrementAndGet();
			}
			return ClientHttpRequestFactoryBuilder.jdk().build(settings);
		};
		this.provider.stubFor(post(PATH).willReturn(okJson("{}")));
		this.contextRunner.withBean(ClientHttpRequestFactoryBuilder.class, () -> counting)
			.withPropertyValues("llm.resilience.providers.a.base-url=" + this.provider.baseUrl() + "/llm/v1")
			.run((context) -> {
				LlmClients clients = context.getBean(LlmClients.class);
				for (int i = 0; i < 3; i++) {
					clients.restClient("a").post().uri("/chat/completions").body("{}").retrieve().toBodilessEntity();
				}
				// each factory owns an HTTP client and its pool: one per call would leak them
				assertThat(factoriesBuilt).hasValue(1);
				this.provider.verifyPosts(3, PATH);
			});
	}

	@Test
	void restClientsAuthenticatePerProtocol() {
		this.provider.stubFor(post("/v1/messages").willReturn(okJson("{}")));
		this.provider.stubFor(post("/v1/chat/completions").willReturn(okJson("{}")));
		this.contextRunner
			.withPropertyValues("llm.resilience.providers.claude.base-url=" + this.provider.baseUrl(),
					"llm.resilience.providers.claude.protocol=anthropic",
					"llm.resilience.providers.claude.api-key=sk-ant-test",
					"llm.resilience.providers.gpt.base-url=" + this.provider.baseUrl(),
					"llm.resilience.providers.gpt.api-key=sk-openai-test")
			.run((context) -> {
				LlmClients clients = context.getBean(LlmClients.class);
				clients.restClient("claude").post().uri("/v1/messages").body("{}").retrieve().toBodilessEntity();
				clients.restClient("gpt").post().uri("/v1/chat/completions").body("{}").retrieve().toBodilessEntity();
			});
		this.provider.server().verify(postRequestedFor(urlEqualTo("/v1/messages"))
			.withHeader("x-api-key", equalTo("sk-ant-test"))
			.withHeader("anthropic-version", equalTo("2023-06-01"))
			.withHeader("Authorization", absent()));
		this.provider.server().verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer sk-openai-test"))
			.withHeader("x-api-key", absent()));
	}

	@Test
	void leavesTheApplicationsBuildersAloneWhenRoutingIsOff() {
		this.contextRunner
			.withPropertyValues("llm.resilience.route-by-base-url=false",
					"llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(context).hasSingleBean(LlmClients.class)
				.doesNotHaveBean(ProviderRoutingWebClientCustomizer.class)
				.doesNotHaveBean(ProviderRoutingRestClientCustomizer.class));
	}

	@Test
	void turnsOffWithTheKillSwitch() {
		this.contextRunner
			.withPropertyValues("llm.resilience.enabled=false", "llm.resilience.providers.a.base-url=http://a.example")
			.run((context) -> assertThat(context).doesNotHaveBean(ProviderRoutingWebClientCustomizer.class)
				.doesNotHaveBean(ProviderRoutingRestClientCustomizer.class));
	}

	private void failFirstThenAnswer(int status) {
		this.provider.server().resetAll();
		this.provider.failFirstThenAnswer(PATH, aResponse().withStatus(status), okJson("{}"));
	}

}
