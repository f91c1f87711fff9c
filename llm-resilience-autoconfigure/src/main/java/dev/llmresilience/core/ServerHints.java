package dev.llmresilience.core;

import java.time.Duration;
import java.util.Optional;

/**
 * What a server asked for in its answer: a wait, whether to retry at all.
 */
public final class ServerHints {

	private static final ServerHints NONE = new ServerHints();

	private ServerHints() {
	}

	public static ServerHints none() {
		return NONE;
	}

	public Optional<Duration> retryAfter() {
		return Optional.empty();
	}

	public Optional<Boolean> shouldRetry() {
		return Optional.empty();
	}

	public boolean quotaExhausted() {
		return false;
	}

	public String source() {
		return "none";
	}

}
