package dev.llmresilience.reactive;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.llmresilience.call.AttemptFailedException;
import dev.llmresilience.call.CallState;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.StreamInterruptedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Lets a streamed (server-sent events) response be retried until it is committed to the caller, and
 * never after: an attempt succeeds only once the stream's first event has arrived and is no error,
 * and a stream that breaks later ends in a {@link StreamInterruptedException} instead of a replay.
 * <p>
 * Before the first event, a dropped connection, a stall longer than the response timeout or an error
 * event ({@code overloaded_error} and the like) fail the attempt inside the Retry and CircuitBreaker
 * operators, so they are retried like any other failure. The first event is held back, not parsed
 * away: the caller's body is that event's bytes followed by the rest of the same upstream body. Since
 * the attempt completes at the first event, the breaker's slow-call judgement measures the time to
 * the first event, not the length of a healthy generation.
 */
final class StreamGuard {

	private static final Log logger = LogFactory.getLog(StreamGuard.class);

	/** Bytes read while waiting for the first event; a longer first event is handed over uninspected. */
	static final int MAX_FIRST_EVENT_BYTES = 1024 * 1024;

	/** Bytes of the first chunk decoded to read its first event; an error event is far shorter. */
	private static final int FIRST_EVENT_SCAN_BYTES = 64 * 1024;

	private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

	private final ProviderResilience provider;

	StreamGuard(ProviderResilience provider) {
		this.provider = provider;
	}

	/**
	 * Return whether a response is a stream of server-sent events that reached its body.
	 * @param status the response's status
	 * @param type the response's content type, or {@code null}
	 * @return whether to guard it
	 */
	static boolean isEventStream(HttpStatusCode status, MediaType type) {
		return status.is2xxSuccessful() && type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
	}

	/**
	 * Wait for a stream's first event and hand the stream over once it is there and is no error.
	 * @param response the streamed response, its body not yet read
	 * @param call the call: its attempt's start (the response timeout counts from it) and attempts made
	 * @param failed turns a retryable error event into the error the Retry operator reads
	 * @return the response, whose body replays nothing and ends in a {@link StreamInterruptedException}
	 * if it breaks; or an error if the stream failed before its first event
	 */
	Mono<ClientResponse> awaitFirstEvent(ClientResponse response, CallState call,
			Function<Failure, Throwable> failed) {
		Instant attemptStarted = call.attemptStarted();
		Duration timeout = max(this.provider.policy().timeouts().response().minus(elapsedSince(attemptStarted)),
				MIN_TIMEOUT);
		return response.bodyToFlux(DataBuffer.class)
			.bufferUntil(new FirstEventBoundary())
			.map(StreamGuard::join)
			// cancelSourceOnComplete=false: the body stays subscribed after the attempt completes, for the
			// caller, who receives the first chunk (held here) and then the rest of the same body
			.switchOnFirst((first, body) -> {
				if (first.isOnError()) {
					return Flux.error(first.getThrowable());
				}
				Failure failure = first.hasValue() ? errorIn(first.get()) : null;
				if (failure != null && failure.isRetryable()) {
					// failing here cancels the body (closing the connection) and discards the first chunk
					return Flux.error(failed.apply(failure));
				}
				// the attempt's outcome is reported once: a non-retryable error event now, otherwise when the
				// stream ends (completed or cancelled: success; broken: interrupted)
				AtomicBoolean reported = new AtomicBoolean(failure != null);
				if (failure == null) {
					this.provider.planner().onSuccess();
				}
				else {
					this.provider.observer().onAttempt(this.provider.name(), failure, false);
				}
				return Flux.just(committed(response, body, elapsedSince(attemptStarted), call, reported));
			}, false)
			.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
			.single()
			.timeout(timeout);
	}

	private Failure errorIn(DataBuffer chunk) {
		String text = chunk.toString(chunk.readPosition(), Math.min(chunk.readableByteCount(), FIRST_EVENT_SCAN_BYTES),
				StandardCharsets.UTF_8);
		SseEvent event = SseEvent.first(text);
		return (event != null)
				? this.provider.classifier().classifyStreamEvent(event.type(), event.data(), ProviderResilience.now())
				: null;
	}

