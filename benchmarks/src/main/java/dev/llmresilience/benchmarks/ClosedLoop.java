package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps a fixed number of calls in flight, each worker starting its next call when its last one ends, until a
 * time or a count runs out; calls started are never cancelled, so every one ends on its own.
 */
final class ClosedLoop {

	/** How long after its end a loop may take to drain before it is reported as stuck. */
	private static final Duration DRAIN = Duration.ofSeconds(60);

	private ClosedLoop() {
	}

	/**
	 * Runs the loop.
	 * @param concurrency calls in flight
	 * @param length how long new calls are started
	 * @param maxCalls the most calls started in all
	 * @param call starts call number {@code n}; must end without error
	 * @return the calls started
	 */
	static long run(int concurrency, Duration length, long maxCalls, LongFunction<Mono<Void>> call) {
		Long started = start(concurrency, length, maxCalls, call).block(length.plus(DRAIN));
		return (started != null) ? started : 0;
	}

	/**
	 * Starts the loop when subscribed, for a caller that does something else while it runs.
	 * @return the calls started, once the last one has ended
	 */
	static Mono<Long> start(int concurrency, Duration length, long maxCalls, LongFunction<Mono<Void>> call) {
		return Mono.defer(() -> {
			long end = System.nanoTime() + length.toNanos();
			AtomicLong started = new AtomicLong();
			return Flux.range(0, concurrency)
				.flatMap((worker) -> Mono.defer(() -> {
					long number = started.getAndIncrement();
					return (number < maxCalls) ? call.apply(number) : Mono.<Void>empty();
				}).repeat(() -> System.nanoTime() < end && started.get() < maxCalls), concurrency)
				.then(Mono.fromSupplier(() -> Math.min(started.get(), maxCalls)));
		});
	}

}
