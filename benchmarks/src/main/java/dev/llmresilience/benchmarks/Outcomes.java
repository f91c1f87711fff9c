package dev.llmresilience.benchmarks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import dev.llmresilience.core.LlmResilienceException;
import dev.llmresilience.core.RetriesExhaustedException;

/**
 * How the logical calls of a measurement ended: successes, and failures by what the caller caught.
 */
final class Outcomes {

	private final LongAdder successes = new LongAdder();

	private final LongAdder typedFailures = new LongAdder();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	void success() {
		this.successes.increment();
	}

	void failure(Throwable ex) {
		if (ex instanceof LlmResilienceException) {
			this.typedFailures.increment();
		}
		this.failures.computeIfAbsent(describe(ex), (name) -> new LongAdder()).increment();
	}

	long successes() {
		return this.successes.sum();
	}

	long failures() {
		return this.failures.values().stream().mapToLong(LongAdder::sum).sum();
	}

	/**
	 * Failures the caller can catch as the starter's own {@code LlmResilienceException}.
	 */
	long typedFailures() {
		return this.typedFailures.sum();
	}

	long untypedFailures() {
		return failures() - typedFailures();
	}

	long ended() {
		return successes() + failures();
	}

	/**
	 * The failures, most frequent first: {@code "RetriesExhaustedException ×3, ..."}, or "none".
	 */
	String failureSummary() {
		if (this.failures.isEmpty()) {
			return "none";
		}
		return this.failures.entrySet()
			.stream()
			.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
			.map((entry) -> entry.getKey() + " ×" + entry.getValue().sum())
			.collect(Collectors.joining(", "));
	}

	/**
	 * Names a failure by its class and, when it wraps one, its root cause: what the caller would have to match.
	 */
	static String describe(Throwable ex) {
		if (ex instanceof RetriesExhaustedException exhausted && exhausted.isBudgetExhausted()) {
			return ex.getClass().getSimpleName() + "(budget)";
		}
		if (ex instanceof LlmResilienceException) {
			return ex.getClass().getSimpleName();
		}
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex) ? ex.getClass().getSimpleName()
				: ex.getClass().getSimpleName() + "(" + root.getClass().getSimpleName() + ")";
	}

}
