package dev.llmresilience.fakeprovider;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.test.StepVerifier;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Drives the fake with a real reactor-netty {@link WebClient}, so each fault is checked as applications see it.
 */
class FakeProviderTests {

	// Only a guard against a hang: a cold JVM's first request here has taken over a second.
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private final ObjectMapper json = new ObjectMapper();

	private FakeProvider provider;

	@AfterEach
	void close() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void answersOpenAiChatCompletionAsJson() {
		start(FaultPlan.none());
		ResponseEntity<String> response = post(Endpoint.OPENAI_CHAT_COMPLETIONS, false).toEntity(String.class)
			.block(TIMEOUT);
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(response.getHeaders().getFirst("x-request-id")).isNotBlank();
		JsonNode body = parse(response.getBody());
		assertThat(body.path("id").asText()).startsWith("chatcmpl-");
		assertThat(body.path("object").asText()).isEqualTo("chat.completion");
		assertThat(body.path("created").asLong()).isPositive();
		assertThat(body.path("model").asText()).isEqualTo("test-model");
		JsonNode choice = body.path("choices").path(0);
		assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
		assertThat(choice.path("message").path("content").asText()).isEqualTo(tokens(8));
		assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
		assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
		assertThat(body.path("usage").path("total_tokens").asInt())
			.isEqualTo(body.path("usage").path("prompt_tokens").asInt() + 8);
		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.received()).isEqualTo(1);
		assertThat(stats.received(Endpoint.OPENAI_CHAT_COMPLETIONS)).isEqualTo(1);
		assertThat(stats.jsonResponses()).isEqualTo(1);
		assertThat(stats.totalFaults()).isZero();
	}

	@Test
	void streamsOpenAiChunksWithNumberedTokensEndingWithDone() {
		start(FaultPlan.builder().streamEvents(5).build());
		ResponseEntity<List<ServerSentEvent<String>>> response = post(Endpoint.OPENAI_CHAT_COMPLETIONS, true)
			.toEntityList(SSE)
			.block(TIMEOUT);
		assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
		List<ServerSentEvent<String>> events = response.getBody();
		// A role chunk, the five content chunks, a finish chunk, then the [DONE] sentinel.
		assertThat(events).hasSize(8);
		assertThat(events.get(7).data()).isEqualTo("[DONE]");
		List<JsonNode> chunks = events.subList(0, 7).stream().map((event) -> parse(event.data())).toList();
		String id = chunks.get(0).path("id").asText();
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.path("id").asText()).isEqualTo(id);
			assertThat(chunk.path("model").asText()).isEqualTo("test-model");
		});
		assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
		assertThat(chunks.subList(1, 6)).extracting((chunk) -> chunk.at("/choices/0/delta/content").asText())
			.containsExactly("tok-0 ", "tok-1 ", "tok-2 ", "tok-3 ", "tok-4 ");
		assertThat(chunks.subList(0, 6)).allSatisfy(
				(chunk) -> assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue());
		assertThat(chunks.get(6).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
		assertThat(this.provider.stats().snapshot().streamResponses()).isEqualTo(1);
	}

	@Test
	void answersAnthropicMessageAsJson() {
		start(FaultPlan.none());
		ResponseEntity<String> response = post(Endpoint.ANTHROPIC_MESSAGES, false).toEntity(String.class)
			.block(TIMEOUT);
		assertThat(response.getHeaders().getFirst("request-id")).isNotBlank();
		JsonNode body = parse(response.getBody());
		assertThat(body.path("id").asText()).startsWith("msg_");
		assertThat(body.path("type").asText()).isEqualTo("message");
		assertThat(body.path("role").asText()).isEqualTo("assistant");
		assertThat(body.path("model").asText()).isEqualTo("test-model");
		assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
		assertThat(body.at("/content/0/text").asText()).isEqualTo(tokens(8));
		assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
		assertThat(body.at("/usage/output_tokens").asInt()).isEqualTo(8);
		assertThat(body.at("/usage/input_tokens").asInt()).isPositive();
		assertThat(this.provider.stats().snapshot().received(Endpoint.ANTHROPIC_MESSAGES)).isEqualTo(1);
	}

	@Test
	void streamsAnthropicEventsInProtocolOrderWithNumberedTokens() {
		start(FaultPlan.builder().streamEvents(3).build());
		List<ServerSentEvent<String>> events = post(Endpoint.ANTHROPIC_MESSAGES, true).bodyToFlux(SSE)
			.collectList()
			.block(TIMEOUT);
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("message_start", "content_block_start", "ping", "content_block_delta",
					"content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
					"message_stop");
		assertThat(events).allSatisfy(
				(event) -> assertThat(parse(event.data()).path("type").asText()).isEqualTo(event.event()));
		JsonNode start = parse(events.get(0).data());
		assertThat(start.at("/message/id").asText()).startsWith("msg_");
		assertThat(start.at("/message/content").isEmpty()).isTrue();
		assertThat(events.subList(3, 6)).extracting((event) -> parse(event.data()))
			.allSatisfy((delta) -> assertThat(delta.at("/delta/type").asText()).isEqualTo("text_delta"))
			.extracting((delta) -> delta.at("/delta/text").asText())
			.containsExactly("tok-0 ", "tok-1 ", "tok-2 ");
		JsonNode messageDelta = parse(events.get(7).data());
		assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
		assertThat(messageDelta.at("/usage/output_tokens").asInt()).isEqualTo(3);
	}

	@ParameterizedTest(name = "stream={0}")
	@ValueSource(booleans = { false, true })
	void closesConnectionBeforeResponseOnPrematureClose(boolean stream) {
		start(FaultPlan.sequence(Fault.PREMATURE_CLOSE));
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> post(Endpoint.ANTHROPIC_MESSAGES, stream).toBodilessEntity().block(TIMEOUT))
			.havingCause()
			.isInstanceOf(PrematureCloseException.class)
			.withMessage("Connection prematurely closed BEFORE response");
		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.received()).isEqualTo(1);
		assertThat(stats.faults(Fault.PREMATURE_CLOSE)).isEqualTo(1);
		assertThat(stats.successfulResponses()).isZero();
	}

	@Test
	void readsWholeRequestBeforeClosing() {
		start(FaultPlan.sequence(Fault.PREMATURE_CLOSE));
		// Far larger than socket buffers: had the server closed before reading it, the client would fail writing.
		String prompt = "x".repeat(4 * 1024 * 1024);
		String body = "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> client().post()
				.uri(Endpoint.OPENAI_CHAT_COMPLETIONS.path())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT))
			.havingCause()
			.isInstanceOf(PrematureCloseException.class)
			.withMessageContaining("BEFORE response");
		assertThat(this.provider.stats().snapshot().received(Endpoint.OPENAI_CHAT_COMPLETIONS)).isEqualTo(1);
	}

	@Test
	void resetsConnectionOnConnectionReset() {
		start(FaultPlan.sequence(Fault.CONNECTION_RESET));
		// The message differs by transport: "Connection reset" on NIO, "... Connection reset by peer" on epoll.
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> post(Endpoint.OPENAI_CHAT_COMPLETIONS, false).toBodilessEntity().block(TIMEOUT))
			.havingCause()
			.isInstanceOf(IOException.class)
			.isNotInstanceOf(PrematureCloseException.class)
			.withMessageContaining("Connection reset");
		assertThat(this.provider.stats().snapshot().faults(Fault.CONNECTION_RESET)).isEqualTo(1);
	}

	@Test
	void holdsBackResponseHeadersOnSlowFirstByte() {
		start(FaultPlan.builder().sequence(Fault.SLOW_FIRST_BYTE).slowFirstByte(Duration.ofSeconds(3)).build());
		WebClient impatient = WebClient.builder()
			.baseUrl(this.provider.baseUrl())
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(Duration.ofMillis(200))))
			.build();
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> impatient.post()
				.uri(Endpoint.ANTHROPIC_MESSAGES.path())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(requestBody(false))
				.retrieve()
				.toBodilessEntity()
				.block(TIMEOUT))
			.havingCause()
			.isInstanceOf(ReadTimeoutException.class);
		assertThat(this.provider.stats().snapshot().faults(Fault.SLOW_FIRST_BYTE)).isEqualTo(1);
	}

	@Test
	void answersNormallyOnceTheSlowFirstByteHasPassed() {
		start(FaultPlan.builder().sequence(Fault.SLOW_FIRST_BYTE).slowFirstByte(Duration.ofMillis(300)).build());
		Duration took = StepVerifier.create(post(Endpoint.ANTHROPIC_MESSAGES, true).bodyToFlux(SSE).count())
			.expectNext(14L)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(this.provider.stats().snapshot().streamResponses()).isEqualTo(1);
	}

	@Test
	void answersOpenAiRateLimitWithRetryHints() {
		start(FaultPlan.builder().sequence(Fault.RATE_LIMIT).retryAfter(Duration.ofMillis(1500)).build());
		WebClientResponseException ex = catchThrowableOfType(WebClientResponseException.class,
				() -> post(Endpoint.OPENAI_CHAT_COMPLETIONS, false).toBodilessEntity().block(TIMEOUT));
		assertThat(ex.getStatusCode().value()).isEqualTo(429);
		// Retry-After only carries whole seconds, rounded up; the millisecond header keeps the exact wait.
		assertThat(ex.getHeaders().getFirst("retry-after")).isEqualTo("2");
		assertThat(ex.getHeaders().getFirst("retry-after-ms")).isEqualTo("1500");
		assertThat(ex.getHeaders().getFirst("x-ratelimit-reset-requests")).isEqualTo("1.5s");
		assertThat(ex.getHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
		JsonNode body = parse(ex.getResponseBodyAsString());
		assertThat(body.at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
		assertThat(body.at("/error/message").asText()).isNotBlank();
		assertThat(this.provider.stats().snapshot().faults(Fault.RATE_LIMIT)).isEqualTo(1);
	}

	@Test
	void answersAnthropicRateLimitWithRetryHints() {
		start(FaultPlan.sequence(Fault.RATE_LIMIT));
		Instant before = Instant.now();
		WebClientResponseException ex = catchThrowableOfType(WebClientResponseException.class,
				() -> post(Endpoint.ANTHROPIC_MESSAGES, true).toBodilessEntity().block(TIMEOUT));
		assertThat(ex.getStatusCode().value()).isEqualTo(429);
		assertThat(ex.getHeaders().getFirst("retry-after")).isEqualTo("1");
		assertThat(ex.getHeaders().getFirst("retry-after-ms")).isEqualTo("1000");
		assertThat(Instant.parse(ex.getHeaders().getFirst("anthropic-ratelimit-requests-reset")))
			.isAfterOrEqualTo(before.plusSeconds(1).minusMillis(before.getNano() / 1_000_000))
			.isBefore(Instant.now().plusSeconds(2));
		JsonNode body = parse(ex.getResponseBodyAsString());
		assertThat(body.path("type").asText()).isEqualTo("error");
		assertThat(body.at("/error/type").asText()).isEqualTo("rate_limit_error");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "OPENAI_CHAT_COMPLETIONS, server_error", "ANTHROPIC_MESSAGES, api_error" })
	void answersUnavailableWith503AndProviderErrorBody(Endpoint endpoint, String errorType) {
		start(FaultPlan.sequence(Fault.UNAVAILABLE));
		WebClientResponseException ex = catchThrowableOfType(WebClientResponseException.class,
				() -> post(endpoint, false).toBodilessEntity().block(TIMEOUT));
		assertThat(ex.getStatusCode().value()).isEqualTo(503);
		assertThat(parse(ex.getResponseBodyAsString()).at("/error/type").asText()).isEqualTo(errorType);
		assertThat(this.provider.stats().snapshot().faults(Fault.UNAVAILABLE)).isEqualTo(1);
	}

	@Test
	void answersAnthropicOverloadWith529() {
		start(FaultPlan.sequence(Fault.OVERLOADED));
		WebClientResponseException ex = catchThrowableOfType(WebClientResponseException.class,
				() -> post(Endpoint.ANTHROPIC_MESSAGES, false).toBodilessEntity().block(TIMEOUT));
		// Spring has no HttpStatus for 529, so WebClient raises its UnknownHttpStatusCodeException subclass.
		assertThat(ex.getStatusCode().value()).isEqualTo(529);
		assertThat(ex.getResponseBodyAsString())
			.isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
		assertThat(this.provider.stats().snapshot().faults(Fault.OVERLOADED)).isEqualTo(1);
	}

	@Test
	void answersOpenAiCompatibleOverloadWith529Too() {
		start(FaultPlan.sequence(Fault.OVERLOADED));
		WebClientResponseException ex = catchThrowableOfType(WebClientResponseException.class,
				() -> post(Endpoint.OPENAI_CHAT_COMPLETIONS, true).toBodilessEntity().block(TIMEOUT));
		assertThat(ex.getStatusCode().value()).isEqualTo(529);
		assertThat(parse(ex.getResponseBodyAsString()).at("/error/type").asText()).isEqualTo("overloaded_error");
	}

	@Test
	void sendsAnthropicErrorEventFirstInA200Stream() {
		start(FaultPlan.sequence(Fault.STREAM_ERROR_EVENT));
		ResponseEntity<List<ServerSentEvent<String>>> response = post(Endpoint.ANTHROPIC_MESSAGES, true)
			.toEntityList(SSE)
			.block(TIMEOUT);
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		assertThat(response.getBody()).singleElement().satisfies((event) -> {
			assertThat(event.event()).isEqualTo("error");
			assertThat(parse(event.data()).path("type").asText()).isEqualTo("error");
			assertThat(parse(event.data()).at("/error/type").asText()).isEqualTo("overloaded_error");
		});
		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.faults(Fault.STREAM_ERROR_EVENT)).isEqualTo(1);
		assertThat(stats.streamResponses()).isZero();
	}

	@Test
	void sendsOpenAiErrorObjectFirstInA200Stream() {
		start(FaultPlan.sequence(Fault.STREAM_ERROR_EVENT));
		StepVerifier.create(post(Endpoint.OPENAI_CHAT_COMPLETIONS, true).bodyToFlux(SSE))
			.assertNext((event) -> {
				assertThat(event.event()).isNull();
				assertThat(parse(event.data()).at("/error/type").asText()).isEqualTo("server_error");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void breaksAnthropicStreamAfterHalfTheContentEvents() {
		start(FaultPlan.sequence(Fault.STREAM_BROKEN));
		List<String> texts = new ArrayList<>();
		StepVerifier.create(post(Endpoint.ANTHROPIC_MESSAGES, true).bodyToFlux(SSE))
			.expectNextMatches((event) -> "message_start".equals(event.event()))
			.expectNextMatches((event) -> "content_block_start".equals(event.event()))
			.expectNextMatches((event) -> "ping".equals(event.event()))
			.recordWith(ArrayList::new)
			.thenConsumeWhile((event) -> "content_block_delta".equals(event.event()),
					(event) -> texts.add(parse(event.data()).at("/delta/text").asText()))
			.expectErrorSatisfies(FakeProviderTests::assertClosedDuringResponse)
			.verify(TIMEOUT);
		assertThat(texts).containsExactly("tok-0 ", "tok-1 ", "tok-2 ", "tok-3 ");
		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.faults(Fault.STREAM_BROKEN)).isEqualTo(1);
		assertThat(stats.streamResponses()).isZero();
	}

	@Test
	void breaksOpenAiStreamAfterHalfTheContentEvents() {
		start(FaultPlan.builder().sequence(Fault.STREAM_BROKEN).streamEvents(6).build());
		List<String> texts = new ArrayList<>();
		StepVerifier.create(post(Endpoint.OPENAI_CHAT_COMPLETIONS, true).bodyToFlux(SSE))
			.expectNextMatches((event) -> parse(event.data()).at("/choices/0/delta/role").asText().equals("assistant"))
			.thenConsumeWhile((event) -> true,
					(event) -> texts.add(parse(event.data()).at("/choices/0/delta/content").asText()))
			.expectErrorSatisfies(FakeProviderTests::assertClosedDuringResponse)
			.verify(TIMEOUT);
		assertThat(texts).containsExactly("tok-0 ", "tok-1 ", "tok-2 ");
	}

	@Test
	void pausesBetweenStreamEvents() {
		start(FaultPlan.builder().streamEvents(4).eventDelay(Duration.ofMillis(40)).build());
		// Role chunk, four content chunks, finish chunk and [DONE]: seven events, six pauses.
		Duration took = StepVerifier.create(post(Endpoint.OPENAI_CHAT_COMPLETIONS, true).bodyToFlux(SSE))
			.expectNextCount(7)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(6 * 40));
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = Fault.class, names = { "STREAM_ERROR_EVENT", "STREAM_BROKEN" })
	void neverGivesStreamFaultsToJsonRequests(Fault streamFault) {
		start(FaultPlan.builder().rate(streamFault, 1.0).build());
		for (Endpoint endpoint : Endpoint.values()) {
			assertThat(post(endpoint, false).toEntity(String.class).block(TIMEOUT).getStatusCode().value())
				.isEqualTo(200);
		}
		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.totalFaults()).isZero();
		assertThat(stats.jsonResponses()).isEqualTo(2);
	}

	@Test
	void countsWhatWasReceivedAndInjectedUntilReset() {
		start(FaultPlan.sequence(Fault.NONE, Fault.RATE_LIMIT, Fault.PREMATURE_CLOSE, Fault.NONE));
		post(Endpoint.OPENAI_CHAT_COMPLETIONS, false).toBodilessEntity().onErrorComplete().block(TIMEOUT);
		post(Endpoint.ANTHROPIC_MESSAGES, false).toBodilessEntity().onErrorComplete().block(TIMEOUT);
		post(Endpoint.OPENAI_CHAT_COMPLETIONS, true).toBodilessEntity().onErrorComplete().block(TIMEOUT);
		post(Endpoint.ANTHROPIC_MESSAGES, true).bodyToFlux(SSE).then().block(TIMEOUT);
		client().post().uri("/v1/unknown").retrieve().toBodilessEntity().onErrorComplete().block(TIMEOUT);

		FakeProviderStats.Snapshot stats = this.provider.stats().snapshot();
		assertThat(stats.received()).isEqualTo(5);
		assertThat(stats.received(Endpoint.OPENAI_CHAT_COMPLETIONS)).isEqualTo(2);
		assertThat(stats.received(Endpoint.ANTHROPIC_MESSAGES)).isEqualTo(2);
		assertThat(stats.faults(Fault.RATE_LIMIT)).isEqualTo(1);
		assertThat(stats.faults(Fault.PREMATURE_CLOSE)).isEqualTo(1);
		assertThat(stats.totalFaults()).isEqualTo(2);
		assertThat(stats.jsonResponses()).isEqualTo(1);
		assertThat(stats.streamResponses()).isEqualTo(1);

		this.provider.stats().reset();
		FakeProviderStats.Snapshot cleared = this.provider.stats().snapshot();
		assertThat(cleared.received()).isZero();
		assertThat(cleared.receivedByEndpoint().values()).containsOnly(0L);
		assertThat(cleared.faults().values()).containsOnly(0L);
		assertThat(cleared.successfulResponses()).isZero();
		assertThat(stats.received()).as("an earlier snapshot does not change").isEqualTo(5);
	}

	@Test
	void rejectsBadRequestsWithoutUsingUpAFault() {
		start(FaultPlan.sequence(Fault.RATE_LIMIT));
		WebClientResponseException badBody = catchThrowableOfType(WebClientResponseException.class,
				() -> client().post()
					.uri(Endpoint.ANTHROPIC_MESSAGES.path())
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("not json")
					.retrieve()
					.toBodilessEntity()
					.block(TIMEOUT));
		assertThat(badBody.getStatusCode().value()).isEqualTo(400);
		assertThat(parse(badBody.getResponseBodyAsString()).at("/error/type").asText())
			.isEqualTo("invalid_request_error");
		WebClientResponseException wrongMethod = catchThrowableOfType(WebClientResponseException.class,
				() -> client().get().uri(Endpoint.ANTHROPIC_MESSAGES.path()).retrieve().toBodilessEntity().block(TIMEOUT));
		assertThat(wrongMethod.getStatusCode().value()).isEqualTo(405);
		WebClientResponseException unknownPath = catchThrowableOfType(WebClientResponseException.class,
				() -> client().post().uri("/v2/messages").retrieve().toBodilessEntity().block(TIMEOUT));
		assertThat(unknownPath.getStatusCode().value()).isEqualTo(404);

		WebClientResponseException scripted = catchThrowableOfType(WebClientResponseException.class,
				() -> post(Endpoint.ANTHROPIC_MESSAGES, false).toBodilessEntity().block(TIMEOUT));
		assertThat(scripted.getStatusCode().value()).isEqualTo(429);
		assertThat(this.provider.stats().snapshot().received()).isEqualTo(4);
	}

	@Test
	void seededPlanInjectsTheSameFaultsOnEveryRun() {
		FaultPlan plan = FaultPlan.builder()
			.seed(2024)
			.rate(Fault.PREMATURE_CLOSE, 0.1)
			.rate(Fault.CONNECTION_RESET, 0.1)
			.rate(Fault.SLOW_FIRST_BYTE, 0.05)
			.rate(Fault.RATE_LIMIT, 0.1)
			.rate(Fault.UNAVAILABLE, 0.05)
			.rate(Fault.OVERLOADED, 0.1)
			.rate(Fault.STREAM_ERROR_EVENT, 0.1)
			.rate(Fault.STREAM_BROKEN, 0.1)
			.slowFirstByte(Duration.ofMillis(10))
			.streamEvents(4)
			.build();
		List<String> firstRun = outcomes(plan, 40);
		FakeProviderStats.Snapshot firstStats = this.provider.stats().snapshot();
		this.provider.close();
		List<String> secondRun = outcomes(plan, 40);

		assertThat(secondRun).isEqualTo(firstRun);
		assertThat(this.provider.stats().snapshot()).isEqualTo(firstStats);
		assertThat(firstStats.totalFaults()).isBetween(10L, 35L);
		assertThat(firstStats.received()).isEqualTo(40);
	}

	@Test
	void comesBackOnTheSamePortAfterClosingSoRefusedClientsMeetItThere() {
		start(FaultPlan.none());
		int port = this.provider.port();
		WebClient client = client();
		this.provider.close();
		Throwable refused = catchThrowableOfType(() -> client.post()
			.uri(Endpoint.OPENAI_CHAT_COMPLETIONS.path())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(requestBody(false))
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT), WebClientRequestException.class);
		assertThat(refused).hasRootCauseInstanceOf(ConnectException.class);

		this.provider = FakeProvider.start(FaultPlan.none(), port);
		assertThat(this.provider.port()).isEqualTo(port);
		String body = client.post()
			.uri(Endpoint.OPENAI_CHAT_COMPLETIONS.path())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(requestBody(false))
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(parse(body).path("object").asText()).isEqualTo("chat.completion");
	}

	@Test
	void rejectsAPortOutOfRange() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FakeProvider.start(FaultPlan.none(), 70000))
			.withMessage("port must be between 0 and 65535 but was 70000");
	}

	/**
	 * Sends requests one at a time, alternating JSON and stream, and describes what each one got.
	 */
	private List<String> outcomes(FaultPlan plan, int requests) {
		start(plan);
		return IntStream.range(0, requests).mapToObj((i) -> {
			Endpoint endpoint = Endpoint.values()[i % 2];
			boolean stream = (i / 2) % 2 == 1;
			Mono<String> answer = stream
					? post(endpoint, true).bodyToFlux(SSE)
						.map((event) -> (event.event() != null) ? event.event() : "data")
						.collect(Collectors.joining(",", "200[", "]"))
					: post(endpoint, false).bodyToMono(String.class).map((body) -> "200[json]");
			return answer
				.onErrorResume(WebClientResponseException.class,
						(ex) -> Mono.just(ex.getStatusCode().value() + "/"
								+ ((ex.getCause() != null) ? ex.getCause().getClass().getSimpleName() : "")))
				.onErrorResume(WebClientRequestException.class,
						(ex) -> Mono.just(ex.getCause().getClass().getSimpleName()))
				.block(TIMEOUT);
		}).toList();
	}

	private static void assertClosedDuringResponse(Throwable ex) {
		// The headers said 200, so WebClient reports the cut body as a response exception.
		assertThat(ex).isInstanceOf(WebClientResponseException.class);
		assertThat(((WebClientResponseException) ex).getStatusCode().value()).isEqualTo(200);
		assertThat(ex).cause()
			.isInstanceOf(PrematureCloseException.class)
			.hasMessage("Connection prematurely closed DURING response");
	}

	private void start(FaultPlan plan) {
		this.provider = FakeProvider.start(plan);
	}

	private WebClient client() {
		return WebClient.create(this.provider.baseUrl());
	}

	private WebClient.ResponseSpec post(Endpoint endpoint, boolean stream) {
		return client().post()
			.uri(endpoint.path())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(requestBody(stream))
			.retrieve();
	}

	private static String requestBody(boolean stream) {
		return "{\"model\":\"test-model\",\"max_tokens\":64,\"stream\":" + stream
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Count for me\"}]}";
	}

	private static String tokens(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "tok-" + i + " ").collect(Collectors.joining());
	}

	private JsonNode parse(String body) {
		try {
			return this.json.readTree(body);
		}
		catch (JsonProcessingException ex) {
			throw new AssertionError("Not JSON: " + body, ex);
		}
	}

}
