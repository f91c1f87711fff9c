package dev.llmresilience.fakeprovider;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * How one provider API words its answers, errors and hints; the fake's behaviour is the same for all of them.
 */
abstract class Dialect {

	protected final ObjectMapper json;

	Dialect(ObjectMapper json) {
		this.json = json;
	}

	abstract String requestIdHeader();

	abstract String id(long requestNumber);

	abstract String completion(Answer answer, long created);

	abstract List<String> streamPrologue(Answer answer, long created);

	abstract String contentEvent(Answer answer, long created, int index);

	abstract List<String> streamEpilogue(Answer answer, long created);

	abstract String streamError();

	abstract String error(int status, String message);

	/**
	 * Adds the provider's own rate-limit headers; {@code retry-after} and {@code retry-after-ms} are set by the
	 * caller since both providers send them.
	 */
	abstract void rateLimitHeaders(HttpHeaders headers, Duration wait, Instant now);

	protected ObjectNode object() {
		return this.json.createObjectNode();
	}

	protected String write(ObjectNode node) {
		try {
			return this.json.writeValueAsString(node);
		}
		catch (JsonProcessingException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	protected static String event(String name, String data) {
		return "event: " + name + "\ndata: " + data + "\n\n";
	}

	protected static String data(String data) {
		return "data: " + data + "\n\n";
	}

}
