package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.function.LongFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Starts calls at a fixed rate, as users arrive, whatever the calls before them did (an open loop): a client that
 * fails fast does not get to make more calls than one that waits. Bounded in count and in calls in flight.
 */
final class PacedLoad {

	private PacedLoad() {
	}

	/**
	 * Starts the load when subscribed.
	 * @param interval time between two calls
	 * @param calls calls in all
	 * @param maxInFlight the most calls in flight; a call due while that many run starts when one ends
	 * @param call starts call number {@code n}; must end without error
	 * @return completes once the last call has ended
	 */
	static Mono<Void> start(Duration interval, long calls, int maxInFlight, LongFunction<Mono<Void>> call) {
		return Flux.interval(interval)
			.take(calls)
			.onBackpressureBuffer()
			.flatMap(call::apply, maxInFlight)
			.then();
	}

}
