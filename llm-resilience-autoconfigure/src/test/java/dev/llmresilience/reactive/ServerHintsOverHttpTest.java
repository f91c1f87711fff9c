package dev.llmresilience.reactive;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.DeadlineExceededException;
import dev.llmresilience.core.LinearBackoff;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetryPolicy;
import dev.llmresilience.core.ServerDelayTooLongException;
import dev.llmresilience.core.TimeoutPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the server says, heard over real HTTP: waits it names, retries it forbids or asks for, bodies cut
 * off part-way, and one deadline across attempts.
 */
class ServerHintsOverHttpTest {

	private static final String PATH = "/v1/chat/completions";

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";

	@RegisterExtension
	final ProviderStub provider = new ProviderStub();

	@Test
	void waitsAtLeastTheRetryAfterSeconds() {
		failFirstThenAnswer(aResponse().withStatus(429).withHeader("Retry-After", "1"));
		assertThat(call(TestProviders.webClient(policy(UnaryOperator.identity())))).isEqualTo(ANSWER);
		assertThat(gapBetweenRequests()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void waitsTheRetryAfterMillisecondsNotASecond() {
		failFirstThenAnswer(aResponse().withStatus(429).withHeader("retry-after-ms", "300").withHeader("Retry-After", "5"));
		assertThat(call(TestProviders.webClient(policy(UnaryOperator.identity())))).isEqualTo(ANSWER);
		// neither the 5 s the coarser header names nor a second rounded up from 300 ms
		assertThat(gapBetweenRequests()).isGreaterThanOrEqualTo(Duration.ofMillis(300))
			.isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void honoursARetryAfterHttpDate() {
		// three seconds ahead: the named second is then at least two seconds after the first attempt
		Instant at = Instant.now().plusSeconds(3);
		String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(at, ZoneOffset.UTC));
		failFirstThenAnswer(aResponse().withStatus(503).withHeader("Retry-After", date));
		assertThat(call(TestProviders.webClient(policy(UnaryOperator.identity())))).isEqualTo(ANSWER);
		List<LoggedRequest> requests = requests();
		// the date has whole seconds: the retry comes no earlier than the second it names
		Instant named = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		assertThat(requests.get(1).getLoggedDate().toInstant()).isAfterOrEqualTo(named.minusMillis(50));
		assertThat(gapBetweenRequests()).isGreaterThan(Duration.ofMillis(1500));
	}

	@Test
	void failsFastWhenTheServerAsksForMoreThanMaxServerDelay() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
		WebClient client = TestProviders.webClient(policy((retry) -> withMaxServerDelay(retry, Duration.ofSeconds(2))));
		long start = System.nanoTime();
		assertThatExceptionOfType(ServerDelayTooLongException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> {
				assertThat(ex.getRetryAt()).isBetween(Instant.now().plusSeconds(110), Instant.now().plusSeconds(121));
				assertThat(ex.getAttempts()).isEqualTo(1);
				assertThat(ex.getMessage()).contains("status_429");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void keepsTheBreakerOpenForAServerAskedWaitLongerThanItsOwn() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));
		ProviderPolicy policy = policy((retry) -> withMaxServerDelay(retry, Duration.ofSeconds(2)));
		policy = new ProviderPolicy(policy.name(), policy.baseUrl(), policy.protocol(), policy.retry(),
				new CircuitBreakerPolicy(50, 20, 10, Duration.ofMillis(500), 1), policy.timeouts());
		WebClient client = TestProviders.webClient(policy);
		assertThatExceptionOfType(ServerDelayTooLongException.class).isThrownBy(() -> call(client));
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getRemainingOpen()).isGreaterThan(Duration.ofSeconds(4))
				.isLessThanOrEqualTo(Duration.ofSeconds(5)));
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void sendsOnceWhenTheServerSaysNotToRetry() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withHeader("x-should-retry", "false")
			.withBody("{\"error\":{\"message\":\"down for maintenance\"}}")));
		assertThatExceptionOfType(WebClientResponseException.class)
			.isThrownBy(() -> call(TestProviders.webClient(policy(UnaryOperator.identity()))))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(503);
				assertThat(ex.getResponseBodyAsString()).contains("down for maintenance");
			});
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void retriesAClientErrorWhenTheServerAsksForIt() {
		failFirstThenAnswer(aResponse().withStatus(400).withHeader("x-should-retry", "true"));
		assertThat(call(TestProviders.webClient(policy(UnaryOperator.identity())))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void neverRetriesAnExhaustedQuota() {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
					+ "\"code\":\"insufficient_quota\"}}")));
		assertThatExceptionOfType(WebClientResponseException.class)
			.isThrownBy(() -> call(TestProviders.webClient(policy(UnaryOperator.identity()))))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("insufficient_quota"));
		this.provider.verifyPosts(1, PATH);
	}

	@Test
	void retriesABodyCutOffDuringTheResponse() {
		failFirstThenAnswer(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));
		assertThat(call(TestProviders.webClient(policy(UnaryOperator.identity())))).isEqualTo(ANSWER);
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void retriesAJsonBodyThatEndsBeforeItCloses() {
		failFirstThenAnswer(okJson("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"Hel"));
		java.util.Map<String, Object> answer = TestProviders.webClient(policy(UnaryOperator.identity())).post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<java.util.Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
		assertThat(answer).containsEntry("id", "chatcmpl-1");
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void endsAtTheDeadlineWhenRetryingWouldCrossIt() {
		WebClient client = alwaysDown(Duration.ofSeconds(1), Duration.ofSeconds(3));
		long start = System.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class).isThrownBy(() -> call(client))
			.satisfies((ex) -> assertThat(ex.getDeadline()).isEqualTo(Duration.ofSeconds(3)));
		// attempts at 0 and 1 s; the next wait of 2 s would cross the deadline, so the call ends there,
		// well before the deadline, instead of sleeping into it
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
		this.provider.verifyPosts(2, PATH);
	}

	@Test
	void endsWithinAOneSecondDeadlineWhenTheProviderIsAlwaysDown() {
		WebClient client = alwaysDown(Duration.ofMillis(200), Duration.ofSeconds(1));
		long start = System.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class).isThrownBy(() -> call(client))
			// attempts at 0, 0.2 and 0.6 s at most: the next wait of 0.6 s would cross the deadline
			.satisfies((ex) -> assertThat(ex.getAttempts()).isBetween(1, 3));
		// the deadline and a small slack, where 100 attempts would take minutes
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void endsAtTheDeadlineWhileAnAttemptIsUnderWay() {
		this.provider.stubFor(post(PATH).willReturn(okJson(ANSWER).withFixedDelay(5_000)));
		WebClient client = TestProviders
			.webClient(withTimeouts(policy(UnaryOperator.identity()), Duration.ofSeconds(10), Duration.ofSeconds(1)));
		long start = System.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class).isThrownBy(() -> call(client));
		// the answer would take 5 s: ending near 1 s shows the deadline, with room for a slow machine
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900),
				Duration.ofMillis(2500));
	}

	private ProviderPolicy policy(UnaryOperator<RetryPolicy> retry) {
		ProviderPolicy policy = TestProviders.policy(this.provider.baseUrl());
		return TestProviders.with(policy, (r) -> retry.apply(r.withBudget(dev.llmresilience.core.BudgetPolicy.DEFAULT)));
	}

	private static RetryPolicy withMaxServerDelay(RetryPolicy retry, Duration maxServerDelay) {
		return new RetryPolicy(retry.maxAttempts(), retry.connectionBackoff(), retry.overloadBackoff(),
				retry.retryOnStatus(), maxServerDelay, retry.budget());
	}

	/**
	 * Return a client for a provider that always answers 503, allowing 100 attempts a linear backoff apart
	 * within a deadline.
	 */
	private WebClient alwaysDown(Duration backoffStep, Duration deadline) {
		this.provider.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		ProviderPolicy policy = withTimeouts(policy((retry) -> new RetryPolicy(100, retry.connectionBackoff(),
				new LinearBackoff(backoffStep, Duration.ofSeconds(10)), retry.retryOnStatus(), retry.maxServerDelay(),
				retry.budget())), Duration.ofSeconds(5), deadline);
		return TestProviders.webClient(policy);
	}

	private static ProviderPolicy withTimeouts(ProviderPolicy policy, Duration response, Duration total) {
		return new ProviderPolicy(policy.name(), policy.baseUrl(), policy.protocol(), policy.retry(),
				policy.circuitBreaker(), new TimeoutPolicy(Duration.ofSeconds(2), response, Duration.ofSeconds(5), total));
	}

	private void failFirstThenAnswer(ResponseDefinitionBuilder failure) {
		this.provider.failFirstThenAnswer(PATH, failure, okJson(ANSWER));
	}

	private List<LoggedRequest> requests() {
		List<LoggedRequest> requests = this.provider.requests(PATH);
		assertThat(requests).hasSize(2);
		return requests;
	}

	private Duration gapBetweenRequests() {
		List<LoggedRequest> requests = requests();
		return Duration.between(requests.get(0).getLoggedDate().toInstant(), requests.get(1).getLoggedDate().toInstant());
	}

	private static String call(WebClient client) {
		return TestProviders.postJson(client, PATH, "{}").block(Duration.ofSeconds(20));
	}

}
