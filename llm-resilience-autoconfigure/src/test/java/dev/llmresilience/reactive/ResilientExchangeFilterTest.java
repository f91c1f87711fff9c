package dev.llmresilience.reactive;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.call.ResilienceConfigs;
import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.TimeoutPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
import static org.awaitility.Awaitility.await;

class ResilientExchangeFilterTest {

	private static final String PATH = "/v1/chat/completions";

	private static final String REQUEST = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";

	@RegisterExtension
	final ProviderStub provider = new ProviderStub();

	@Test
	void retriesServerDisconnectedWithoutSendingAResponse() {
		// the founding report: an OpenAI-compatible host closes the connection before any response
		failFirstThenAnswer(aResponse().withFault(Fault.EMPTY_RESPONSE));
		String body = call(TestProviders.webClient(TestProviders.policy(this.provider.baseUrl())));
		assertThat(body).isEqualTo(ANSWER);
		List<LoggedRequest> requests = this.provider.requests(PATH);
		assertThat(requests).hasSize(2);
		assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString()).isEqualTo(REQUEST);
		assertThat(requests.get(1).getHeaders().all()).containsExactlyInAnyOrderElementsOf(requests.get(0).getHeaders().all());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE" })
	void retriesConnectionFaults(Fault fault) {
		failFirstThenAnswer(aResponse().withFault(fault));
		assertThat(call(TestProviders.webClient(TestProviders.policy(this.provider.baseUrl())))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 500, 502, 503, 504, 529, 429 })
	void retriesRetryableStatuses(int status) {
		failFirstThenAnswer(aResponse().withStatus(status).withBody("{\"error\":{\"message\":\"busy\"}}"));
		assertThat(call(TestProviders.webClient(TestProviders.policy(this.provider.baseUrl())))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void neverRetriesClientErrors(int status) {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"no\"}}")));
		WebClient client = TestProviders.webClient(TestProviders.policy(this.provider.baseUrl()));
		assertThatExceptionOfType(WebClientResponseException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(status);
				assertThat(ex.getResponseBodyAsString()).contains("no");
			});
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void retriesAResponseSlowerThanTheResponseTimeout() {
		// a second long enough for the retry's own answer on a loaded machine, and far from the slow one
		failFirstThenAnswer(okJson(ANSWER).withFixedDelay(3_000));
		ProviderPolicy policy = TestProviders.policy(this.provider.baseUrl());
		policy = new ProviderPolicy(policy.name(), policy.baseUrl(), policy.protocol(), policy.retry(),
				policy.circuitBreaker(), new TimeoutPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1),
						Duration.ofSeconds(5), Duration.ofSeconds(30)));
		assertThat(call(TestProviders.webClient(policy))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void retriesARefusedConnection() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		WireMockServer late = new WireMockServer(options().port(port));
		late.stubFor(post(PATH).willReturn(okJson(ANSWER)));
		List<String> causes = new CopyOnWriteArrayList<>();
		CallObserver startServerOnFirstRetry = new CallObserver() {
			@Override
			public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
				causes.add(failure.cause());
				if (!late.isRunning()) {
					late.start();
				}
			}
		};
		try {
			ProviderResilience resilience = TestProviders
				.resilience(TestProviders.policy("http://127.0.0.1:" + port), startServerOnFirstRetry);
			WebClient client = TestProviders.webClient(resilience);
			assertThat(call(client)).isEqualTo(ANSWER);
			assertThat(causes).containsExactly("connect_failed");
			late.verify(1, postRequestedFor(urlEqualTo(PATH)));
		}
		finally {
			late.stop();
		}
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheTypedFailure() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		ProviderPolicy policy = TestProviders.with(TestProviders.policy(this.provider.baseUrl()),
				(retry) -> retry.withMaxAttempts(3));
		WebClient client = TestProviders.webClient(policy);
		assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> {
				assertThat(ex.getProvider()).isEqualTo("test");
				assertThat(ex.getAttempts()).isEqualTo(3);
				assertThat(ex.getLastFailureKind()).isEqualTo(FailureKind.OVERLOAD);
				assertThat(ex.getMessage()).contains("status_503").contains("3 attempt");
			});
		this.provider.verifyPosts(3, PATH);
	}

	@Test
	void opensBreakerAfterSustainedOverloadAndClosesAfterAHalfOpenProbe() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(529)));
		ProviderPolicy base = TestProviders.with(TestProviders.policy(this.provider.baseUrl()),
				(retry) -> retry.withMaxAttempts(2));
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(), base.retry(),
				new CircuitBreakerPolicy(50, 4, 4, Duration.ofSeconds(2), 1), base.timeouts());
		ProviderResilience resilience = TestProviders.resilience(policy);
		WebClient client = TestProviders.webClient(resilience);
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> call(client));
		}
		assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		this.provider.verifyPosts(4, PATH);
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getRemainingOpen()).isPositive()
				.isLessThanOrEqualTo(Duration.ofSeconds(2)));
		this.provider.verifyPosts(4, PATH);

		this.provider.server().resetAll();
		this.provider.stubFor(post(PATH).willReturn(okJson(ANSWER)));
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			try {
				assertThat(call(client)).isEqualTo(ANSWER);
			}
			catch (CircuitOpenException ex) {
				throw new AssertionError("still open", ex);
			}
		});
		assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void handsABodyLongerThanTheLimitOverWholeAndUnchecked() {
		// chunked, so the body arrives in pieces and passes the limit part-way
		String large = "{\"id\":\"" + "x".repeat(20_000) + "\"}";
		this.provider.stubFor(post(PATH).willReturn(okJson(large).withChunkedDribbleDelay(10, 100)));
		ProviderPolicy policy = TestProviders.policy(this.provider.baseUrl());
		ProviderResilience resilience = new ProviderResilience(policy,
				Retry.of(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts())),
				CircuitBreaker.of(policy.name(), ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker())),
				CallObserver.NONE, 1024);
		assertThat(call(TestProviders.webClient(resilience))).isEqualTo(large);
		this.provider.verifyPosts(1, PATH);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	private void failFirstThenAnswer(ResponseDefinitionBuilder failure) {
		this.provider.failFirstThenAnswerResent(PATH, REQUEST, failure, okJson(ANSWER));
	}

	private static String call(WebClient client) {
		return TestProviders.postJson(client, PATH, REQUEST).block(Duration.ofSeconds(20));
	}

}
