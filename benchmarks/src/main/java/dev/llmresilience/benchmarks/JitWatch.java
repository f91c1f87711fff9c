package dev.llmresilience.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Reads how long the JIT has spent compiling, to tell when a warm-up has let it settle.
 */
final class JitWatch {

	private final CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();

	boolean isSupported() {
		return this.compilation != null && this.compilation.isCompilationTimeMonitoringSupported();
	}

	/**
	 * The JIT's compilation time so far, in milliseconds; 0 where the JVM does not say.
	 */
	long compilationMillis() {
		return isSupported() ? this.compilation.getTotalCompilationTime() : 0;
	}

}
