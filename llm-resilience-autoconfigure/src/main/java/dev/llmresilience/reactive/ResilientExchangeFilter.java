package dev.llmresilience.reactive;

import java.time.Duration;

import dev.llmresilience.call.AttemptFailedException;
import dev.llmresilience.call.AttemptJudge;
import dev.llmresilience.call.BodyShape;
import dev.llmresilience.call.CallState;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.http.MediaType;
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

	private static final String CALL = "llm-resilience.call";

	private static final String ATTEMPT = "llm-resilience.attempt";

	private final ProviderResilience provider;

	private final StreamGuard streams;

	private final AttemptJudge judge;

	private final CircuitBreakerOperator<ClientResponse> circuitBreaker;

	private final RetryOperator<ClientResponse> retry;

	/**
	 * Create the filter that runs a WebClient's exchanges under a provider's resilience.
	 * @param provider the provider's resilience
	 */
	public ResilientExchangeFilter(ProviderResilience provider) {
		this.provider = provider;
		this.streams = new StreamGuard(provider);
		this.judge = new AttemptJudge(provider);
		this.circuitBreaker = CircuitBreakerOperator.of(provider.circuitBreaker());
		this.retry = RetryOperator.of(provider.retry());
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		if (request.attribute(ProviderResilience.PROVIDER_ATTRIBUTE).isPresent()) {
			return next.exchange(request);
		}
		// the mark travels in Reactor's context, which reaches every filter nested inside this one, rather
		// than in a copy of the request made for every call
		return Mono.deferContextual((context) -> context.hasKey(ProviderResilience.PROVIDER_ATTRIBUTE)
				? next.exchange(request) : resilient(request, next)
					.contextWrite(Context.of(ProviderResilience.PROVIDER_ATTRIBUTE, this.provider.name())));
	}

	private Mono<ClientResponse> resilient(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			CallState call = new CallState(this.provider);
			return Mono.defer(() -> attempt(request, next, call))
				.transformDeferred(this.circuitBreaker)
				.transformDeferred(this.retry)
				// named so that timeout() describes its exception without walking the whole chain per call
				.name(CALL)
				.timeout(this.provider.policy().timeouts().total())
				// a client error handed to the caller untouched ended the call without success
				.doOnSuccess((response) -> call
					.ended((response != null && response.statusCode().isError()) ? "fatal" : "success"))
				.onErrorMap((ex) -> this.judge.callFailure(ex, call));
		});
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, CallState call) {
		call.startAttempt();
		Duration responseTimeout = min(this.provider.policy().timeouts().response(), call.remaining());
		return next.exchange(request)
			.name(ATTEMPT)
			.timeout(responseTimeout)
			.flatMap((response) -> inspect(response, call))
			.onErrorMap((ex) -> !(ex instanceof AttemptFailedException),
					(ex) -> this.judge.failed(this.judge.classify(ex), ex, call));
	}

	private Mono<ClientResponse> inspect(ClientResponse response, CallState call) {
		int status = response.statusCode().value();
		MediaType type = response.headers().contentType().orElse(null);
		if (status < 400) {
			if (StreamGuard.isEventStream(response.statusCode(), type)) {
				// the attempt lasts until the stream's first event: errors before it are retried, none after
				return this.streams.awaitFirstEvent(response, call,
						(failure) -> this.judge.failed(failure, null, call));
			}
			if (BodyShape.isStream(type)) {
				// other streaming types (NDJSON) are handed over unbuffered and unguarded
				return Mono.just(succeeded(response));
			}
			return ResponseBodies
				.buffer(response, this.provider.bodyLimit(), BodyShape.isCheckableJson(type),
						() -> this.judge.failed(Failure.of(FailureKind.TRUNCATED_BODY), null, call))
				.map(this::succeeded);
		}
		if (!this.judge.mayRetry(status, response.headers().asHttpHeaders()::getFirst)) {
			this.judge.notRetried(new Failure(FailureKind.FATAL, status, null));
			return Mono.just(response);
		}
		return ResponseBodies.text(response, AttemptJudge.ERROR_BODY_LIMIT).flatMap((body) -> {
			Failure failure = this.judge.classify(status, response.headers().asHttpHeaders()::getFirst, body);
			if (!failure.isRetryable()) {
				this.judge.notRetried(failure);
				return Mono.just(response.mutate().body(body).build());
			}
			return Mono.error(this.judge.failed(failure, null, call));
		});
	}

	private ClientResponse succeeded(ClientResponse response) {
		this.judge.succeeded();
		return response;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
