package dev.llmresilience.reactive;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.DeadlineExceededException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.ServerDelayTooLongException;
import dev.llmresilience.core.ServerHints;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Runs each exchange with one provider under its resilience4j Retry and CircuitBreaker.
 * <p>
 * Each attempt is classified where it happens: retryable statuses become failures inside the
 * filter (their bodies read for hints, then released), connection errors are classified along their
 * cause chain, non-streaming bodies are read to their end so a cut-off body is retried, and the
 * decision to retry (and after how long) travels with the failure to the Retry operator. The breaker
 * sits inside the retry so that it records every attempt; both are applied with
 * {@code transformDeferred} so every subscription counts its own attempts and re-sends the request.
 * One deadline, {@code timeouts.total}, bounds the call across attempts and waits.
 */
public final class ResilientExchangeFilter implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(ResilientExchangeFilter.class);

	/** Error bodies are read only this far for hints: they are small, and never handed to logs. */
	private static final int ERROR_BODY_LIMIT = 64 * 1024;

	private static final String SHOULD_RETRY = "x-should-retry";

	private final ProviderResilience provider;

	private final StreamGuard streams;

	ResilientExchangeFilter(ProviderResilience provider) {
		this.provider = provider;
		this.streams = new StreamGuard(provider);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			Call call = new Call();
			return Mono.defer(() -> attempt(request, next, call))
				.transformDeferred(CircuitBreakerOperator.of(this.provider.circuitBreaker()))
				.transformDeferred(RetryOperator.of(this.provider.retry()))
				.timeout(this.provider.policy().timeouts().total())
				// a client error handed to the caller untouched ended the call without success
				.doOnSuccess((response) -> call.observe(
						(response != null && response.statusCode().isError()) ? "fatal" : "success"))
				.onErrorMap((ex) -> callFailure(ex, call));
		});
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, Call call) {
		int attempt = call.attempts.incrementAndGet();
		call.attemptStarted = ProviderResilience.now();
		Duration responseTimeout = min(this.provider.policy().timeouts().response(), call.remaining());
		return next.exchange(request)
			.timeout(responseTimeout)
			.flatMap((response) -> inspect(response, call, attempt))
			.onErrorMap((ex) -> !(ex instanceof AttemptFailedException),
					(ex) -> failed(classify(ex), ex, call, attempt));
	}

	private Failure classify(Throwable ex) {
		if (ex instanceof ResponseBodies.TruncatedBodyException) {
			return Failure.of(FailureKind.TRUNCATED_BODY);
		}
		return this.provider.classifier().classify(ex);
	}

	private Mono<ClientResponse> inspect(ClientResponse response, Call call, int attempt) {
		if (StreamGuard.isStream(response)) {
			// the attempt lasts until the stream's first event: errors before it are retried, none after
			return this.streams.awaitFirstEvent(response, call.attemptStarted, call.attempts::get,
					(failure) -> failed(failure, null, call, attempt));
		}
		int status = response.statusCode().value();
		if (status < 400) {
			if (ResponseBodies.isStream(response)) {
				// other streaming types (NDJSON) are handed over unbuffered and unguarded
				return Mono.just(succeeded(response));
			}
			return ResponseBodies.buffer(response, this.provider.bodyLimit()).map(this::succeeded);
		}
		boolean serverSaysRetry = "true".equalsIgnoreCase(response.headers().asHttpHeaders().getFirst(SHOULD_RETRY));
		if (!this.provider.classifier().isRetryableStatus(status) && !serverSaysRetry) {
			this.provider.observer().onAttempt(this.provider.name(), new Failure(FailureKind.FATAL, status, null), false);
			return Mono.just(response);
		}
		return ResponseBodies.text(response, ERROR_BODY_LIMIT).flatMap((body) -> {
			ServerHints hints = ServerHints.parse(response.headers().asHttpHeaders()::getFirst, body,
					ProviderResilience.now());
			Failure failure = this.provider.classifier().classify(status, hints);
			if (!failure.isRetryable()) {
				this.provider.observer().onAttempt(this.provider.name(), failure, false);
				return Mono.just(response.mutate().body(body).build());
			}
			return Mono.error(failed(failure, null, call, attempt));
		});
	}

	private ClientResponse succeeded(ClientResponse response) {
		this.provider.planner().onSuccess();
		this.provider.observer().onAttempt(this.provider.name(), null, false);
		return response;
	}

	private AttemptFailedException failed(Failure failure, Throwable cause, Call call, int attempt) {
		int maxAttempts = this.provider.maxAttempts();
		Instant now = ProviderResilience.now();
		RetryDecision decision = this.provider.planner().decide(failure, attempt, maxAttempts, call.remaining(), now);
		call.lastFailure.set(failure);
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

	private Throwable callFailure(Throwable ex, Call call) {
		int attempts = call.attempts.get();
		Failure last = call.lastFailure.get();
		Throwable result;
		if (ex instanceof CallNotPermittedException) {
			result = new CircuitOpenException(this.provider.name(), attempts, last, this.provider.remainingOpen(), ex);
		}
		else if (ex instanceof TimeoutException) {
			result = new DeadlineExceededException(this.provider.name(), attempts, last,
					this.provider.policy().timeouts().total(), ex);
		}
		else if (ex instanceof AttemptFailedException failed) {
			result = switch (failed.decision().verdict()) {
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
		else {
			result = ex;
		}
		call.observe(result.getClass().getSimpleName());
		return result;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * The state of one logical call across its attempts.
	 */
	private final class Call {

		private final long startNanos = System.nanoTime();

		private final Instant deadline = ProviderResilience.now()
			.plus(ResilientExchangeFilter.this.provider.policy().timeouts().total());

		private final AtomicInteger attempts = new AtomicInteger();

		private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

		private volatile Instant attemptStarted;

		Duration remaining() {
			Duration remaining = Duration.between(ProviderResilience.now(), this.deadline);
			return remaining.isNegative() ? Duration.ZERO : remaining;
		}

		void observe(String outcome) {
			ResilientExchangeFilter.this.provider.observer()
				.onCall(ResilientExchangeFilter.this.provider.name(), outcome, this.attempts.get(),
						Duration.ofNanos(System.nanoTime() - this.startNanos));
		}

	}

}
