package dev.llmresilience.benchmarks;

import java.util.Locale;

/**
 * One line on standard output per step of a run, so a three-minute run shows it is alive and where it is.
 */
final class Progress {

	private Progress() {
	}

	static void step(String scenario, String what, Timeline since) {
		System.out.printf(Locale.ROOT, "[benchmarks]   %s: %s (%.1f s)%n", scenario, what,
				since.elapsed().toMillis() / 1000.0);
	}

}
