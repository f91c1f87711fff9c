package dev.llmresilience.blocking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.llmresilience.call.AttemptJudge;
import dev.llmresilience.call.BodyShape;
import dev.llmresilience.call.CallState;
import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs each RestClient request to one provider under its resilience4j Retry and CircuitBreaker, the
 * same instances and the same per-attempt decisions as the reactive {@code ResilientExchangeFilter}.
 * <p>
 * Retryable statuses become failures here (their bodies read for hints), connection errors are
 * classified along their cause chain, and non-streaming bodies are read to their end (up to the
 * provider's body limit) so that a cut-off JSON body is retried. The breaker sits inside the retry so
 * it records every attempt. Being blocking, it differs from the reactive filter in three ways:
 * resilience4j's Retry sleeps the calling thread between attempts; an attempt's wait for its response
 * is bounded by the request factory's read timeout, not by {@code timeouts.response}; and
 * {@code timeouts.total} is checked when a retry is planned, never by interrupting an attempt.
 * <p>
 * Keep it the last interceptor: Spring walks a RestClient's interceptors once per request, so an
 * interceptor after this one would run on the first attempt only.
 */
public final class ResilientRequestInterceptor implements ClientHttpRequestInterceptor {

	private final ProviderResilience provider;

	private final AttemptJudge judge;

	/**
	 * Create the interceptor for one provider.
	 * @param provider the provider's resilience
	 */
	public ResilientRequestInterceptor(ProviderResilience provider) {
		this.provider = provider;
		this.judge = new AttemptJudge(provider);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (alreadyResilient(request)) {
			return execution.execute(request, body);
		}
		CallState call = new CallState(this.provider);
		CheckedSupplier<ClientHttpResponse> attempts = Retry.decorateCheckedSupplier(this.provider.retry(),
				CircuitBreaker.decorateCheckedSupplier(this.provider.circuitBreaker(),
						() -> attempt(request, body, execution, call)));
		try {
			ClientHttpResponse response = attempts.get();
			// a client error handed to the caller untouched ended the call without success
			call.ended(response.getStatusCode().isError() ? "fatal" : "success");
			return response;
		}
		catch (Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw rethrow(this.judge.callFailure(ex, call));
		}
	}

	/**
	 * Mark the request as run under this provider's resilience, unless an outer filter or interceptor
	 * already does: nesting would multiply attempts.
	 */
	private boolean alreadyResilient(HttpRequest request) {
		Map<String, Object> attributes = request.getAttributes();
		if (attributes.containsKey(ProviderResilience.PROVIDER_ATTRIBUTE)) {
			return true;
		}
		try {
			attributes.put(ProviderResilience.PROVIDER_ATTRIBUTE, this.provider.name());
		}
		catch (UnsupportedOperationException ex) {
			// a request with fixed attributes only loses the guard against nesting
		}
		return false;
	}

	private ClientHttpResponse attempt(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			CallState call) {
		call.startAttempt();
		ClientHttpResponse response;
		try {
			response = execution.execute(request, body);
		}
		catch (IOException | RuntimeException ex) {
			throw this.judge.failed(this.judge.classify(ex), ex, call);
		}
		try {
			return inspect(response, call);
		}
		catch (IOException ex) {
			response.close();
			throw this.judge.failed(this.judge.classify(ex), ex, call);
		}
	}

	private ClientHttpResponse inspect(ClientHttpResponse response, CallState call) throws IOException {
		int status = response.getStatusCode().value();
		HttpHeaders headers = response.getHeaders();
		if (status < 400) {
			MediaType type = headers.getContentType();
			if (BodyShape.isStream(type)) {
				this.judge.succeeded();
				return response;
			}
			BufferedResponse.Read read = BufferedResponse.read(response, this.provider.bodyLimit());
			// a body longer than the limit goes back unchecked: failing it would be worse than no starter
			if (read.complete() && BodyShape.isCheckableJson(type) && BodyShape.endsEarly(read.bytes())) {
				response.close();
				throw this.judge.failed(Failure.of(FailureKind.TRUNCATED_BODY), null, call);
			}
			this.judge.succeeded();
			return read.replay();
		}
		if (!this.judge.mayRetry(status, headers::getFirst)) {
			this.judge.notRetried(new Failure(FailureKind.FATAL, status, null));
			return response;
		}
		BufferedResponse.Read read = BufferedResponse.read(response, AttemptJudge.ERROR_BODY_LIMIT);
		Failure failure = this.judge.classify(status, headers::getFirst,
				new String(read.bytes(), StandardCharsets.UTF_8));
		if (!failure.isRetryable()) {
			this.judge.notRetried(failure);
			return read.replay();
		}
		response.close();
		throw this.judge.failed(failure, null, call);
	}

	/**
	 * Return a failure as the interceptor may raise it: unchecked ones are raised here, I/O failures
	 * returned as they are, anything else wrapped.
	 */
	private static IOException rethrow(Throwable failure) {
		if (failure instanceof RuntimeException ex) {
			throw ex;
		}
		if (failure instanceof Error ex) {
			throw ex;
		}
		return (failure instanceof IOException ex) ? ex : new IOException(failure);
	}

}
