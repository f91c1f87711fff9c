package dev.llmresilience.fakeprovider;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * OpenAI's chat completions: {@code chat.completion} objects, {@code chat.completion.chunk} events ended by
 * {@code [DONE]}, and {@code {"error":{...}}} bodies.
 */
final class OpenAiDialect extends Dialect {

	private static final String FINGERPRINT = "fp_fake";

	OpenAiDialect(ObjectMapper json) {
		super(json);
	}

	@Override
	String requestIdHeader() {
		return "x-request-id";
	}

	@Override
	String id(long requestNumber) {
		return "chatcmpl-fake" + requestNumber;
	}

	@Override
	String completion(Answer answer, long created) {
		ObjectNode root = header(answer, created, "chat.completion");
		ObjectNode choice = root.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		message.put("content", answer.text());
		message.putNull("refusal");
		choice.putNull("logprobs");
		choice.put("finish_reason", "stop");
		ObjectNode usage = root.putObject("usage");
		usage.put("prompt_tokens", answer.inputTokens());
		usage.put("completion_tokens", answer.tokens().size());
		usage.put("total_tokens", answer.inputTokens() + answer.tokens().size());
		return write(root);
	}

	@Override
	List<String> streamPrologue(Answer answer, long created) {
		// OpenAI opens every stream with a chunk that carries the role and empty content.
		ObjectNode delta = object();
		delta.put("role", "assistant");
		delta.put("content", "");
		delta.putNull("refusal");
		return List.of(data(chunk(answer, created, delta, null)));
	}

	@Override
	String contentEvent(Answer answer, long created, int index) {
		ObjectNode delta = object();
		delta.put("content", answer.tokens().get(index));
		return data(chunk(answer, created, delta, null));
	}

	@Override
	List<String> streamEpilogue(Answer answer, long created) {
		return List.of(data(chunk(answer, created, object(), "stop")), data("[DONE]"));
	}

	@Override
	String streamError() {
		// What OpenAI and compatible hosts put in the stream when generation fails after the 200 was sent.
		return data(write(errorNode("The server had an error while processing your request. Sorry about that!",
				"server_error", null)));
	}

	@Override
	String error(int status, String message) {
		return write(switch (status) {
			case 429 -> errorNode((message != null) ? message : "Rate limit reached for requests", "requests",
					"rate_limit_exceeded");
			case 503 -> errorNode((message != null) ? message
					: "The engine is currently overloaded, please try again later", "server_error", null);
			// 529 is Anthropic's; OpenAI-compatible hosts get it too so one demo covers both protocols.
			case 529 -> errorNode((message != null) ? message : "Overloaded", "overloaded_error", null);
			default -> errorNode(message, "invalid_request_error", null);
		});
	}

	@Override
	void rateLimitHeaders(HttpHeaders headers, Duration wait, Instant now) {
		headers.set("x-ratelimit-limit-requests", "60");
		headers.set("x-ratelimit-remaining-requests", "0");
		headers.set("x-ratelimit-reset-requests", goDuration(wait));
	}

	private ObjectNode header(Answer answer, long created, String object) {
		ObjectNode root = object();
		root.put("id", answer.id());
		root.put("object", object);
		root.put("created", created);
		root.put("model", answer.model());
		root.put("system_fingerprint", FINGERPRINT);
		return root;
	}

	private String chunk(Answer answer, long created, ObjectNode delta, String finishReason) {
		ObjectNode root = header(answer, created, "chat.completion.chunk");
		ObjectNode choice = root.putArray("choices").addObject();
		choice.put("index", 0);
		choice.set("delta", delta);
		choice.putNull("logprobs");
		choice.put("finish_reason", finishReason);
		return write(root);
	}

	private ObjectNode errorNode(String message, String type, String code) {
		ObjectNode root = object();
		ObjectNode error = root.putObject("error");
		error.put("message", message);
		error.put("type", type);
		error.putNull("param");
		error.put("code", code);
		return root;
	}

	/**
	 * Formats a duration the way OpenAI's reset headers do, Go's {@code time.Duration} style: "20ms", "1s",
	 * "1.5s", "6m0s", "1h0m0s".
	 */
	static String goDuration(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		long hours = millis / 3_600_000;
		long minutes = (millis % 3_600_000) / 60_000;
		String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString() + "s";
		if (hours > 0) {
			return hours + "h" + minutes + "m" + seconds;
		}
		return (minutes > 0) ? minutes + "m" + seconds : seconds;
	}

}
