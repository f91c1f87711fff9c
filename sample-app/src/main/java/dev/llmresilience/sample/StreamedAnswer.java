package dev.llmresilience.sample;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmresilience.core.Protocol;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The text of a streamed answer, put together event by event; knows each dialect's content, error and end events.
 */
final class StreamedAnswer {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Protocol protocol;

	private final StringBuilder text = new StringBuilder();

	private boolean finished;

	StreamedAnswer(Protocol protocol) {
		this.protocol = protocol;
	}

	StreamedAnswer add(ServerSentEvent<String> event) {
		if (this.protocol == Protocol.ANTHROPIC) {
			addAnthropic(event);
		}
		else {
			addOpenAi(event);
		}
		return this;
	}

	String text() {
		if (!this.finished) {
			throw new IncompleteAnswerException("the stream ended before its end event");
		}
		return this.text.toString();
	}

	private void addAnthropic(ServerSentEvent<String> event) {
		String name = String.valueOf(event.event());
		switch (name) {
			case "error" -> throw new StreamErrorEventException(parse(event).at("/error/type").asText());
			case "content_block_delta" -> this.text.append(parse(event).at("/delta/text").asText());
			case "message_stop" -> this.finished = true;
			default -> {
				// message_start, ping, content_block_stop, message_delta: nothing to read for the text
			}
		}
	}

	private void addOpenAi(ServerSentEvent<String> event) {
		if ("[DONE]".equals(event.data())) {
			this.finished = true;
			return;
		}
		JsonNode chunk = parse(event);
		// OpenAI-compatible hosts report a failure inside a 200 stream as a chunk with an error object.
		if (chunk.has("error")) {
			throw new StreamErrorEventException(chunk.at("/error/type").asText(chunk.at("/error/code").asText()));
		}
		JsonNode content = chunk.at("/choices/0/delta/content");
		if (content.isTextual()) {
			this.text.append(content.asText());
		}
	}

	private static JsonNode parse(ServerSentEvent<String> event) {
		try {
			return JSON.readTree((event.data() != null) ? event.data() : "{}");
		}
		catch (JsonProcessingException ex) {
			throw new IncompleteAnswerException("a stream event is not JSON");
		}
	}

}
