package dev.llmresilience.reactive;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.LlmResilienceException;
import dev.llmresilience.core.ProviderPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider that is down for a while under steady concurrent traffic: the breaker and the retry budget
 * keep upstream attempts per call near one, where a plain retry would send every call's
 * {@code max-attempts}, and calls succeed again once the provider is back.
 */
class OutageTest {

	/** The bound the README states for upstream attempts per logical call during an outage. */
	static final double MAX_ATTEMPTS_PER_CALL_IN_OUTAGE = 1.2;

	private static final String PATH = "/v1/chat/completions";

	private static final int CALLS = 400;

	@RegisterExtension
	final ProviderStub provider = new ProviderStub(options().dynamicPort().containerThreads(32));

	@Test
	void keepsUpstreamAttemptsPerCallNearOneWhileTheProviderIsDownAndRecovers() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		ProviderPolicy base = TestProviders.policy(this.provider.baseUrl());
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(),
				base.retry().withMaxAttempts(4), new CircuitBreakerPolicy(50, 20, 10, Duration.ofMillis(300), 2),
				base.timeouts());
		WebClient client = TestProviders.webClient(policy);
		AtomicInteger typedFailures = new AtomicInteger();
		AtomicInteger failedFast = new AtomicInteger();
		// one call every 5 ms for 2 s, up to 64 in flight
		Flux.interval(Duration.ofMillis(5))
			.take(CALLS)
			.onBackpressureBuffer()
			.flatMap((i) -> call(client).then(Mono.<Void>empty()).onErrorResume(LlmResilienceException.class, (ex) -> {
				typedFailures.incrementAndGet();
				if (ex instanceof CircuitOpenException) {
					failedFast.incrementAndGet();
				}
				return Mono.empty();
			}), 64)
			.blockLast(Duration.ofSeconds(30));
		int upstream = this.provider.requests(PATH).size();
		double perCall = (double) upstream / CALLS;
		System.out.printf("outage: %d calls, %d upstream attempts, %.3f per call (plain retry: 4.0)%n", CALLS,
				upstream, perCall);
		assertThat(typedFailures).hasValue(CALLS);
		// the breaker, not the retry budget (which alone allows about 1.12), keeps most calls off the provider
		assertThat(failedFast).as("calls failed fast by the open breaker").hasValueGreaterThan(CALLS / 2);
		assertThat(perCall).isLessThanOrEqualTo(MAX_ATTEMPTS_PER_CALL_IN_OUTAGE);

		this.provider.server().resetAll();
		this.provider.stubFor(post(PATH).willReturn(okJson("{\"id\":\"ok\"}")));
		long recovery = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
			.until(() -> call(client).block(Duration.ofSeconds(5)) != null);
		System.out.printf("outage: first success %d ms after recovery%n",
				Duration.ofNanos(System.nanoTime() - recovery).toMillis());
	}

	@Test
	void theRetryBudgetAloneKeepsAttemptsPerCallNearOneWhenTheBreakerNeverOpens() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		ProviderPolicy base = TestProviders.policy(this.provider.baseUrl());
		ProviderPolicy policy = new ProviderPolicy(base.name(), base.baseUrl(), base.protocol(),
				base.retry().withMaxAttempts(4).withBudget(dev.llmresilience.core.BudgetPolicy.DEFAULT),
				new CircuitBreakerPolicy(100, 100_000, 100_000, Duration.ofSeconds(30), 1), base.timeouts());
		ProviderResilience resilience = TestProviders.resilience(policy);
		WebClient client = TestProviders.webClient(resilience);
		Flux.range(0, CALLS)
			.flatMap((i) -> call(client).then(Mono.<Void>empty()).onErrorResume(LlmResilienceException.class,
					(ex) -> Mono.empty()), 16)
			.blockLast(Duration.ofSeconds(60));
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls()).isZero();
		int upstream = this.provider.requests(PATH).size();
		double perCall = (double) upstream / CALLS;
		System.out.printf("outage, budget only: %d calls, %d upstream attempts, %.3f per call%n", CALLS, upstream,
				perCall);
		assertThat(perCall).isLessThanOrEqualTo(MAX_ATTEMPTS_PER_CALL_IN_OUTAGE);
	}

	private static Mono<String> call(WebClient client) {
		return TestProviders.postJson(client, PATH, "{}");
	}

}
