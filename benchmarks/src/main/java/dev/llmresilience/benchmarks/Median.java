package dev.llmresilience.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The median of per-round figures: robust to the one round the machine was busy elsewhere.
 */
final class Median {

	private Median() {
	}

	static double of(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
