package dev.llmresilience.call;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.DeadlineExceededException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.ServerDelayTooLongException;
import dev.llmresilience.core.ServerHints;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Judges one provider's attempts the same way whatever carries them, a WebClient filter or a
 * RestClient interceptor: which answers deserve a look at their body, what a failed attempt decides,
 * and which failure the caller finally gets.
 */
public final class AttemptJudge {

	// one category for every attempt's line, whatever the transport
	private static final Log logger = LogFactory.getLog(AttemptJudge.class);

	private static final String SHOULD_RETRY = "x-should-retry";

	/** Error bodies are read only this far for hints: they are small, and never handed to logs. */
	public static final int ERROR_BODY_LIMIT = 64 * 1024;

	private final ProviderResilience provider;

	/**
	 * Create a judge for one provider.
	 * @param provider the provider's resilience
	 */
	public AttemptJudge(ProviderResilience provider) {
		this.provider = provider;
	}

	/**
	 * Return whether an error answer may be worth retrying, so that its body is read for hints; any
	 * other answer goes back to the caller untouched.
	 * @param status the status code
	 * @param header looks up a response header by name
	 * @return whether to read the body and classify the answer
	 */
	public boolean mayRetry(int status, Function<String, String> header) {
		return status >= 400 && (this.provider.classifier().isRetryableStatus(status)
				|| "true".equalsIgnoreCase(header.apply(SHOULD_RETRY)));
	}

	/**
	 * Classify an error answer with what its headers and body ask for.
	 * @param status the status code
	 * @param header looks up a response header by name
	 * @param body the error body, as far as it was read
	 * @return the failure
	 */
	public Failure classify(int status, Function<String, String> header, String body) {
		return this.provider.classifier().classify(status, ServerHints.parse(header, body, ProviderResilience.now()));
	}

	/**
	 * Classify an exception raised while sending a request or reading its response.
	 * @param ex the exception
	 * @return the failure
	 */
	public Failure classify(Throwable ex) {
		return this.provider.classifier().classify(ex);
	}

	/**
	 * Note an attempt that succeeded.
	 */
	public void succeeded() {
		this.provider.planner().onSuccess();
		this.provider.observer().onAttempt(this.provider.name(), null, false);
	}

	/**
	 * Note an answer that goes back to the caller as it is, such as a 400.
	 * @param failure what it was
	 */
	public void notRetried(Failure failure) {
		this.provider.observer().onAttempt(this.provider.name(), failure, false);
	}

	/**
	 * Decide what follows a failed attempt, tell the observer and the log, and return the exception
	 * that carries the decision to the resilience4j Retry and CircuitBreaker.
	 * @param failure the classified failure
	 * @param cause what was raised, or {@code null} for an error answer
	 * @param call the call whose current attempt failed
	 * @return the exception to raise from the attempt
	 */
	public RuntimeException failed(Failure failure, Throwable cause, CallState call) {
		call.failed(failure);
		int attempt = call.attempts();
		int maxAttempts = this.provider.maxAttempts();
		Instant now = ProviderResilience.now();
		RetryDecision decision = this.provider.planner().decide(failure, attempt, maxAttempts, call.remaining(), now);
		this.provider.observer().onAttempt(this.provider.name(), failure, failure.isRetryable());
		hearTheServer(failure, decision);
		if (decision.isRetry()) {
			if (logger.isWarnEnabled()) {
				logger.warn("LLM provider '%s': attempt %d of %d failed (%s); retrying in %d ms (%s)".formatted(
						this.provider.name(), attempt, maxAttempts, failure.cause(), decision.delay().toMillis(),
						decision.source().tag()));
			}
			this.provider.observer().onRetry(this.provider.name(), attempt, maxAttempts, failure, decision);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("LLM provider '%s': attempt %d of %d failed (%s); not retried: %s".formatted(
					this.provider.name(), attempt, maxAttempts, failure.cause(), decision.verdict()));
		}
		return new AttemptFailedException(failure, decision, cause);
	}

	/**
	 * An overload or rate-limit answer that names a wait longer than the breaker would stay open keeps
	 * the breaker open until then: every other call would meet the same answer.
	 */
	private void hearTheServer(Failure failure, RetryDecision decision) {
		if (decision.serverRetryAt() != null && (failure.kind() == FailureKind.OVERLOAD
				|| failure.kind() == FailureKind.RATE_LIMIT)) {
			Duration wait = Duration.between(ProviderResilience.now(), decision.serverRetryAt());
			if (wait.compareTo(this.provider.policy().circuitBreaker().waitDurationInOpenState()) > 0) {
				this.provider.openUntil(decision.serverRetryAt());
			}
		}
	}

	/**
	 * Return what the caller gets when a call ends in failure, a typed {@code LlmResilienceException}
	 * or the original failure when retrying could not have helped, and tell the observer.
	 * @param ex what the resilience4j decorators raised
	 * @param call the call that ended
	 * @return the failure for the caller
	 */
	public Throwable callFailure(Throwable ex, CallState call) {
		Throwable result = typed(ex, call.attempts(), call.lastFailure());
		call.ended(result.getClass().getSimpleName());
		return result;
	}

	private Throwable typed(Throwable ex, int attempts, Failure last) {
		if (ex instanceof CallNotPermittedException) {
			return new CircuitOpenException(this.provider.name(), attempts, last, this.provider.remainingOpen(), ex);
		}
		if (ex instanceof TimeoutException) {
			return new DeadlineExceededException(this.provider.name(), attempts, last,
					this.provider.policy().timeouts().total(), ex);
		}
		if (ex instanceof AttemptFailedException failed) {
			return switch (failed.decision().verdict()) {
				case FATAL -> (failed.getCause() != null) ? failed.getCause() : failed;
				case SERVER_DELAY_TOO_LONG -> new ServerDelayTooLongException(this.provider.name(), attempts,
						failed.failure(), failed.decision().serverRetryAt(), failed.getCause());
				case DEADLINE -> new DeadlineExceededException(this.provider.name(), attempts, failed.failure(),
						this.provider.policy().timeouts().total(), failed.getCause());
				case BUDGET -> new RetriesExhaustedException(this.provider.name(), attempts, failed.failure(), true,
						failed.getCause());
				default -> new RetriesExhaustedException(this.provider.name(), attempts, failed.failure(),
						failed.getCause());
			};
		}
		return ex;
	}

}
