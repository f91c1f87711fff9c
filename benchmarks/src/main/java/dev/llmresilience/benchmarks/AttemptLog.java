package dev.llmresilience.benchmarks;

import java.util.Arrays;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Records when each attempt leaves for the provider, refused connections included (the provider never sees those).
 * Put innermost, after any resilience filter, so it sees attempts rather than calls.
 */
final class AttemptLog implements ExchangeFilterFunction {

	private long[] sentNanos = new long[4096];

	private int size;

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			record(System.nanoTime());
			return next.exchange(request);
		});
	}

	private synchronized void record(long nanos) {
		if (this.size == this.sentNanos.length) {
			this.sentNanos = Arrays.copyOf(this.sentNanos, this.size * 2);
		}
		this.sentNanos[this.size++] = nanos;
	}

	/**
	 * Counts the attempts sent in {@code [fromNanos, toNanos)}.
	 */
	synchronized long countBetween(long fromNanos, long toNanos) {
		long count = 0;
		for (int i = 0; i < this.size; i++) {
			if (this.sentNanos[i] >= fromNanos && this.sentNanos[i] < toNanos) {
				count++;
			}
		}
		return count;
	}

}
