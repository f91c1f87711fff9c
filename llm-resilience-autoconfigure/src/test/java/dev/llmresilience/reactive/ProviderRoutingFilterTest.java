package dev.llmresilience.reactive;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProviderRoutingFilterTest {

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"choices\":[]}";

	private WireMockServer server;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(options().dynamicPort());
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void runsRequestsUnderABaseUrlThroughThatProvidersResilience() {
		this.server.stubFor(post("/llm/v1/chat/completions").inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("recovered"));
		this.server.stubFor(post("/llm/v1/chat/completions").inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(okJson(ANSWER)));
		assertThat(call(routed(), "/llm/v1/chat/completions")).isEqualTo(ANSWER);
		this.server.verify(2, postRequestedFor(urlEqualTo("/llm/v1/chat/completions")));
	}

	@Test
	void letsRequestsUnderNoBaseUrlThroughUntouched() {
		this.server.stubFor(post("/other/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(WebClientResponseException.ServiceUnavailable.class)
			.isThrownBy(() -> call(routed(), "/other/v1/chat/completions"));
		this.server.verify(1, postRequestedFor(urlEqualTo("/other/v1/chat/completions")));
	}

	@Test
	void neverMultipliesAttemptsWhenTheProvidersFilterIsAlsoAddedByHand() {
		this.server.stubFor(post("/llm/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		ProviderResilience provider = provider(3);
		WebClient client = WebClient.builder()
			.filter(new ProviderRoutingFilter(List.of(provider)))
			.filter(provider.filter())
			.build();
		assertThatExceptionOfType(RetriesExhaustedException.class)
			.isThrownBy(() -> call(client, "/llm/v1/chat/completions"))
			.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(3));
		this.server.verify(3, postRequestedFor(urlEqualTo("/llm/v1/chat/completions")));
	}

	private WebClient routed() {
		return WebClient.builder().filter(new ProviderRoutingFilter(List.of(provider(4)))).build();
	}

	private ProviderResilience provider(int maxAttempts) {
		ProviderPolicy policy = TestProviders.with(TestProviders.policy(this.server.baseUrl() + "/llm/v1"),
				(retry) -> retry.withMaxAttempts(maxAttempts));
		return TestProviders.resilience(policy);
	}

	private String call(WebClient client, String path) {
		return client.post()
			.uri(this.server.baseUrl() + path)
			.bodyValue("{}")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(20));
	}

}
