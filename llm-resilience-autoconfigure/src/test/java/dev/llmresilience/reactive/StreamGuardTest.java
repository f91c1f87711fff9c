package dev.llmresilience.reactive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.call.ResilienceConfigs;
import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.StreamInterruptedException;
import dev.llmresilience.core.TimeoutPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams over real HTTP: a reactor-netty server sends server-sent events, each carrying a sequence
 * number, and breaks them in the ways providers do; the caller must see every event exactly once.
 */
class StreamGuardTest {

	private static final String PATH = "/v1/messages";

	private static final String REQUEST = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

	private static final Pattern SEQUENCE = Pattern.compile("\"seq\":(\\d+)");

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static final String ANTHROPIC_OVERLOADED = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

	private static final String ANTHROPIC_API_ERROR = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}\n\n";

	private static final String OPENAI_ERROR_CHUNK = "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";

	private static final String ANTHROPIC_INVALID_REQUEST = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}\n\n";

	/** What the server does for each request, in order; the last one repeats. */
	private final List<Function<HttpServerResponse, Publisher<Void>>> scripts = new CopyOnWriteArrayList<>();

	private final List<String> requestBodies = new CopyOnWriteArrayList<>();

	private final AtomicInteger closedConnections = new AtomicInteger();

	private final List<ConnectionPoolMetrics> pools = new CopyOnWriteArrayList<>();

	private final List<Failure> failedAttempts = new CopyOnWriteArrayList<>();

	private final List<Failure> retried = new CopyOnWriteArrayList<>();

	private final CallObserver observer = new CallObserver() {

		@Override
		public void onAttempt(String provider, Failure failure, boolean retryable) {
			if (failure != null) {
				StreamGuardTest.this.failedAttempts.add(failure);
			}
		}

		@Override
		public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
			StreamGuardTest.this.retried.add(failure);
		}

	};

	private DisposableServer server;

	private ConnectionProvider connections;

	@BeforeEach
	void start() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> connection.onDispose(this.closedConnections::incrementAndGet))
			.route((routes) -> routes.post(PATH, (request, response) -> request.receive()
				.aggregate()
				.asString()
				.defaultIfEmpty("")
				.flatMap((body) -> {
					this.requestBodies.add(body);
					int index = Math.min(this.requestBodies.size(), this.scripts.size()) - 1;
					return Mono.from(this.scripts.get(index).apply(response));
				})))
			.bindNow();
		this.connections = ConnectionProvider.builder("streams")
			.maxConnections(4)
			.metrics(true, () -> (poolName, id, remoteAddress, metrics) -> this.pools.add(metrics))
			.build();
	}

	@AfterEach
	void stop() {
		this.connections.disposeLater().block(Duration.ofSeconds(5));
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	@ParameterizedTest(name = "lines end in {0}")
	@ValueSource(strings = { "LF", "CRLF" })
	void deliversAnIntactStreamOnce(String lineEnd) {
		String eol = "LF".equals(lineEnd) ? "\n" : "\r\n";
		serve((response) -> sse(response).sendString(events(1, 20).map((event) -> event.replace("\n", eol))));
		ProviderResilience resilience = resilience(TestProviders.timeouts());
		StepVerifier.create(sequence(resilience)).expectNextSequence(range(1, 20)).verifyComplete();
		assertThat(this.requestBodies).containsExactly(REQUEST);
		assertThat(this.failedAttempts).isEmpty();
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void retriesAConnectionClosedBeforeTheResponseAndDeliversEachEventOnce() {
		serve((response) -> Mono.<Void>fromRunnable(() -> response.withConnection(Connection::dispose))
			.then(Mono.never()), (response) -> sse(response).sendString(events(1, 10)));
		StepVerifier.create(sequence(resilience(TestProviders.timeouts())))
			.expectNextSequence(range(1, 10))
			.verifyComplete();
		assertThat(this.requestBodies).containsExactly(REQUEST, REQUEST);
		assertThat(this.retried).extracting(Failure::cause).containsExactly("premature_close");
	}

	@Test
	void endsInStreamInterruptedAfterThreeEventsAndADroppedConnectionWithoutReplaying() {
		serve((response) -> sse(response).sendString(events(1, 3))
			.then(Mono.<Void>fromRunnable(() -> response.withConnection(Connection::dispose)).then(Mono.never())),
				(response) -> sse(response).sendString(events(1, 10)));
		ProviderResilience resilience = resilience(TestProviders.timeouts());
		StepVerifier.create(sequence(resilience))
			.expectNext(1, 2, 3)
			.expectErrorSatisfies((ex) -> assertThat(interruption(ex)).satisfies((interrupted) -> {
				assertThat(interrupted.getEventsDelivered()).isEqualTo(3);
				assertThat(interrupted.getAttempts()).isEqualTo(1);
				assertThat(interrupted.getProvider()).isEqualTo("test");
				assertThat(interrupted.getLastFailureKind()).isEqualTo(FailureKind.STREAM_INTERRUPTED);
			}))
			.verify(Duration.ofSeconds(10));
		assertThat(this.requestBodies).hasSize(1);
		assertThat(this.retried).isEmpty();
		assertThat(this.failedAttempts).extracting(Failure::kind).containsExactly(FailureKind.STREAM_INTERRUPTED);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void givesExchangeToFluxTheTypedFailureItselfAndRecordsTheBreakOnce() {
		serve((response) -> sse(response).sendString(events(1, 3))
			.then(Mono.<Void>fromRunnable(() -> response.withConnection(Connection::dispose)).then(Mono.never())));
		ProviderResilience resilience = resilience(TestProviders.timeouts());
		// exchangeToFlux re-subscribes to a failed body to release it: that must not count as a second break
		Flux<Integer> sequence = client(resilience).post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(REQUEST)
			.exchangeToFlux((response) -> response.bodyToFlux(EVENT))
			.map(StreamGuardTest::sequenceNumber);
		StepVerifier.create(sequence)
			.expectNext(1, 2, 3)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(StreamInterruptedException.class,
					(interrupted) -> assertThat(interrupted.getEventsDelivered()).isEqualTo(3)))
			.verify(Duration.ofSeconds(10));
		assertThat(this.requestBodies).hasSize(1);
		assertThat(this.failedAttempts).hasSize(1);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "anthropic overloaded_error", "anthropic api_error", "openai error chunk",
			"anthropic overloaded_error split across writes", "after a keep-alive comment" })
	void retriesAnErrorEventSentBeforeAnyContent(String shape) {
		Flux<String> error = switch (shape) {
			case "anthropic overloaded_error" -> Flux.just(ANTHROPIC_OVERLOADED);
			case "anthropic api_error" -> Flux.just(ANTHROPIC_API_ERROR);
			case "openai error chunk" -> Flux.just(OPENAI_ERROR_CHUNK);
			case "anthropic overloaded_error split across writes" -> Flux
				.just(ANTHROPIC_OVERLOADED.substring(0, 40), ANTHROPIC_OVERLOADED.substring(40, 70),
						ANTHROPIC_OVERLOADED.substring(70, ANTHROPIC_OVERLOADED.length() - 1), "\n")
				.delayElements(Duration.ofMillis(20));
			default -> Flux.just(": keep-alive\n\n", ANTHROPIC_OVERLOADED).delayElements(Duration.ofMillis(20));
		};
		serve((response) -> sse(response).sendString(error), (response) -> sse(response).sendString(events(1, 5)));
		ProviderResilience resilience = resilience(TestProviders.timeouts());
		StepVerifier.create(sequence(resilience)).expectNextSequence(range(1, 5)).verifyComplete();
		assertThat(this.requestBodies).containsExactly(REQUEST, REQUEST);
		assertThat(this.retried).extracting(Failure::kind).containsExactly(FailureKind.STREAM_ERROR);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void handsANonRetryableErrorEventToTheCallerUntouched() {
		serve((response) -> sse(response).sendString(Flux.just(ANTHROPIC_INVALID_REQUEST)));
		Flux<ServerSentEvent<String>> events = client(resilience(TestProviders.timeouts())).post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(REQUEST)
			.retrieve()
			.bodyToFlux(EVENT);
		StepVerifier.create(events)
			.assertNext((event) -> {
				assertThat(event.event()).isEqualTo("error");
				assertThat(event.data()).contains("invalid_request_error");
			})
			.verifyComplete();
		assertThat(this.requestBodies).hasSize(1);
		assertThat(this.failedAttempts).extracting(Failure::kind).containsExactly(FailureKind.FATAL);
	}

	@Test
	void givesUpWhenEveryAttemptStartsWithAnErrorEvent() {
		serve((response) -> sse(response).sendString(Flux.just(ANTHROPIC_OVERLOADED)));
		StepVerifier.create(sequence(resilience(TestProviders.timeouts())))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(RetriesExhaustedException.class,
					(exhausted) -> {
						assertThat(exhausted.getAttempts()).isEqualTo(4);
						assertThat(exhausted.getLastFailureKind()).isEqualTo(FailureKind.STREAM_ERROR);
					}))
			.verify(Duration.ofSeconds(10));
		assertThat(this.requestBodies).hasSize(4);
	}

	@Test
	void endsAStalledStreamWithinTheIdleTimeout() {
		Duration idle = Duration.ofMillis(300);
		serve((response) -> sse(response).sendString(events(1, 2)).then(Mono.never()),
				(response) -> sse(response).sendString(events(1, 10)));
		ProviderResilience resilience = resilience(
				new TimeoutPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), idle, Duration.ofSeconds(30)));
		AtomicLong lastEventAt = new AtomicLong();
		AtomicLong failedAt = new AtomicLong();
		StepVerifier.create(sequence(resilience).doOnNext((seq) -> lastEventAt.set(System.nanoTime()))
			.doOnError((ex) -> failedAt.set(System.nanoTime())))
			.expectNext(1, 2)
			.expectErrorSatisfies((ex) -> {
				assertThat(interruption(ex).getEventsDelivered()).isEqualTo(2);
				assertThat(interruption(ex)).hasMessageContaining("no data for 300 ms");
			})
			.verify(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(failedAt.get() - lastEventAt.get())).isBetween(idle.minusMillis(50),
				idle.plusSeconds(1));
		assertThat(this.requestBodies).hasSize(1);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		// the stalled connection is closed, not left to the server
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.closedConnections).hasValue(1));
	}

	@Test
	void retriesAStreamWhoseFirstEventComesLaterThanTheResponseTimeout() {
		// headers and a keep-alive comment arrive at once, but no event: that is no commitment yet
		serve((response) -> sse(response).sendString(Flux.just(": waiting\n\n").concatWith(Flux.never())),
				(response) -> sse(response).sendString(events(1, 5)));
		ProviderResilience resilience = resilience(new TimeoutPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1),
				Duration.ofSeconds(5), Duration.ofSeconds(30)));
		StepVerifier.create(sequence(resilience)).expectNextSequence(range(1, 5)).verifyComplete();
		assertThat(this.requestBodies).hasSize(2);
		// a cold JVM may take longer than the response timeout to connect at all: another timeout
		assertThat(this.retried).isNotEmpty().extracting(Failure::cause).containsOnly("timeout");
	}

	@Test
	void releasesTheConnectionAndRecordsNothingWhenTheCallerCancels() {
		serve((response) -> sse(response)
			.sendString(Flux.interval(Duration.ofMillis(20)).map((i) -> event(i.intValue() + 1)).take(1000)));
		ProviderResilience resilience = resilience(TestProviders.timeouts());
		StepVerifier.create(sequence(resilience)).expectNext(1, 2).thenCancel().verify(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.pools).isNotEmpty().allSatisfy((pool) -> assertThat(pool.acquiredSize()).isZero());
			assertThat(this.closedConnections).hasValue(1);
		});
		assertThat(this.requestBodies).hasSize(1);
		assertThat(this.failedAttempts).isEmpty();
		assertThat(this.retried).isEmpty();
		CircuitBreaker.Metrics breaker = resilience.circuitBreaker().getMetrics();
		assertThat(breaker.getNumberOfFailedCalls()).isZero();
		assertThat(breaker.getNumberOfSuccessfulCalls()).isEqualTo(1);
		Retry.Metrics retry = resilience.retry().getMetrics();
		assertThat(retry.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
		assertThat(retry.getNumberOfSuccessfulCallsWithRetryAttempt()).isZero();
	}

	@Test
	void judgesSlowCallsByTheTimeToTheFirstEventOnly() {
		// a warm-up, so that a cold JVM's first connection is not judged
		Function<HttpServerResponse, Publisher<Void>> warmUp = (response) -> sse(response).sendString(events(1, 1));
		// a long, healthy generation: the first event at once, the last one well after the slow-call threshold
		Function<HttpServerResponse, Publisher<Void>> longGeneration = (response) -> sse(response)
			.sendString(events(1, 8).delayElements(Duration.ofMillis(250)).startWith(event(0)));
		// a slow start: headers and a comment at once, the first event after the slow-call threshold
		Function<HttpServerResponse, Publisher<Void>> slowStart = (response) -> sse(response)
			.sendString(Flux.just(": waiting\n\n").concatWith(events(1, 3).delaySubscription(Duration.ofMillis(1500))));
		serve(warmUp, longGeneration, slowStart);
		ProviderPolicy policy = policy(TestProviders.timeouts());
		CircuitBreakerConfig config = CircuitBreakerConfig
			.from(ResilienceConfigs.circuitBreakerConfig(policy.circuitBreaker()))
			.slowCallDurationThreshold(Duration.ofSeconds(1))
			.build();
		ProviderResilience resilience = new ProviderResilience(policy,
				Retry.of(policy.name(), ResilienceConfigs.retryConfig(policy.retry().maxAttempts())),
				CircuitBreaker.of(policy.name(), config), this.observer);
		StepVerifier.create(sequence(resilience(TestProviders.timeouts()))).expectNext(1).verifyComplete();
		StepVerifier.create(sequence(resilience)).expectNextSequence(range(0, 8)).verifyComplete();
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfSlowCalls()).isZero();
		StepVerifier.create(sequence(resilience)).expectNextSequence(range(1, 3)).verifyComplete();
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
	}

	@SafeVarargs
	private void serve(Function<HttpServerResponse, Publisher<Void>>... scripts) {
		this.scripts.addAll(List.of(scripts));
	}

	private static HttpServerResponse sse(HttpServerResponse response) {
		return response.header("Content-Type", "text/event-stream; charset=utf-8");
	}

	private static Flux<String> events(int first, int last) {
		return Flux.range(first, last - first + 1).map(StreamGuardTest::event);
	}

	private static String event(int seq) {
		return "event: content_block_delta\ndata: {\"seq\":" + seq + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"t"
				+ seq + "\"}}\n\n";
	}

	private static List<Integer> range(int first, int last) {
		return IntStream.rangeClosed(first, last).boxed().toList();
	}

	private ProviderPolicy policy(TimeoutPolicy timeouts) {
		ProviderPolicy base = TestProviders.policy("http://127.0.0.1:" + this.server.port());
		return new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(), base.retry(), base.circuitBreaker(),
				timeouts);
	}

	private ProviderResilience resilience(TimeoutPolicy timeouts) {
		return TestProviders.resilience(policy(timeouts), this.observer);
	}

	private WebClient client(ProviderResilience resilience) {
		return WebClient.builder()
			.baseUrl(resilience.policy().baseUrl().toString())
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(this.connections)))
			.filter(new ResilientExchangeFilter(resilience))
			.build();
	}

	/** The sequence numbers of the events the caller receives, read as Spring AI reads a stream. */
	private Flux<Integer> sequence(ProviderResilience resilience) {
		return client(resilience).post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(REQUEST)
			.retrieve()
			.bodyToFlux(EVENT)
			// comments (keep-alives) carry no data and no sequence number
			.filter((event) -> event.data() != null)
			.map(StreamGuardTest::sequenceNumber);
	}

	private static Integer sequenceNumber(ServerSentEvent<String> event) {
		Matcher matcher = SEQUENCE.matcher(String.valueOf(event.data()));
		assertThat(matcher.find()).as("sequence number in %s", event.data()).isTrue();
		return Integer.valueOf(matcher.group(1));
	}

	/**
	 * Find the typed failure: {@code retrieve()} wraps any error from a body in a
	 * {@code WebClientResponseException}, with the original as its cause.
	 */
	private static StreamInterruptedException interruption(Throwable ex) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable current = ex; current != null && !chain.contains(current); current = current.getCause()) {
			if (current instanceof StreamInterruptedException interrupted) {
				return interrupted;
			}
			chain.add(current);
		}
		throw new AssertionError("No StreamInterruptedException in " + chain, ex);
	}

}
