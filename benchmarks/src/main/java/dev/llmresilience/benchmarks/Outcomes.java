package dev.llmresilience.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Set;
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

	private final Set<String> typedNames = ConcurrentHashMap.newKeySet();

	void success() {
		this.successes.increment();
	}

	void failure(Throwable ex) {
		ex = typed(ex);
		String name = describe(ex);
		if (ex instanceof LlmResilienceException) {
			this.typedFailures.increment();
			this.typedNames.add(name);
		}
		this.failures.computeIfAbsent(name, (key) -> new LongAdder()).increment();
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
		return summary(false);
	}

	/**
	 * The failures that are no {@code LlmResilienceException}, most frequent first, or "none".
	 */
	String untypedFailureSummary() {
		return summary(true);
	}

	private String summary(boolean untypedOnly) {
		List<Map.Entry<String, LongAdder>> failures = this.failures.entrySet()
			.stream()
			.filter((entry) -> !untypedOnly || !this.typedNames.contains(entry.getKey()))
			.toList();
		if (failures.isEmpty()) {
			return "none";
		}
		return failures.stream()
			.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
			.map((entry) -> entry.getKey() + " ×" + entry.getValue().sum())
			.collect(Collectors.joining(", "));
	}

	/**
	 * Return the starter's typed failure in an exception's cause chain, else the exception: Spring's
	 * {@code retrieve()} wraps an error raised while a body is read (a stream broken after its first event) in a
	 * {@code WebClientResponseException}, as a caller would find it.
	 * @param ex the exception the caller got
	 * @return the typed failure it carries, or the exception itself
	 */
	static Throwable typed(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof LlmResilienceException) {
				return cause;
			}
		}
		return ex;
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
