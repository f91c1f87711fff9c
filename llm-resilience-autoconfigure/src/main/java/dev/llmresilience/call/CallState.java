package dev.llmresilience.call;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.core.Failure;

/**
 * One logical call across its attempts, whatever carries it: the attempts made, the last failure, and
 * the deadline that {@code timeouts.total} puts on the whole call.
 */
public final class CallState {

	private final ProviderResilience provider;

	private final long startNanos = System.nanoTime();

	private final Instant deadline;

	private final AtomicInteger attempts = new AtomicInteger();

	private volatile Failure lastFailure;

	private volatile Instant attemptStarted;

	/**
	 * Start a call to a provider; its deadline counts from now.
	 * @param provider the provider's resilience
	 */
	public CallState(ProviderResilience provider) {
		this.provider = provider;
		this.deadline = ProviderResilience.now().plus(provider.policy().timeouts().total());
	}

	/**
	 * Note that an attempt starts.
	 * @return its number, from 1
	 */
	public int startAttempt() {
		this.attemptStarted = ProviderResilience.now();
		return this.attempts.incrementAndGet();
	}

	/**
	 * Return the attempts started so far; during an attempt, its number.
	 * @return the attempts made
	 */
	public int attempts() {
		return this.attempts.get();
	}

	/**
	 * Return when the current attempt started, on Reactor's clock.
	 * @return the attempt's start
	 */
	public Instant attemptStarted() {
		return this.attemptStarted;
	}

	/**
	 * Return the last attempt's failure.
	 * @return the failure, or {@code null} when no attempt failed
	 */
	public Failure lastFailure() {
		return this.lastFailure;
	}

	void failed(Failure failure) {
		this.lastFailure = failure;
	}

	/**
	 * Return the time left before the call's deadline.
	 * @return the time left, never negative
	 */
	public Duration remaining() {
		Duration remaining = Duration.between(ProviderResilience.now(), this.deadline);
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Tell the provider's observer how the call ended.
	 * @param outcome {@code success}, {@code fatal}, or the simple name of the failure the caller got
	 */
	public void ended(String outcome) {
		this.provider.observer()
			.onCall(this.provider.name(), outcome, this.attempts.get(),
					Duration.ofNanos(System.nanoTime() - this.startNanos));
	}

}
