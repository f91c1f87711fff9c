package dev.llmresilience.sample;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.llmresilience.core.LlmResilienceException;

import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * How the demo's calls ended as the application saw them: answered, or failed, by the failure's class name;
 * thread-safe.
 */
final class CallOutcomes {

	private final LongAdder succeeded = new LongAdder();

	private final Map<String, LongAdder> typedFailures = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> otherFailures = new ConcurrentHashMap<>();

	void succeeded() {
		this.succeeded.increment();
	}

	void failed(Throwable failure) {
		failure = typedCause(failure);
		Map<String, LongAdder> counters = isTyped(failure) ? this.typedFailures : this.otherFailures;
		counters.computeIfAbsent(label(failure), (k) -> new LongAdder()).increment();
	}

	/**
	 * Whether the caller got a failure it can act on: one of the starter's own, whatever its subclass (new ones
	 * show up by name without a change here), or the provider's refusal of a bad request, left as Spring's.
	 */
	static boolean isTyped(Throwable failure) {
		return failure instanceof LlmResilienceException || (failure instanceof WebClientResponseException response
				&& response.getStatusCode().is4xxClientError());
	}

	/**
	 * Spring's {@code retrieve()} wraps an error raised while a body is read (a stream broken after its first
	 * event) in a {@link WebClientResponseException}; the starter's typed failure is its cause.
	 */
	static Throwable typedCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof LlmResilienceException) {
				return cause;
			}
		}
		return failure;
	}

	// A WebClientResponseException says little without its status: a 400 and a 200 cut short are not alike.
	private static String label(Throwable failure) {
		String name = failure.getClass().getSimpleName();
		return (failure instanceof WebClientResponseException response)
				? name + " " + response.getStatusCode().value() : name;
	}

	long succeededCount() {
		return this.succeeded.sum();
	}

	long ended() {
		return succeededCount() + total(this.typedFailures) + total(this.otherFailures);
	}

	long failedCount() {
		return total(this.typedFailures) + total(this.otherFailures);
	}

	Map<String, Long> typedFailures() {
		return snapshot(this.typedFailures);
	}

	Map<String, Long> otherFailures() {
		return snapshot(this.otherFailures);
	}

	private static long total(Map<String, LongAdder> counters) {
		return counters.values().stream().mapToLong(LongAdder::sum).sum();
	}

	private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
		Map<String, Long> snapshot = new TreeMap<>();
		counters.forEach((key, count) -> snapshot.put(key, count.sum()));
		return snapshot;
	}

}
