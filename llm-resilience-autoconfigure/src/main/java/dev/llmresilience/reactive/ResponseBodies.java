package dev.llmresilience.reactive;

import java.nio.charset.StandardCharsets;

import dev.llmresilience.call.BodyShape;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Reads non-streaming response bodies to their end inside the retry scope, so a body cut off part-way
 * is retried instead of reaching the caller as a decoding error.
 */
final class ResponseBodies {

	private ResponseBodies() {
	}

	/**
	 * Read a response's whole body, at most {@code limit} bytes, and return the response with the body
	 * in memory (on the heap, so an unread body holds no pooled buffer).
	 * @param response the response
	 * @param limit the most bytes to hold
	 * @param json whether the body is JSON, to be checked for an early end
	 * @return the response with its complete body
	 */
	static Mono<ClientResponse> buffer(ClientResponse response, int limit, boolean json) {
		return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), limit)
			.map((joined) -> {
				byte[] bytes = new byte[joined.readableByteCount()];
				joined.read(bytes);
				// the connector's own factory wraps the heap copy without pooling it (Netty's wraps an unpooled
				// buffer), and its decoders then take a single buffer as it is instead of copying it again
				DataBuffer copy = joined.factory().wrap(bytes);
				DataBufferUtils.release(joined);
				if (json && BodyShape.endsEarly(bytes)) {
					throw new TruncatedBodyException();
				}
				return withBody(response, Flux.just(copy));
			})
			.switchIfEmpty(Mono.fromSupplier(() -> withBody(response, Flux.empty())));
	}

	/**
	 * Return a response like the given one with another body. Unlike {@code mutate()}, it neither
	 * subscribes to the original body again to release it (it has been read) nor describes it.
	 */
	private static ClientResponse withBody(ClientResponse response, Flux<DataBuffer> body) {
		return ClientResponse.create(response.statusCode(), response.strategies())
			.headers((headers) -> headers.addAll(response.headers().asHttpHeaders()))
			.cookies((cookies) -> cookies.addAll(response.cookies()))
			.request(response.request())
			.body(body)
			.build();
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
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(""))
			.defaultIfEmpty("");
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
