package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.Locale;

/**
 * Formats measured values for the cells of a results table, always with the same units and precision.
 */
final class Cells {

	private Cells() {
	}

	static String duration(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 == 0 && millis >= 1000) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

	static String millis(double nanos) {
		return format("%.2f ms", nanos / 1e6);
	}

	static String micros(double nanos) {
		return format("%.1f µs", nanos / 1e3);
	}

	static String signedMicros(double nanos) {
		return format("%+.1f µs", nanos / 1e3);
	}

	static String kib(double bytes) {
		return format("%.1f KiB", bytes / 1024);
	}

	static String signedKib(double bytes) {
		return format("%+.2f KiB", bytes / 1024);
	}

	static String mib(double bytes) {
		return format("%.1f MiB", bytes / (1024 * 1024));
	}

	static String signedMib(double bytes) {
		double mib = bytes / (1024 * 1024);
		return format("%+.1f MiB", (Math.abs(mib) < 0.05) ? 0.0 : mib);
	}

	static String ratio(double value) {
		return format("%.3f", value);
	}

	static String decimal(double value) {
		return format("%.2f", value);
	}

	static String perSecond(double value) {
		return format("%.0f/s", value);
	}

	static String percent(double fraction) {
		if (fraction > 0.999 && fraction < 1.0) {
			return format("%.3f%%", fraction * 100);
		}
		return format("%.2f%%", fraction * 100);
	}

	static String count(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	private static String format(String pattern, Object... values) {
		return String.format(Locale.ROOT, pattern, values);
	}

}