	private ClientResponse committed(ClientResponse response, Flux<DataBuffer> body, Duration timeToFirstEvent,
			CallState call, AtomicBoolean reported) {
		SseEventScanner delivered = new SseEventScanner();
		Duration idle = this.provider.policy().timeouts().streamIdle();
		Runnable succeeded = () -> {
			if (reported.compareAndSet(false, true)) {
				this.provider.observer().onAttempt(this.provider.name(), null, false);
			}
		};
		Flux<DataBuffer> guarded = body.timeout(idle)
			.doOnNext(delivered::scan)
			.doOnComplete(succeeded)
			.doOnCancel(succeeded)
			.onErrorMap((ex) -> interrupted(ex, idle, delivered.events(), timeToFirstEvent, call.attempts(),
					reported));
		AtomicBoolean subscribed = new AtomicBoolean();
		// WebClient may subscribe again to release a body it saw fail; that must not count as a second break
		Flux<DataBuffer> once = Flux.defer(() -> subscribed.compareAndSet(false, true) ? guarded
				: Flux.error(new IllegalStateException("The body of a stream can be consumed only once")));
		// the original body is consumed above: mutate() keeps status, headers, cookies and request, and
		// its unsubscribed view of the original body is dropped for the guarded one
		return response.mutate().body((original) -> once).build();
	}

	private StreamInterruptedException interrupted(Throwable ex, Duration idle, long eventsDelivered,
			Duration timeToFirstEvent, int attempts, AtomicBoolean reported) {
		String reason = (ex instanceof TimeoutException) ? "no data for " + idle.toMillis() + " ms"
				: this.provider.classifier().classify(ex).cause();
		StreamInterruptedException interrupted = new StreamInterruptedException(this.provider.name(), attempts,
				eventsDelivered, reason, ex);
		Failure failure = interrupted.getLastFailure();
		// The breaker recorded this attempt as a success when its first event came; the break is recorded
		// as a failure of its own, timed to the first event like the success so that it is never slow.
		// It is wrapped like every failure the breaker's record predicate counts.
		this.provider.circuitBreaker()
			.onError(timeToFirstEvent.toNanos(), TimeUnit.NANOSECONDS,
					new AttemptFailedException(failure, RetryDecision.stop(RetryDecision.Verdict.FATAL), ex));
		if (reported.compareAndSet(false, true)) {
			this.provider.observer().onAttempt(this.provider.name(), failure, false);
		}
		if (logger.isWarnEnabled()) {
			logger.warn("LLM provider '%s': stream interrupted (%s) after %d event(s) reached the caller; not replayed"
				.formatted(this.provider.name(), reason, eventsDelivered));
		}
		return interrupted;
	}

	private static DataBuffer join(List<DataBuffer> buffers) {
		return (buffers.size() == 1) ? buffers.get(0) : buffers.get(0).factory().join(buffers);
	}

	private static Duration elapsedSince(Instant start) {
		return Duration.between(start, ProviderResilience.now());
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/**
	 * Tells {@code bufferUntil} where the first event ends: buffers are gathered until one completes
	 * an event, and each later buffer passes on its own.
	 */
	private static final class FirstEventBoundary implements Predicate<DataBuffer> {

		private final SseEventScanner scanner = new SseEventScanner();

		private long bytes;

		private boolean found;

		@Override
		public boolean test(DataBuffer buffer) {
			if (!this.found) {
				this.bytes += buffer.readableByteCount();
				this.found = this.scanner.scan(buffer) > 0 || this.bytes >= MAX_FIRST_EVENT_BYTES;
			}
			return this.found;
		}

	}

	/**
	 * One server-sent event's type and data.
	 *
	 * @param type the {@code event} field, or {@code null}
	 * @param data the {@code data} fields joined with {@code \n}
	 */
	record SseEvent(String type, String data) {

		/**
		 * Read the first event of a stream's text, following the WHATWG "Server-sent events" parsing
		 * rules for the two fields read; comment lines are skipped.
		 * @param text the start of the stream
		 * @return the first event, or {@code null} when the text holds no field
		 */
		static SseEvent first(String text) {
			String type = null;
			StringBuilder data = null;
			boolean hasField = false;
			int start = 0;
			while (start < text.length()) {
				int end = start;
				while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
					end++;
				}
				String line = text.substring(start, end);
				start = (end + 1 < text.length() && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n') ? end + 2
						: end + 1;
				if (line.isEmpty()) {
					if (hasField) {
						break;
					}
					continue;
				}
				if (line.charAt(0) == ':') {
					continue;
				}
				hasField = true;
				int colon = line.indexOf(':');
				String name = (colon >= 0) ? line.substring(0, colon) : line;
				String value = (colon >= 0) ? line.substring(colon + 1) : "";
				if (value.startsWith(" ")) {
					value = value.substring(1);
				}
				if ("event".equals(name)) {
					type = value;
				}
				else if ("data".equals(name)) {
					data = (data != null) ? data.append('\n').append(value) : new StringBuilder(value);
				}
			}
			return hasField ? new SseEvent(type, (data != null) ? data.toString() : "") : null;
		}

	}

}
