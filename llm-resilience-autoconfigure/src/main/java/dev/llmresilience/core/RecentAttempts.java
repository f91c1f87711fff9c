package dev.llmresilience.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Collections;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers the outcome of each provider's last attempts, so an operator can see why calls are slow
 * now rather than since start-up (which is what the counters say).
 *
 * <p>Each provider keeps a ring of its last {@code window} attempts and the count of each cause in
 * it, updated as attempts end; memory is bounded by the window and the bounded set of cause tags.
 */
public final class RecentAttempts implements CallObserver {

	/** Attempts remembered per provider when none is given. */
	public static final int DEFAULT_WINDOW = 100;

	/** The tag a successful attempt is remembered by. */
	static final String SUCCESS = "success";

	private final int window;

	private final Clock clock;

	private final ConcurrentMap<String, Ring> rings = new ConcurrentHashMap<>();

	public RecentAttempts() {
		this(DEFAULT_WINDOW, Clock.systemUTC());
	}

	/**
	 * Create an empty record.
	 * @param window the attempts remembered per provider, at least 1
	 * @param clock the clock that stamps the last failure
	 */
	public RecentAttempts(int window, Clock clock) {
		if (window < 1) {
			throw new IllegalArgumentException("window must be at least 1 but was " + window);
		}
		this.window = window;
		this.clock = clock;
	}

	@Override
	public void onAttempt(String provider, Failure failure, boolean retryable) {
		String cause = (failure != null) ? failure.cause() : SUCCESS;
		Instant at = (failure != null) ? this.clock.instant() : null;
		this.rings.computeIfAbsent(provider, (name) -> new Ring(this.window)).add(cause, at);
	}

	/**
	 * Return what one provider's last attempts came to.
	 * @param provider the provider's name
	 * @return the summary, empty when the provider made no attempt yet
	 */
	public Summary summary(String provider) {
		Ring ring = this.rings.get(provider);
		return (ring != null) ? ring.summary() : new Summary(this.window, 0, 0, Map.of(), null);
	}

	/**
	 * One provider's last attempts.
	 *
	 * @param window the attempts remembered at most
	 * @param attempts the attempts remembered, at most {@code window}
	 * @param succeeded how many of them succeeded
	 * @param failedByCause how many failed, by cause tag, sorted by tag
	 * @param lastFailure the latest failure, remembered even after it left the window; {@code null}
	 * when none failed yet
	 */
	public record Summary(int window, int attempts, int succeeded, Map<String, Integer> failedByCause,
			LastFailure lastFailure) {
	}

	/**
	 * The latest failed attempt.
	 *
	 * @param cause its cause tag
	 * @param at when it ended
	 */
	public record LastFailure(String cause, Instant at) {
	}

	/**
	 * A fixed-size ring of cause tags with a running count per tag. Attempts of one provider end on
	 * many threads; a lock per provider is cheaper than the work an attempt did.
	 */
	private static final class Ring {

		private final String[] causes;

		private final Map<String, Integer> counts = new TreeMap<>();

		private int next;

		private int size;

		private LastFailure lastFailure;

		Ring(int window) {
			this.causes = new String[window];
		}

		synchronized void add(String cause, Instant failedAt) {
			String evicted = this.causes[this.next];
			if (evicted != null) {
				this.counts.computeIfPresent(evicted, (tag, count) -> (count > 1) ? count - 1 : null);
			}
			this.causes[this.next] = cause;
			this.counts.merge(cause, 1, Integer::sum);
			this.next = (this.next + 1) % this.causes.length;
			this.size = Math.min(this.size + 1, this.causes.length);
			if (failedAt != null) {
				this.lastFailure = new LastFailure(cause, failedAt);
			}
		}

		synchronized Summary summary() {
			Map<String, Integer> failed = new TreeMap<>(this.counts);
			Integer succeeded = failed.remove(SUCCESS);
			return new Summary(this.causes.length, this.size, (succeeded != null) ? succeeded : 0,
					Collections.unmodifiableMap(failed), this.lastFailure);
		}

	}

}
