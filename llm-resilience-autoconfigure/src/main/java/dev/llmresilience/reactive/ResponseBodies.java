package dev.llmresilience.reactive;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.llmresilience.call.BodyShape;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
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
	 * Read a response's whole body, if it is no longer than {@code limit} bytes, and return the response
	 * with the body in memory (on the heap, so an unread body holds no pooled buffer). A longer body is
	 * handed over as it comes, unchecked: failing it would be worse than no starter.
	 * @param response the response
	 * @param limit the most bytes to hold
	 * @param json whether the body is JSON, to be checked for an early end
	 * @param truncated the failure to raise for a JSON body that ends early
	 * @return the response with its complete body, or with its body as it comes
	 */
	static Mono<ClientResponse> buffer(ClientResponse response, int limit, boolean json,
			Supplier<? extends RuntimeException> truncated) {
		PastLimit pastLimit = new PastLimit(limit);
		return response.body(BodyExtractors.toDataBuffers())
			// one list at the end of a body within the limit, or once the limit is passed
			.bufferUntil(pastLimit)
			// cancelSourceOnComplete=false: a body past the limit stays subscribed, for the caller
			.switchOnFirst((first, body) -> {
				if (first.isOnError()) {
					return Flux.error(first.getThrowable());
				}
				if (!first.hasValue()) {
					return Flux.just(withBody(response, Flux.empty()));
				}
				if (pastLimit.passed()) {
					// the head, then the rest of the same body; each list's buffers as they came
					return Flux.just(withBody(response, body.concatMapIterable(Function.identity())));
				}
				// the connector's own factory wraps the heap copy without pooling it (Netty's wraps an
				// unpooled buffer), and its decoders then take a single buffer as it is instead of copying it
				DataBufferFactory factory = first.get().get(0).factory();
				byte[] bytes = copy(first.get());
				if (json && BodyShape.endsEarly(bytes)) {
					return Flux.error(truncated.get());
				}
				return Flux.just(withBody(response, Flux.just(factory.wrap(bytes))));
			}, false)
			.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
			.single();
	}

	// copies the buffers and releases them
	private static byte[] copy(List<DataBuffer> buffers) {
		int size = 0;
		for (DataBuffer buffer : buffers) {
			size += buffer.readableByteCount();
		}
		byte[] bytes = new byte[size];
		int offset = 0;
		for (DataBuffer buffer : buffers) {
			int length = buffer.readableByteCount();
			buffer.read(bytes, offset, length);
			offset += length;
			DataBufferUtils.release(buffer);
		}
		return bytes;
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
	 * Tells {@code bufferUntil} when a body has passed the limit: buffers are gathered until then, and
	 * each later buffer passes on its own.
	 */
	private static final class PastLimit implements Predicate<DataBuffer> {

		private final int limit;

		private long bytes;

		private volatile boolean passed;

		PastLimit(int limit) {
			this.limit = limit;
		}

		@Override
		public boolean test(DataBuffer buffer) {
			if (!this.passed) {
				this.bytes += buffer.readableByteCount();
				this.passed = this.bytes > this.limit;
			}
			return this.passed;
		}

		boolean passed() {
			return this.passed;
		}

	}

}
