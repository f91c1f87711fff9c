package dev.llmresilience.reactive;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryDecision;
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
 * filter (their bodies released), connection errors are classified along their cause chain, and
 * the decision to retry (and after how long) travels with the failure to the Retry operator. The
 * breaker sits inside the retry so that it records every attempt; both are applied with
 * {@code transformDeferred} so every subscription counts its own attempts and re-sends the request.
 */
public final class ResilientExchangeFilter implements ExchangeFilterFunction {

	private static final Log logger = LogFactory.getLog(ResilientExchangeFilter.class);

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
				.doOnSuccess((response) -> call.observe("success"))
				.onErrorMap((ex) -> callFailure(ex, call));
		});
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, Call call) {
		int attempt = call.attempts.incrementAndGet();
		call.attemptStarted = ProviderResilience.now();
		return next.exchange(request)
			.timeout(this.provider.policy().timeouts().response())
			.flatMap((response) -> inspect(response, call, attempt))
			.onErrorMap((ex) -> !(ex instanceof AttemptFailedException),
					(ex) -> failed(this.provider.classifier().classify(ex), ex, call, attempt));
	}

	private Mono<ClientResponse> inspect(ClientResponse response, Call call, int attempt) {
		if (StreamGuard.isStream(response)) {
			// the attempt lasts until the stream's first event: errors before it are retried, none after
			return this.streams.awaitFirstEvent(response, call.attemptStarted, call.attempts::get,
					(failure) -> failed(failure, null, call, attempt));
		}
		int status = response.statusCode().value();
		if (!this.provider.classifier().isRetryableStatus(status)) {
			Failure failure = (status >= 400) ? new Failure(FailureKind.FATAL, status, ServerHints.none()) : null;
			this.provider.observer().onAttempt(this.provider.name(), failure, false);
			return Mono.just(response);
		}
		Failure failure = this.provider.classifier().classify(status, ServerHints.none());
		if (!failure.isRetryable()) {
			this.provider.observer().onAttempt(this.provider.name(), failure, false);
			return Mono.just(response);
		}
		return response.releaseBody().then(Mono.error(() -> failed(failure, null, call, attempt)));
	}

	private AttemptFailedException failed(Failure failure, Throwable cause, Call call, int attempt) {
		int maxAttempts = this.provider.maxAttempts();
		RetryDecision decision = this.provider.planner()
			.decide(failure, attempt, maxAttempts, Duration.ofMillis(Long.MAX_VALUE), ProviderResilience.now());
		call.lastFailure.set(failure);
		this.provider.observer().onAttempt(this.provider.name(), failure, failure.isRetryable());
		if (decision.isRetry()) {
			if (logger.isWarnEnabled()) {
				logger.warn("LLM provider '%s': attempt %d of %d failed (%s); retrying in %d ms (%s)".formatted(
						this.provider.name(), attempt, maxAttempts, failure.cause(), decision.delay().toMillis(),
						decision.source().tag()));
			}
			this.provider.observer().onRetry(this.provider.name(), attempt, maxAttempts, failure, decision);
		}
		return new AttemptFailedException(failure, decision, cause);
	}

	private Throwable callFailure(Throwable ex, Call call) {
		int attempts = call.attempts.get();
		Throwable result;
		if (ex instanceof CallNotPermittedException) {
			result = new CircuitOpenException(this.provider.name(), attempts, call.lastFailure.get(),
					this.provider.remainingOpen(), ex);
		}
		else if (ex instanceof AttemptFailedException failed) {
			result = switch (failed.decision().verdict()) {
				case FATAL -> (failed.getCause() != null) ? failed.getCause() : failed;
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

	/**
	 * The state of one logical call across its attempts.
	 */
	private final class Call {

		private final long startNanos = System.nanoTime();

		private final AtomicInteger attempts = new AtomicInteger();

		private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

		private volatile Instant attemptStarted;

		void observe(String outcome) {
			ResilientExchangeFilter.this.provider.observer()
				.onCall(ResilientExchangeFilter.this.provider.name(), outcome, this.attempts.get(),
						Duration.ofNanos(System.nanoTime() - this.startNanos));
		}

	}

}
