package dev.llmresilience.benchmarks;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A call the harness gave up on because it outlived every deadline its client had: the guard that keeps a run
 * bounded even when a client under test never ends a call. Counted, never hidden.
 */
final class StuckCallException extends RuntimeException {

	StuckCallException(Duration guard) {
		super("Call still running after " + guard.toMillis() + " ms; the harness cancelled it", null, false, false);
	}

	static <T> Mono<T> guard(Mono<T> call, Duration guard) {
		return call.timeout(guard, Mono.error(() -> new StuckCallException(guard)));
	}

	/**
	 * Bounds a whole stream, not the gap between two of its events: each event re-arms the timer with what is
	 * left of the guard.
	 */
	static <T> Flux<T> guard(Flux<T> call, Duration guard) {
		return Flux.defer(() -> {
			long deadline = System.nanoTime() + guard.toNanos();
			return call.timeout(Mono.delay(guard),
					(event) -> Mono.delay(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))),
					Flux.error(() -> new StuckCallException(guard)));
		});
	}

}
