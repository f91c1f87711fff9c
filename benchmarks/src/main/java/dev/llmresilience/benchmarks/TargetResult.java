package dev.llmresilience.benchmarks;

/**
 * A target the issue sets, what was measured against it, and whether it was met.
 *
 * @param target the target, as a reader would state it
 * @param measured what this run measured
 * @param met whether the measurement meets the target
 */
record TargetResult(String target, String measured, boolean met) {

	String verdict() {
		return this.met ? "met" : "**not met**";
	}

}
