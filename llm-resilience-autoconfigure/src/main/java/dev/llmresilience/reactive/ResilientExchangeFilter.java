package dev.llmresilience.reactive;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

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

	/**
	 * Key naming the provider whose resilience already runs a request, in Reactor's context (reactive) or
	 * the request's attributes (blocking): an inner filter or interceptor that finds it lets the request
	 * through, so attempts never multiply.
	 */
	public static final String PROVIDER_ATTRIBUTE = "dev.llmresilience.provider";

	/** Error bodies are read only this far for hints: they are small, and never handed to logs. */
	private static final int ERROR_BODY_LIMIT = 64 * 1024;

	private static final String CALL = "llm-resilience.call";

	private static final String ATTEMPT = "llm-resilience.attempt";

	private final ProviderResilience provider;

	private final StreamGuard streams;

	private final AttemptJudge judge;

	ResilientExchangeFilter(ProviderResilience provider) {
		this.provider = provider;
		this.streams = new StreamGuard(provider);
		this.judge = new AttemptJudge(provider);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (request.attribute(PROVIDER_ATTRIBUTE).isPresent()) {
			return next.exchange(request);
		}
		// the mark travels in Reactor's context, which reaches every filter nested inside this one, rather
		// than in a copy of the request made for every call
		return Mono.deferContextual((context) -> context.hasKey(PROVIDER_ATTRIBUTE) ? next.exchange(request)
				: resilient(request, next).contextWrite(Context.of(PROVIDER_ATTRIBUTE, this.provider.name())));
	}

	private Mono<ClientResponse> resilient(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			Call call = new Call();
			return Mono.defer(() -> attempt(request, next, call))
				.transformDeferred(CircuitBreakerOperator.of(this.provider.circuitBreaker()))
				.transformDeferred(RetryOperator.of(this.provider.retry()))
				// named so that timeout() describes its exception without walking the whole chain per call
				.name(CALL)
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
			.name(ATTEMPT)
			.timeout(responseTimeout)
			.flatMap((response) -> inspect(response, call, attempt))
			.onErrorMap((ex) -> !(ex instanceof AttemptFailedException),
					(ex) -> failed(classify(ex), ex, call, attempt));
	}

	private Failure classify(Throwable ex) {
		if (ex instanceof ResponseBodies.TruncatedBodyException) {
			return Failure.of(FailureKind.TRUNCATED_BODY);
		}
		return this.judge.classify(ex);
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
		if (!this.judge.mayRetry(status, response.headers().asHttpHeaders()::getFirst)) {
			this.judge.notRetried(new Failure(FailureKind.FATAL, status, null));
			return Mono.just(response);
		}
		return ResponseBodies.text(response, ERROR_BODY_LIMIT).flatMap((body) -> {
			Failure failure = this.judge.classify(status, response.headers().asHttpHeaders()::getFirst, body);
			if (!failure.isRetryable()) {
				this.judge.notRetried(failure);
				return Mono.just(response.mutate().body(body).build());
			}
			return Mono.error(failed(failure, null, call, attempt));
		});
	}

	private ClientResponse succeeded(ClientResponse response) {
		this.judge.succeeded();
		return response;
	}

	private RuntimeException failed(Failure failure, Throwable cause, Call call, int attempt) {
		call.lastFailure.set(failure);
		return this.judge.failed(failure, cause, attempt, call.remaining());
	}

	private Throwable callFailure(Throwable ex, Call call) {
		Throwable result = this.judge.callFailure(ex, call.attempts.get(), call.lastFailure.get());
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
