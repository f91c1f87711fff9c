package dev.llmresilience.fakeprovider;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Anthropic's messages: {@code message} objects, named stream events from {@code message_start} to
 * {@code message_stop}, and {@code {"type":"error","error":{...}}} bodies.
 */
final class AnthropicDialect extends Dialect {

	AnthropicDialect(ObjectMapper json) {
		super(json);
	}

	@Override
	String requestIdHeader() {
		return "request-id";
	}

	@Override
	String id(long requestNumber) {
		return "msg_fake" + requestNumber;
	}

	@Override
	String completion(Answer answer, long created) {
		ObjectNode message = message(answer);
		ObjectNode text = message.putArray("content").addObject();
		text.put("type", "text");
		text.put("text", answer.text());
		message.put("stop_reason", "end_turn");
		message.putNull("stop_sequence");
		ObjectNode usage = message.putObject("usage");
		usage.put("input_tokens", answer.inputTokens());
		usage.put("output_tokens", answer.tokens().size());
		return write(message);
	}

	@Override
	List<String> streamPrologue(Answer answer, long created) {
		ObjectNode start = object();
		start.put("type", "message_start");
		ObjectNode message = message(answer);
		message.putArray("content");
		message.putNull("stop_reason");
		message.putNull("stop_sequence");
		ObjectNode usage = message.putObject("usage");
		usage.put("input_tokens", answer.inputTokens());
		usage.put("output_tokens", 1);
		start.set("message", message);

		ObjectNode blockStart = object();
		blockStart.put("type", "content_block_start");
		blockStart.put("index", 0);
		ObjectNode block = blockStart.putObject("content_block");
		block.put("type", "text");
		block.put("text", "");

		ObjectNode ping = object();
		ping.put("type", "ping");
		return List.of(event("message_start", write(start)), event("content_block_start", write(blockStart)),
				event("ping", write(ping)));
	}

	@Override
	String contentEvent(Answer answer, long created, int index) {
		ObjectNode root = object();
		root.put("type", "content_block_delta");
		root.put("index", 0);
		ObjectNode delta = root.putObject("delta");
		delta.put("type", "text_delta");
		delta.put("text", answer.tokens().get(index));
		return event("content_block_delta", write(root));
	}

	@Override
	List<String> streamEpilogue(Answer answer, long created) {
		ObjectNode blockStop = object();
		blockStop.put("type", "content_block_stop");
		blockStop.put("index", 0);

		ObjectNode messageDelta = object();
		messageDelta.put("type", "message_delta");
		ObjectNode delta = messageDelta.putObject("delta");
		delta.put("stop_reason", "end_turn");
		delta.putNull("stop_sequence");
		messageDelta.putObject("usage").put("output_tokens", answer.tokens().size());

		ObjectNode stop = object();
		stop.put("type", "message_stop");
		return List.of(event("content_block_stop", write(blockStop)), event("message_delta", write(messageDelta)),
				event("message_stop", write(stop)));
	}

	@Override
	String streamError() {
		// Anthropic reports overload inside an already-started 200 stream this way.
		return event("error", write(errorNode("overloaded_error", "Overloaded")));
	}

	@Override
	String error(int status, String message) {
		return write(switch (status) {
			case 429 -> errorNode("rate_limit_error",
					(message != null) ? message : "Number of requests has exceeded your rate limit");
			case 503 -> errorNode("api_error", (message != null) ? message : "Service unavailable");
			case 529 -> errorNode("overloaded_error", (message != null) ? message : "Overloaded");
			case 404 -> errorNode("not_found_error", message);
			default -> errorNode("invalid_request_error", message);
		});
	}

	@Override
	void rateLimitHeaders(HttpHeaders headers, Duration wait, Instant now) {
		headers.set("anthropic-ratelimit-requests-limit", "60");
		headers.set("anthropic-ratelimit-requests-remaining", "0");
		// RFC 3339 in whole seconds as Anthropic sends it, rounded up so the reset is never earlier than the wait.
		Instant reset = now.plus(wait);
		Instant wholeSeconds = reset.truncatedTo(ChronoUnit.SECONDS);
		headers.set("anthropic-ratelimit-requests-reset",
				(wholeSeconds.isBefore(reset) ? wholeSeconds.plusSeconds(1) : wholeSeconds).toString());
	}

	private ObjectNode message(Answer answer) {
		ObjectNode message = object();
		message.put("id", answer.id());
		message.put("type", "message");
		message.put("role", "assistant");
		message.put("model", answer.model());
		return message;
	}

	private ObjectNode errorNode(String type, String message) {
		ObjectNode root = object();
		root.put("type", "error");
		ObjectNode error = root.putObject("error");
		error.put("type", type);
		error.put("message", message);
		return root;
	}

}
