package dev.llmresilience.reactive;

import java.time.Duration;
import java.util.List;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ProviderRoutingFilterTest {

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"choices\":[]}";

	@RegisterExtension
	final ProviderStub server = new ProviderStub();

	@Test
	void runsRequestsUnderABaseUrlThroughThatProvidersResilience() {
		this.server.failFirstThenAnswer("/llm/v1/chat/completions", aResponse().withStatus(503), okJson(ANSWER));
		assertThat(call(routed(), "/llm/v1/chat/completions")).isEqualTo(ANSWER);
		this.server.verifyPosts(2, "/llm/v1/chat/completions");
	}

	@Test
	void letsRequestsUnderNoBaseUrlThroughUntouched() {
		this.server.stubFor(post("/other/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(WebClientResponseException.ServiceUnavailable.class)
			.isThrownBy(() -> call(routed(), "/other/v1/chat/completions"));
		this.server.verifyPosts(1, "/other/v1/chat/completions");
	}

	@Test
	void neverMultipliesAttemptsWhenTheProvidersFilterIsAlsoAddedByHand() {
		this.server.stubFor(post("/llm/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		ProviderResilience provider = provider(3);
		WebClient client = WebClient.builder()
			.filter(new ProviderRoutingFilter(List.of(provider)))
			.filter(new ResilientExchangeFilter(provider))
			.build();
		assertThatExceptionOfType(RetriesExhaustedException.class)
			.isThrownBy(() -> call(client, "/llm/v1/chat/completions"))
			.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(3));
		this.server.verifyPosts(3, "/llm/v1/chat/completions");
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
