package dev.llmresilience.benchmarks;

import java.util.Arrays;

/**
 * Every latency of a measurement, kept exactly (a run records at most a few hundred thousand), for percentiles.
 */
final class LatencyRecorder {

	private long[] nanos = new long[4096];

	private int size;

	synchronized void record(long latencyNanos) {
		if (this.size == this.nanos.length) {
			this.nanos = Arrays.copyOf(this.nanos, this.size * 2);
		}
		this.nanos[this.size++] = latencyNanos;
	}

	synchronized Summary summary() {
		long[] sorted = Arrays.copyOf(this.nanos, this.size);
		Arrays.sort(sorted);
		return new Summary(sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(sorted.length > 0) ? sorted[sorted.length - 1] : 0);
	}

	private static long percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return 0;
		}
		// nearest rank: the smallest value with at least this share of the values at or below it
		int rank = (int) Math.ceil(quantile * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	/**
	 * The latencies of one measurement.
	 * @param count how many were recorded
	 * @param p50Nanos the median
	 * @param p99Nanos the 99th percentile
	 * @param maxNanos the slowest
	 */
	record Summary(int count, long p50Nanos, long p99Nanos, long maxNanos) {
	}

}
