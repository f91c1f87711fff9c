package dev.llmresilience.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the heap in use right after a full collection, to see whether a long run leaves garbage that never goes.
 */
final class HeapAfterGc {

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final List<Long> samples = new ArrayList<>();

	/**
	 * Asks for a full collection ({@code System.gc()}, a stop-the-world full GC with G1) and records the heap used.
	 */
	void sample() {
		this.samples.add(measure());
	}

	/**
	 * Measures the heap after a full collection without keeping it among the samples.
	 */
	long measure() {
		System.gc();
		return this.memory.getHeapMemoryUsage().getUsed();
	}

	List<Long> samples() {
		return List.copyOf(this.samples);
	}

	/**
	 * The lowest sample of the first third. The lowest, because calls in flight when a sample is taken hold live
	 * objects that lift it for a moment; what a leak lifts is the floor.
	 */
	long firstThird() {
		return floor(this.samples.subList(0, third()));
	}

	/**
	 * The lowest sample of the last third.
	 */
	long lastThird() {
		return floor(this.samples.subList(this.samples.size() - third(), this.samples.size()));
	}

	private int third() {
		return Math.max(1, this.samples.size() / 3);
	}

	private static long floor(List<Long> values) {
		return values.stream().mapToLong(Long::longValue).min().orElse(0);
	}

}
