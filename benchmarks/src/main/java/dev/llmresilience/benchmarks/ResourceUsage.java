package dev.llmresilience.benchmarks;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

/**
 * The process's wall time, CPU time and heap allocation at one moment; two of them give a measurement's cost.
 * <p>
 * CPU is the whole process's (every thread, the in-process fake provider, the JIT and GC included), and allocation
 * is summed over all threads, ended ones too, through {@code getTotalThreadAllocatedBytes}.
 *
 * @param wallNanos {@link System#nanoTime()}
 * @param cpuNanos the process's CPU time
 * @param allocatedBytes heap bytes allocated by all threads since the JVM started
 */
record ResourceUsage(long wallNanos, long cpuNanos, long allocatedBytes) {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	static ResourceUsage now() {
		return new ResourceUsage(System.nanoTime(), OS.getProcessCpuTime(), allocated());
	}

	ResourceUsage since(ResourceUsage start) {
		return new ResourceUsage(this.wallNanos - start.wallNanos, this.cpuNanos - start.cpuNanos,
				this.allocatedBytes - start.allocatedBytes);
	}

	static String describe() {
		return "CPU: `OperatingSystemMXBean.getProcessCpuTime()` deltas; allocation: "
				+ (THREADS.getTotalThreadAllocatedBytes() >= 0
						? "`ThreadMXBean.getTotalThreadAllocatedBytes()` deltas (all threads, ended ones included)"
						: "`ThreadMXBean.getThreadAllocatedBytes` summed over live threads");
	}

	private static long allocated() {
		long total = THREADS.getTotalThreadAllocatedBytes();
		if (total >= 0) {
			return total;
		}
		long sum = 0;
		for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
			sum += Math.max(0, bytes);
		}
		return sum;
	}

}
