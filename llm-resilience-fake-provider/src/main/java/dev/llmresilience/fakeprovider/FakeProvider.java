package dev.llmresilience.fakeprovider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A misbehaving LLM provider on loopback: OpenAI- and Anthropic-shaped endpoints that inject the faults of a
 * {@link FaultPlan}.
 * <p>
 * Serves {@code POST /v1/chat/completions} (point an OpenAI-protocol client at {@code baseUrl() + "/v1"}) and
 * {@code POST /v1/messages} (point an Anthropic-protocol client at {@link #baseUrl()}); {@code "stream": true} in
 * the request body asks for an event stream. Each request is read in full before its fault is chosen, so a
 * counted request really reached the server.
 */
public final class FakeProvider implements AutoCloseable {

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

	private static final HttpResponseStatus OVERLOADED = new HttpResponseStatus(529, "Overloaded");

	private static final String DEFAULT_MODEL = "fake-model";

	private final FaultPlan plan;

	private final FaultSchedule schedule;

	private final FakeProviderStats stats = new FakeProviderStats();

	private final AtomicLong requestNumbers = new AtomicLong();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Clock clock = Clock.systemUTC();

	private final ObjectMapper json = new ObjectMapper();

	private final Dialect openAi = new OpenAiDialect(this.json);

	private final Dialect anthropic = new AnthropicDialect(this.json);

	private final LoopResources loops;

	private final DisposableServer server;

	private FakeProvider(FaultPlan plan, int port, LongSupplier nanoTime) {
		this.plan = plan;
		this.schedule = new FaultSchedule(plan, nanoTime);
		// Own event loops rather than reactor-netty's global ones: a Spring context shutting down disposes the
		// global resources, which must not take the fake down under a demo or benchmark that outlives it.
		this.loops = LoopResources.create("fake-provider", 1, 2, true);
		try {
			this.server = HttpServer.create()
				.runOn(this.loops)
				.host("127.0.0.1")
				.port(port)
				.handle(this::handle)
				.bindNow(BIND_TIMEOUT);
		}
		catch (RuntimeException ex) {
			this.loops.dispose();
			throw ex;
		}
	}

	/**
	 * Starts a provider on a free loopback port.
	 * @param plan the faults to inject
	 * @return the running provider; close it when done
	 */
	public static FakeProvider start(FaultPlan plan) {
		return start(plan, 0);
	}

	/**
	 * Starts a provider on the given loopback port, for example to bring a provider back where a closed one
	 * listened, so a client that saw its connections refused meets it at the same address.
	 * @param plan the faults to inject
	 * @param port the port to listen on, 0 for a free one
	 * @return the running provider; close it when done
	 */
	public static FakeProvider start(FaultPlan plan, int port) {
		Objects.requireNonNull(plan, "plan must not be null");
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
		}
		return new FakeProvider(plan, port, System::nanoTime);
	}

	public int port() {
		return this.server.port();
	}

	/**
	 * The root URL, {@code http://127.0.0.1:PORT}, without a trailing slash or the {@code /v1} prefix.
	 * @return the base URL
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	public FaultPlan plan() {
		return this.plan;
	}

	public FakeProviderStats stats() {
		return this.stats;
	}

	/**
	 * Stops listening, drops open connections and releases the event loops.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			this.server.disposeNow(CLOSE_TIMEOUT);
		}
		finally {
			this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT.multipliedBy(2));
		}
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Endpoint endpoint = Endpoint.forPath(request.fullPath());
		return request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> respond(endpoint, request.method(), body, response));
	}

	private Mono<Void> respond(Endpoint endpoint, HttpMethod method, byte[] body, HttpServerResponse response) {
		this.stats.recordReceived(endpoint);
		if (endpoint == null) {
			return sendJson(response, HttpResponseStatus.NOT_FOUND, this.openAi.error(404, "Unknown path"));
		}
		Dialect dialect = (endpoint == Endpoint.ANTHROPIC_MESSAGES) ? this.anthropic : this.openAi;
		long number = this.requestNumbers.incrementAndGet();
		response.header(dialect.requestIdHeader(), "req_fake" + number);
		if (!HttpMethod.POST.equals(method)) {
			response.header(HttpHeaderNames.ALLOW, "POST");
			return sendJson(response, HttpResponseStatus.METHOD_NOT_ALLOWED,
					dialect.error(405, "Method " + method + " not allowed, use POST"));
		}
		JsonNode requestBody = parse(body);
		if (requestBody == null) {
			return sendJson(response, HttpResponseStatus.BAD_REQUEST,
					dialect.error(400, "Request body must be a JSON object"));
		}
		boolean stream = requestBody.path("stream").asBoolean(false);
		Fault fault = this.schedule.next(stream);
		this.stats.recordFault(fault);
		Answer answer = answer(dialect, number, requestBody, body.length);
		return switch (fault) {
			case NONE -> serve(response, dialect, answer, stream);
			case PREMATURE_CLOSE -> Mono.fromRunnable(() -> response.withConnection(Connection::dispose));
			case CONNECTION_RESET -> Mono.fromRunnable(() -> response.withConnection(FakeProvider::reset));
			case SLOW_FIRST_BYTE -> Mono.delay(this.plan.slowFirstByte())
				.then(Mono.defer(() -> serve(response, dialect, answer, stream)));
			case RATE_LIMIT -> rateLimit(response, dialect);
			case UNAVAILABLE -> sendJson(response, HttpResponseStatus.SERVICE_UNAVAILABLE, dialect.error(503, null));
			case OVERLOADED -> sendJson(response, OVERLOADED, dialect.error(529, null));
			case STREAM_ERROR_EVENT -> sendEvents(response, List.of(dialect.streamError()));
			case STREAM_BROKEN -> sendEvents(response, brokenStream(dialect, answer))
				.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
		};
	}

	// Success is counted just before the last bytes go out, not once the write completes: the client can finish
	// reading before the server's write future does, and a test reading the stats then must already see it.
	private Mono<Void> serve(HttpServerResponse response, Dialect dialect, Answer answer, boolean stream) {
		if (stream) {
			return sendEvents(response, fullStream(dialect, answer), this.stats::recordStreamResponse);
		}
		return sendJson(response, HttpResponseStatus.OK, dialect.completion(answer, created()),
				this.stats::recordJsonResponse);
	}

	private Mono<Void> rateLimit(HttpServerResponse response, Dialect dialect) {
		Duration wait = this.plan.retryAfter();
		// Retry-After only has whole seconds; round up so a client obeying it never comes back too early.
		long seconds = (wait.toMillis() + 999) / 1000;
		response.header(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
		response.header("retry-after-ms", Long.toString(wait.toMillis()));
		dialect.rateLimitHeaders(response.responseHeaders(), wait, this.clock.instant());
		return sendJson(response, HttpResponseStatus.TOO_MANY_REQUESTS, dialect.error(429, null));
	}

	private List<String> fullStream(Dialect dialect, Answer answer) {
		long created = created();
		List<String> events = new ArrayList<>(dialect.streamPrologue(answer, created));
		IntStream.range(0, answer.tokens().size()).forEach((i) -> events.add(dialect.contentEvent(answer, created, i)));
		events.addAll(dialect.streamEpilogue(answer, created));
		return events;
	}

	private List<String> brokenStream(Dialect dialect, Answer answer) {
		long created = created();
		List<String> events = new ArrayList<>(dialect.streamPrologue(answer, created));
		IntStream.range(0, answer.tokens().size() / 2)
			.forEach((i) -> events.add(dialect.contentEvent(answer, created, i)));
		return events;
	}

	private Mono<Void> sendJson(HttpServerResponse response, HttpResponseStatus status, String body) {
		return sendJson(response, status, body, () -> {
		});
	}

	private Mono<Void> sendJson(HttpServerResponse response, HttpResponseStatus status, String body,
			Runnable beforeSend) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendByteArray(Mono.fromSupplier(() -> {
				beforeSend.run();
				return bytes;
			}))
			.then();
	}

	private Mono<Void> sendEvents(HttpServerResponse response, List<String> events) {
		return sendEvents(response, events, () -> {
		});
	}

	private Mono<Void> sendEvents(HttpServerResponse response, List<String> events, Runnable beforeLastEvent) {
		int last = events.size() - 1;
		Flux<String> paced = Flux.fromIterable(events);
		Duration delay = this.plan.eventDelay();
		if (!delay.isZero() && events.size() > 1) {
			paced = Flux.concat(Flux.just(events.get(0)), Flux.fromIterable(events.subList(1, events.size()))
				.delayElements(delay));
		}
		Flux<String> counted = paced.index().map((indexed) -> {
			if (indexed.getT1() == last) {
				beforeLastEvent.run();
			}
			return indexed.getT2();
		});
		// Flush every event on its own, as a provider streaming tokens does, so a client sees each as it is sent.
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
			.send(counted.map((event) -> Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.UTF_8))),
					(buf) -> true)
			.then();
	}

	private Answer answer(Dialect dialect, long number, JsonNode requestBody, int bodyLength) {
		String model = requestBody.path("model").asText("");
		List<String> tokens = IntStream.range(0, this.plan.streamEvents()).mapToObj((i) -> "tok-" + i + " ").toList();
		// About four bytes a token: enough for usage fields to look plausible.
		return new Answer(dialect.id(number), model.isBlank() ? DEFAULT_MODEL : model, Math.max(1, bodyLength / 4),
				tokens);
	}

	private JsonNode parse(byte[] body) {
		try {
			JsonNode node = this.json.readTree(body);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private long created() {
		return this.clock.instant().getEpochSecond();
	}

	private static void reset(Connection connection) {
		// SO_LINGER 0 makes close() discard the socket with a RST instead of the orderly FIN.
		connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
		connection.dispose();
	}

}
