package dev.llmresilience.blocking;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.call.ResilienceConfigs;
import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.DeadlineExceededException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.ServerDelayTooLongException;
import dev.llmresilience.core.TimeoutPolicy;
import dev.llmresilience.reactive.ProviderStub;
import dev.llmresilience.reactive.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ResilientRequestInterceptorTest {

	private static final String PATH = "/v1/chat/completions";

	private static final String REQUEST = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";

	@RegisterExtension
	final ProviderStub provider = new ProviderStub();

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private final List<RetryDecision> retries = new CopyOnWriteArrayList<>();

	private final CallObserver observer = new CallObserver() {

		@Override
		public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
			ResilientRequestInterceptorTest.this.retries.add(decision);
		}

		@Override
		public void onCall(String provider, String outcome, int attempts, Duration duration) {
			ResilientRequestInterceptorTest.this.calls.add(outcome + "/" + attempts);
		}

	};

	static Stream<Arguments> faultsPerTransport() {
		return Stream.of(Transport.values()).flatMap((transport) -> Stream.of(Fault.EMPTY_RESPONSE, Fault.CONNECTION_RESET_BY_PEER,
				Fault.RANDOM_DATA_THEN_CLOSE, Fault.MALFORMED_RESPONSE_CHUNK)
			.map((fault) -> Arguments.of(transport, fault)));
	}

	static Stream<Arguments> transports() {
		return Stream.of(Arguments.of(Transport.REACTOR), Arguments.of(Transport.JDK));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("faultsPerTransport")
	void retriesConnectionFaultsWithTheSameRequest(Transport transport, Fault fault) {
		failFirstThenAnswer(aResponse().withFault(fault));
		assertThat(call(client(transport, resilience(4)))).isEqualTo(ANSWER);
		List<LoggedRequest> requests = this.provider.requests(PATH);
		assertThat(requests).hasSize(2);
		assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString()).isEqualTo(REQUEST);
		assertThat(this.calls).containsExactly("success/2");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 500, 502, 503, 504, 529, 429 })
	void retriesRetryableStatuses(int status) {
		failFirstThenAnswer(aResponse().withStatus(status).withBody("{\"error\":{\"message\":\"busy\"}}"));
		assertThat(call(client(Transport.REACTOR, resilience(4)))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(ints = { 400, 401, 403, 404, 422 })
	void neverRetriesClientErrorsAndKeepsTheirBody(int status) {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"no\"}}")));
		RestClient client = client(Transport.REACTOR, resilience(4));
		assertThatExceptionOfType(HttpClientErrorException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(status);
				assertThat(ex.getResponseBodyAsString()).contains("no");
			});
		this.provider.verifyPosts(1, PATH);
		assertThat(this.calls).containsExactly("fatal/1");
	}

	@Test
	void readsTheBodyOfAServerErrorItDoesNotRetry() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(501).withBody("{\"error\":\"not here\"}")));
		RestClient client = client(Transport.REACTOR, resilience(4));
		assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("not here"));
		this.provider.verifyPosts(1, PATH);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("transports")
	void retriesAJsonBodyCutOffWhileItsFramingLookedComplete(Transport transport) {
		failFirstThenAnswer(okJson("{\"id\":\"chatcmpl-1\",\"choices\":["));
		assertThat(call(client(transport, resilience(4)))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void waitsAsLongAsTheServerAsks() {
		failFirstThenAnswer(aResponse().withStatus(429).withHeader("Retry-After", "1"));
		assertThat(call(client(Transport.REACTOR, resilience(4)))).isEqualTo(ANSWER);
		List<LoggedRequest> requests = this.provider.requests(PATH);
		assertThat(requests).hasSize(2);
		assertThat(requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime())
			.isGreaterThanOrEqualTo(1000);
		assertThat(this.retries).singleElement()
			.satisfies((decision) -> assertThat(decision.source()).isEqualTo(RetryDecision.DelaySource.SERVER));
	}

	@Test
	void failsFastWhenTheServerAsksForALongerWaitThanAllowed() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
		RestClient client = client(Transport.REACTOR, resilience(4));
		assertThatExceptionOfType(ServerDelayTooLongException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(1));
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheTypedFailure() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		RestClient client = client(Transport.REACTOR, resilience(3));
		assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> {
				assertThat(ex.getAttempts()).isEqualTo(3);
				assertThat(ex.getLastFailureKind()).isEqualTo(FailureKind.OVERLOAD);
			});
		this.provider.verifyPosts(3, PATH);
		assertThat(this.calls).containsExactly("RetriesExhaustedException/3");
	}

	@Test
	void stopsRetryingWhenTheNextWaitWouldCrossTheDeadline() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
		ProviderPolicy base = policy(4);
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(), base.retry(),
				base.circuitBreaker(), new TimeoutPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5),
						Duration.ofSeconds(5), Duration.ofMillis(500)));
		RestClient client = client(Transport.REACTOR, resilience(policy, ProviderResilience.DEFAULT_BODY_LIMIT));
		assertThatExceptionOfType(DeadlineExceededException.class).isThrownBy(() -> call(client));
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void opensTheBreakerAfterSustainedOverloadThenFailsWithoutCalling() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(529)));
		ProviderPolicy base = policy(2);
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(), base.retry(),
				new CircuitBreakerPolicy(50, 4, 4, Duration.ofSeconds(30), 1), base.timeouts());
		ProviderResilience resilience = resilience(policy, ProviderResilience.DEFAULT_BODY_LIMIT);
		RestClient client = client(Transport.REACTOR, resilience);
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> call(client));
		}
		assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getRemainingOpen()).isPositive());
		this.provider.verifyPosts(4, PATH);
	}

	@Test
	void handsStreamsOverAsTheyCome() {
		String events = "data: {\"a\":1}\n\ndata: [DONE]\n\n";
		// the body takes 4 s to arrive, its first piece after 0.5 s: buffered, the caller would have the
		// response only at the end
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(events)
			.withChunkedDribbleDelay(8, 4000)));
		long start = System.nanoTime();
		AtomicLong handedOver = new AtomicLong();
		String body = client(Transport.REACTOR, resilience(4)).post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.body(REQUEST)
			.exchange((request, response) -> {
				handedOver.set(System.nanoTime() - start);
				return StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
			});
		assertThat(body).isEqualTo(events);
		assertThat(Duration.ofNanos(handedOver.get())).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void handsABodyLongerThanTheLimitOverWhole() {
		String large = "{\"id\":\"" + "x".repeat(200) + "\"}";
		this.provider.stubFor(post(PATH).willReturn(okJson(large)));
		RestClient client = client(Transport.REACTOR, resilience(policy(4), 64));
		assertThat(call(client)).isEqualTo(large);
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void neverMultipliesAttemptsWhenTheProvidersInterceptorIsAlsoAddedByHand() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		ProviderResilience resilience = resilience(3);
		RestClient client = RestClient.builder()
			.requestFactory(Transport.REACTOR.factory.get())
			.baseUrl(this.provider.baseUrl())
			.requestInterceptor(new ProviderRoutingInterceptor(List.of(resilience)))
			.requestInterceptor(new ResilientRequestInterceptor(resilience))
			.build();
		assertThatExceptionOfType(RetriesExhaustedException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getAttempts()).isEqualTo(3));
		this.provider.verifyPosts(3, PATH);
	}

	@Test
	void routesOnlyRequestsUnderTheProvidersBaseUrl() {
		this.provider.stubFor(post("/elsewhere").willReturn(aResponse().withStatus(503)));
		ProviderPolicy policy = TestProviders.policy(this.provider.baseUrl() + "/v1");
		RestClient client = RestClient.builder()
			.requestFactory(Transport.REACTOR.factory.get())
			.baseUrl(this.provider.baseUrl())
			.requestInterceptor(new ProviderRoutingInterceptor(List.of(TestProviders.resilience(policy))))
			.build();
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class)
			.isThrownBy(() -> client.post().uri("/elsewhere").body(REQUEST).retrieve().body(String.class));
		this.provider.verifyPosts(1, "/elsewhere");
	}

	private void failFirstThenAnswer(ResponseDefinitionBuilder failure) {
		this.provider.failFirstThenAnswerResent(PATH, REQUEST, failure, okJson(ANSWER));
	}

	private ProviderPolicy policy(int maxAttempts) {
		return TestProviders.with(TestProviders.policy(this.provider.baseUrl()),
				(retry) -> retry.withMaxAttempts(maxAttempts));
	}

	private ProviderResilience resilience(int maxAttempts) {
		return resilience(policy(maxAttempts), ProviderResilience.DEFAULT_BODY_LIMIT);
	}

	private ProviderResilience resilience(ProviderPolicy policy, int bodyLimit) {
		return new ProviderResilience(policy,
				Retry.of(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts())),
				CircuitBreaker.of(policy.name(), ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker())),
				this.observer, bodyLimit);
	}

	private RestClient client(Transport transport, ProviderResilience resilience) {
		return RestClient.builder()
			.requestFactory(transport.factory.get())
			.baseUrl(this.provider.baseUrl())
			.requestInterceptor(new ResilientRequestInterceptor(resilience))
			.build();
	}

	private static String call(RestClient client) {
		return client.post().uri(PATH).contentType(MediaType.APPLICATION_JSON).body(REQUEST).retrieve().body(String.class);
	}

	enum Transport {

		REACTOR(ReactorClientHttpRequestFactory::new),

		JDK(() -> new JdkClientHttpRequestFactory(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()));

		private final Supplier<ClientHttpRequestFactory> factory;

		Transport(Supplier<ClientHttpRequestFactory> factory) {
			this.factory = factory;
		}

	}

}
