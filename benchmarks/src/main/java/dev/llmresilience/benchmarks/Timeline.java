package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Real time measured from a start, for scenarios that change the provider at set moments while load runs.
 */
final class Timeline {

	private final long startNanos;

	private Timeline(long startNanos) {
		this.startNanos = startNanos;
	}

	static Timeline start() {
		return new Timeline(System.nanoTime());
	}

	long nanosAt(Duration offset) {
		return this.startNanos + offset.toNanos();
	}

	Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/**
	 * Blocks the calling thread (the benchmark's main thread, never an event loop) until the offset is reached.
	 */
	void awaitOffset(Duration offset) {
		long deadline = nanosAt(offset);
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}
