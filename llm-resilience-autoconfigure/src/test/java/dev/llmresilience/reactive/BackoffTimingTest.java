package dev.llmresilience.reactive;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.core.ExponentialBackoff;
import dev.llmresilience.core.LinearBackoff;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetriesExhaustedException;
import dev.llmresilience.core.RetryPolicy;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits between attempts, on Reactor's virtual clock: the transport here is an exchange function
 * that fails every attempt, so only the filter's own timing is measured.
 */
class BackoffTimingTest {

	private static final ClientRequest REQUEST = ClientRequest
		.create(HttpMethod.POST, URI.create("http://provider.invalid/v1/messages"))
		.build();

	@Test
	void overloadWaitsGrowLinearly() {
		RetryPolicy retry = new RetryPolicy(4,
				new ExponentialBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 0.0),
				new LinearBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)), TestProviders.RETRY_ON,
				Duration.ofSeconds(60));
		List<Long> attemptTimes = new CopyOnWriteArrayList<>();
		ExchangeFunction overloaded = (request) -> Mono.fromSupplier(() -> {
			attemptTimes.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
			return ClientResponse.create(HttpStatusCode.valueOf(529)).build();
		});
		StepVerifier.withVirtualTime(() -> filter(retry).filter(REQUEST, overloaded))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(6))
			.expectError(RetriesExhaustedException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(gaps(attemptTimes)).containsExactly(1000L, 2000L, 3000L);
	}

	@Test
	void connectionFailureWaitsGrowExponentially() {
		RetryPolicy retry = new RetryPolicy(4,
				new ExponentialBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 0.0),
				new LinearBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)), TestProviders.RETRY_ON,
				Duration.ofSeconds(60));
		List<Long> attemptTimes = new CopyOnWriteArrayList<>();
		ExchangeFunction closing = (request) -> Mono.defer(() -> {
			attemptTimes.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
			return Mono.error(new WebClientRequestException(
					new IOException("Connection prematurely closed BEFORE response"), HttpMethod.POST,
					request.url(), HttpHeaders.EMPTY));
		});
		StepVerifier.withVirtualTime(() -> filter(retry).filter(REQUEST, closing))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(4))
			.expectError(RetriesExhaustedException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(gaps(attemptTimes)).containsExactly(500L, 1000L, 2000L);
	}

	private static ResilientExchangeFilter filter(RetryPolicy retry) {
		ProviderPolicy base = TestProviders.policy("http://provider.invalid");
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(), retry,
				base.circuitBreaker(), base.timeouts());
		return new ResilientExchangeFilter(TestProviders.resilience(policy));
	}

	private static List<Long> gaps(List<Long> times) {
		return java.util.stream.IntStream.range(1, times.size()).mapToObj((i) -> times.get(i) - times.get(i - 1)).toList();
	}

}
