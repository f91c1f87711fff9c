package dev.llmresilience.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Records when a circuit breaker changed state, to report how often it opened and how long it kept calls out.
 */
final class BreakerLog {

	private final List<Transition> transitions = new ArrayList<>();

	/**
	 * Starts recording a breaker's transitions.
	 * @param breaker the breaker, or {@code null} for an arm without one
	 * @return the log, empty for {@code null}
	 */
	static BreakerLog of(CircuitBreaker breaker) {
		BreakerLog log = new BreakerLog();
		if (breaker != null) {
			breaker.getEventPublisher()
				.onStateTransition((event) -> log.record(System.nanoTime(), event.getStateTransition().getToState()));
		}
		return log;
	}

	private synchronized void record(long nanos, CircuitBreaker.State state) {
		this.transitions.add(new Transition(nanos, state));
	}

	synchronized int openings() {
		return (int) this.transitions.stream()
			.filter((transition) -> transition.to() == CircuitBreaker.State.OPEN)
			.count();
	}

	/**
	 * When the breaker first opened at or after the given time.
	 * @return the time in {@link System#nanoTime()}, 0 if it did not
	 */
	synchronized long firstOpenedAfter(long nanos) {
		return this.transitions.stream()
			.filter((transition) -> transition.to() == CircuitBreaker.State.OPEN && transition.nanos() >= nanos)
			.mapToLong(Transition::nanos)
			.findFirst()
			.orElse(0);
	}

	/**
	 * How long the breaker was not closed (open or half-open) between two times.
	 */
	synchronized long nanosNotClosed(long from, long to) {
		long total = 0;
		long since = -1;
		for (Transition transition : this.transitions) {
			long at = Math.min(Math.max(transition.nanos(), from), to);
			boolean closed = transition.to() == CircuitBreaker.State.CLOSED;
			if (!closed && since < 0) {
				since = at;
			}
			else if (closed && since >= 0) {
				total += at - since;
				since = -1;
			}
		}
		return (since >= 0) ? total + (to - since) : total;
	}

	private record Transition(long nanos, CircuitBreaker.State to) {
	}

}
