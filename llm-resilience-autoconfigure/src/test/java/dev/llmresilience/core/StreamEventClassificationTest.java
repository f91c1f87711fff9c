package dev.llmresilience.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class StreamEventClassificationTest {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private final FailureClassifier classifier = new FailureClassifier(Set.of(408, 429, 500, 502, 503, 504, 529));

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			anthropic overloaded_error | error | {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}} | STREAM_ERROR
			anthropic api_error | error | {"type":"error","error":{"type":"api_error","message":"Internal server error"}} | STREAM_ERROR
			anthropic rate_limit_error | error | {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}} | STREAM_ERROR
			anthropic invalid_request_error | error | {"type":"error","error":{"type":"invalid_request_error","message":"bad"}} | FATAL
			anthropic authentication_error | error | {"type":"error","error":{"type":"authentication_error","message":"key"}} | FATAL
			anthropic credit balance | error | {"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low"}} | FATAL
			openai server_error chunk | | {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}} | STREAM_ERROR
			openai rate limit chunk | | {"error":{"message":"Rate limit reached","type":"tokens","param":null,"code":"rate_limit_exceeded"}} | STREAM_ERROR
			openai insufficient_quota | | {"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}} | FATAL
			openai context_length_exceeded | | {"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}} | FATAL
			host with numeric code 503 | | {"error":{"code":503,"message":"upstream unavailable"}} | STREAM_ERROR
			host with quoted code 502 | | {"error":{"code":"502","message":"bad gateway"}} | STREAM_ERROR
			host with numeric code 400 | | {"error":{"code":400,"message":"bad"}} | FATAL
			openrouter chunk with error | | {"id":"gen-1","object":"chat.completion.chunk","error":{"code":"server_error","message":"x"}} | STREAM_ERROR
			unknown error type | error | {"type":"error","error":{"type":"something_new","message":"?"}} | STREAM_ERROR
			error as a string | | {"error":"upstream failed"} | STREAM_ERROR
			error event without json | error | oops | STREAM_ERROR
			""")
	void classifiesErrorEvents(String shape, String event, String data, FailureKind kind) {
		Failure failure = this.classifier.classifyStreamEvent(event, data, NOW);
		assertThat(failure).isNotNull();
		assertThat(failure.kind()).isEqualTo(kind);
		assertThat(failure.status()).isZero();
		assertThat(failure.cause()).isEqualTo((kind == FailureKind.STREAM_ERROR) ? "stream_error" : "fatal");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			anthropic message_start | message_start | {"type":"message_start","message":{"id":"msg_1","content":[]}}
			anthropic ping | ping | {"type": "ping"}
			openai content chunk | | {"id":"c1","choices":[{"index":0,"delta":{"content":"t"}}]}
			content that quotes an error key | | {"choices":[{"delta":{"content":"{\\"error\\": {\\"type\\": \\"api_error\\"}}"}}]}
			error field that is null | | {"id":"c1","error":null,"choices":[]}
			openai done marker | | [DONE]
			""")
	void doesNotMistakeContentForAnError(String shape, String event, String data) {
		assertThat(this.classifier.classifyStreamEvent(event, data, NOW)).isNull();
	}

	@Test
	void judgesAnErrorEventByTheConfiguredStatuses() {
		FailureClassifier without529 = new FailureClassifier(Set.of(503));
		String overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
		assertThat(without529.classifyStreamEvent("error", overloaded, NOW).kind()).isEqualTo(FailureKind.FATAL);
		assertThat(this.classifier.classifyStreamEvent("error", overloaded, NOW).kind())
			.isEqualTo(FailureKind.STREAM_ERROR);
	}

	@Test
	void readsAWaitStatedInTheErrorEvent() {
		Failure failure = this.classifier.classifyStreamEvent(null,
				"{\"error\":{\"message\":\"Rate limit reached. Please try again in 1.5s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
				NOW);
		assertThat(failure.kind()).isEqualTo(FailureKind.STREAM_ERROR);
		assertThat(failure.hints().retryAfter()).contains(Duration.ofMillis(1500));
	}

}
