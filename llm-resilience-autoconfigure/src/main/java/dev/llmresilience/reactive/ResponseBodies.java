package dev.llmresilience.reactive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Reads non-streaming response bodies to their end inside the retry scope, so a body cut off part-way
 * is retried instead of reaching the caller as a decoding error.
 */
final class ResponseBodies {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("com.fasterxml.jackson.core.JsonFactory",
			ResponseBodies.class.getClassLoader());

	private ResponseBodies() {
	}

	/**
	 * Return whether a response is a stream whose body must not be buffered.
	 * @param response the response
	 * @return whether it streams
	 */
	static boolean isStream(ClientResponse response) {
		MediaType type = response.headers().contentType().orElse(null);
		return type != null && (MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)
				|| MediaType.APPLICATION_NDJSON.isCompatibleWith(type)
				|| "application/stream+json".equalsIgnoreCase(type.getType() + "/" + type.getSubtype()));
	}

	/**
	 * Read a response's whole body, at most {@code limit} bytes, and return the response with the body
	 * in memory (on the heap, so an unread body holds no pooled buffer).
	 * @param response the response
	 * @param limit the most bytes to hold
	 * @return the response with its complete body
	 */
	static Mono<ClientResponse> buffer(ClientResponse response, int limit) {
		return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), limit)
			.map((joined) -> {
				byte[] bytes = new byte[joined.readableByteCount()];
				joined.read(bytes);
				DataBufferUtils.release(joined);
				if (isJson(response) && JsonCompleteness.endsEarly(bytes)) {
					throw new TruncatedBodyException();
				}
				return response.mutate()
					.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)))
					.build();
			})
			.switchIfEmpty(Mono.fromSupplier(() -> response.mutate().body(Flux.<DataBuffer>empty()).build()));
	}

	/**
	 * Read an error body as text, at most {@code limit} bytes; an unreadable body reads as empty.
	 * @param response the response
	 * @param limit the most bytes to read
	 * @return the body
	 */
	static Mono<String> text(ClientResponse response, int limit) {
		return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), limit)
			.map((joined) -> {
				String text = joined.toString(StandardCharsets.UTF_8);
				DataBufferUtils.release(joined);
				return text;
			})
			.defaultIfEmpty("");
	}

	private static boolean isJson(ClientResponse response) {
		MediaType type = response.headers().contentType().orElse(null);
		return JACKSON_PRESENT && type != null && type.getSubtype().toLowerCase().endsWith("json");
	}

	/**
	 * Finds JSON documents that end before their structure closes: the mark of a body cut off while
	 * the framing (a Content-Length, a final chunk) still looked complete. Loaded only with Jackson.
	 */
	private static final class JsonCompleteness {

		private static final JsonFactory JSON = new JsonFactory();

		static boolean endsEarly(byte[] body) {
			try (JsonParser parser = JSON.createParser(body)) {
				while (parser.nextToken() != null) {
					// reading every token is what finds the early end
				}
				return false;
			}
			catch (JsonEOFException ex) {
				return true;
			}
			catch (IOException ex) {
				// malformed rather than cut off: the caller's decoder reports it
				return false;
			}
		}

	}

	/**
	 * A JSON body that ended before its structure closed.
	 */
	static final class TruncatedBodyException extends RuntimeException {

		TruncatedBodyException() {
			super("Response body ended before its JSON structure closed", null, false, false);
		}

	}

}
