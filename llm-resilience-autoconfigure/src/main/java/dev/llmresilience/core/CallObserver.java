package dev.llmresilience.core;

import java.time.Duration;

/**
 * Hears what happens to calls and their attempts, for metrics, logs and the actuator endpoint.
 * Implementations must be fast and must not throw; they never see credentials, prompts or bodies.
 */
public interface CallObserver {

	/** An observer that ignores everything. */
	CallObserver NONE = new CallObserver() {
	};

	/**
	 * An attempt ended.
	 * @param provider the provider's name
	 * @param failure the failure, or {@code null} when the attempt succeeded
	 * @param retryable whether the failure was worth retrying
	 */
	default void onAttempt(String provider, Failure failure, boolean retryable) {
	}

	/**
	 * A retry was scheduled.
	 * @param provider the provider's name
	 * @param attempt the number of the attempt that failed, from 1
	 * @param maxAttempts the attempts allowed in all
	 * @param failure the failure that caused the retry
	 * @param decision the wait and its source
	 */
	default void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
	}

	/**
	 * A logical call ended.
	 * @param provider the provider's name
	 * @param outcome {@code success}, or the simple name of the failure the caller got
	 * @param attempts the attempts it took
	 * @param duration how long it took, waits included
	 */
	default void onCall(String provider, String outcome, int attempts, Duration duration) {
	}

	/**
	 * Combine observers; each hears every event.
	 * @param observers the observers
	 * @return one observer
	 */
	static CallObserver composite(Iterable<? extends CallObserver> observers) {
		java.util.List<CallObserver> list = new java.util.ArrayList<>();
		// NONE hears nothing: leaving it out spares a call per event on every attempt
		observers.forEach((observer) -> {
			if (observer != NONE) {
				list.add(observer);
			}
		});
		if (list.isEmpty()) {
			return NONE;
		}
		if (list.size() == 1) {
			return list.get(0);
		}
		CallObserver[] all = list.toArray(new CallObserver[0]);
		return new CallObserver() {

			@Override
			public void onAttempt(String provider, Failure failure, boolean retryable) {
				for (CallObserver observer : all) {
					observer.onAttempt(provider, failure, retryable);
				}
			}

			@Override
			public void onRetry(String provider, int attempt, int maxAttempts, Failure failure,
					RetryDecision decision) {
				for (CallObserver observer : all) {
					observer.onRetry(provider, attempt, maxAttempts, failure, decision);
				}
			}

			@Override
			public void onCall(String provider, String outcome, int attempts, Duration duration) {
				for (CallObserver observer : all) {
					observer.onCall(provider, outcome, attempts, duration);
				}
			}

		};
	}

}
