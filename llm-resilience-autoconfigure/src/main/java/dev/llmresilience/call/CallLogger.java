package dev.llmresilience.call;

import java.time.Duration;

import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs every attempt, retry and call at DEBUG, beside the one WARN line per retry that
 * {@link AttemptJudge} writes, under the judge's logger so one level controls both.
 * <p>
 * It only hears what a {@link CallObserver} hears (provider name, classified cause, status, server
 * hints, waits), so it cannot log a credential, a header, a prompt or a body.
 */
final class CallLogger implements CallObserver {

	static final CallLogger INSTANCE = new CallLogger(LogFactory.getLog(AttemptJudge.class));

	private final Log logger;

	CallLogger(Log logger) {
		this.logger = logger;
	}

	@Override
	public void onAttempt(String provider, Failure failure, boolean retryable) {
		if (!this.logger.isDebugEnabled()) {
			return;
		}
		if (failure == null) {
			this.logger.debug("LLM provider '%s': attempt succeeded".formatted(provider));
			return;
		}
		this.logger.debug(("LLM provider '%s': attempt failed (%s): kind %s, status %d, %s; "
				+ "server hints: wait %s from %s, should-retry %s, quota exhausted %s")
			.formatted(provider, failure.cause(), failure.kind(), failure.status(),
					retryable ? "retryable" : "not retryable",
					failure.hints().retryAfter().map(Duration::toString).orElse("none"), failure.hints().source(),
					failure.hints().shouldRetry().map(String::valueOf).orElse("unset"),
					failure.hints().quotaExhausted()));
	}

	@Override
	public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("LLM provider '%s': attempt %d of %d follows in %d ms (%s)%s".formatted(provider,
					attempt + 1, maxAttempts, decision.delay().toMillis(), decision.source().tag(),
					(decision.serverRetryAt() != null) ? "; server asked to retry at " + decision.serverRetryAt()
							: ""));
		}
	}

	@Override
	public void onCall(String provider, String outcome, int attempts, Duration duration) {
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("LLM provider '%s': call ended (%s) after %d attempt(s) in %d ms".formatted(provider,
					outcome, attempts, duration.toMillis()));
		}
	}

}
