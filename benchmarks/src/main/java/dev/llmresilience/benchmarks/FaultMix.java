package dev.llmresilience.benchmarks;

import java.util.Map;
import java.util.stream.Collectors;

import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.fakeprovider.FaultPlan;

/**
 * A set of fault rates a scenario runs under, named for the table.
 *
 * @param name how the table names the mix
 * @param rates the probability of each fault on one attempt
 */
record FaultMix(String name, Map<Fault, Double> rates) {

	/**
	 * The probability that one non-streaming attempt fails.
	 */
	double attemptFailure() {
		return this.rates.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().streamOnly())
			.mapToDouble(Map.Entry::getValue)
			.sum();
	}

	/**
	 * The success rate a client reaches with independent attempts: {@code 1 - p^attempts}.
	 */
	double ideal(int attempts) {
		return 1 - Math.pow(attemptFailure(), attempts);
	}

	FaultPlan.Builder plan(long seed) {
		FaultPlan.Builder builder = FaultPlan.builder().seed(seed);
		this.rates.forEach(builder::rate);
		return builder;
	}

	String describeRates() {
		return this.rates.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " " + Cells.percent(entry.getValue()))
			.collect(Collectors.joining(", "));
	}

}
