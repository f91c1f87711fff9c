package dev.llmresilience.sample;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What the starter did for the demo's calls, as it reported it: attempts by cause, retries by cause, time waited
 * by source, and breaker transitions; thread-safe.
 */
public class CallTally implements CallObserver {

	/** Cause under which attempts that got an answer are counted. */
	static final String OK = "ok";

	private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> waitedNanos = new ConcurrentHashMap<>();

	// Kept in the order each transition first happened, so a provider's cycle reads from top to bottom.
	private final Map<Transition, LongAdder> transitions = Collections.synchronizedMap(new LinkedHashMap<>());

	@Override
	public void onAttempt(String provider, Failure failure, boolean retryable) {
		increment(this.attempts, (failure != null) ? failure.cause() : OK, 1);
	}

	@Override
	public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
		increment(this.retries, failure.cause(), 1);
		increment(this.waitedNanos, decision.source().tag(), decision.delay().toNanos());
	}

	/**
	 * Count the state transitions of a provider's breaker from now on.
	 * @param provider the provider's name
	 * @param breaker its circuit breaker
	 */
	void watch(String provider, CircuitBreaker breaker) {
		breaker.getEventPublisher()
			.onStateTransition((event) -> this.transitions
				.computeIfAbsent(new Transition(provider, event.getStateTransition().getFromState() + "->"
						+ event.getStateTransition().getToState()), (key) -> new LongAdder())
				.increment());
	}

	long attemptsMade() {
		return this.attempts.values().stream().mapToLong(LongAdder::sum).sum();
	}

	long retriesScheduled() {
		return this.retries.values().stream().mapToLong(LongAdder::sum).sum();
	}

	/**
	 * Return the attempts by cause, those that got an answer first.
	 * @return the attempts by cause
	 */
	Map<String, Long> attempts() {
		Map<String, Long> attempts = new LinkedHashMap<>();
		attempts.put(OK, 0L);
		attempts.putAll(snapshot(this.attempts));
		return attempts;
	}

	Map<String, Long> retries() {
		return snapshot(this.retries);
	}

	/**
	 * Return the time waited before retries by who chose the wait, every source listed even when it chose none.
	 * @return the waits by source
	 */
	Map<String, Duration> waited() {
		Map<String, Duration> waited = new LinkedHashMap<>();
		for (RetryDecision.DelaySource source : RetryDecision.DelaySource.values()) {
			LongAdder nanos = this.waitedNanos.get(source.tag());
			waited.put(source.tag(), Duration.ofNanos((nanos != null) ? nanos.sum() : 0));
		}
		return waited;
	}

	/**
	 * Return the breaker transitions by provider and transition, each provider's in the order they first happened.
	 * @return the transitions
	 */
	Map<String, Long> transitions() {
		synchronized (this.transitions) {
			Map<String, Map<String, Long>> byProvider = new TreeMap<>();
			this.transitions.forEach((key, count) -> byProvider
				.computeIfAbsent(key.provider(), (provider) -> new LinkedHashMap<>())
				.put(key.provider() + " " + key.transition(), count.sum()));
			Map<String, Long> transitions = new LinkedHashMap<>();
			byProvider.values().forEach(transitions::putAll);
			return transitions;
		}
	}

	private record Transition(String provider, String transition) {
	}

	private static void increment(Map<String, LongAdder> counters, String key, long amount) {
		counters.computeIfAbsent(key, (k) -> new LongAdder()).add(amount);
	}

	private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
		Map<String, Long> snapshot = new TreeMap<>();
		counters.forEach((key, count) -> snapshot.put(key, count.sum()));
		return snapshot;
	}

}
