package dev.llmresilience.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.llmresilience.reactive.LlmClients;
import dev.llmresilience.reactive.ProviderStub;
import dev.llmresilience.reactive.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter seen from outside: a real application with actuator over HTTP, calling a provider
 * (WireMock) that closes the connection once before answering.
 */
// A cold JVM's first actuator request can outlast WebTestClient's default 5 s.
@AutoConfigureWebTestClient(timeout = "PT30S")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.reactor.netty.shutdown-quiet-period=0s", "server.shutdown=immediate",
				// Spring AI is on the test classpath for its own tests; its models need keys this test has not
				"spring.ai.model.chat=none", "spring.ai.model.embedding=none", "spring.ai.model.image=none",
				"spring.ai.model.audio.speech=none", "spring.ai.model.audio.transcription=none",
				"spring.ai.model.moderation=none",
				"management.endpoints.web.exposure.include=health,metrics,llmproviders,circuitbreakers,retries",
				"management.endpoint.health.show-details=always",
				"llm.resilience.defaults.retry.connection-backoff.initial=20ms",
				"llm.resilience.defaults.retry.overload-backoff.step=20ms",
				"llm.resilience.providers.synthetic.api-key=sk-integration-test",
				"llm.resilience.providers.anthropic.base-url=https://api.anthropic.com",
				"llm.resilience.providers.anthropic.protocol=anthropic" })
class ObservabilityIntegrationTests {

	private static final String PATH = "/v1/chat/completions";

	private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";

	// Calls this class has made: each ends in one http.client.requests observation, perhaps just after it returns.
	private static final AtomicInteger callsMade = new AtomicInteger();

	@RegisterExtension
	static final ProviderStub provider = new ProviderStub();

	@Autowired
	private LlmClients clients;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private WebTestClient actuator;

	@DynamicPropertySource
	static void providerBaseUrl(DynamicPropertyRegistry registry) {
		registry.add("llm.resilience.providers.synthetic.base-url", () -> provider.baseUrl() + "/v1");
	}

	@BeforeEach
	void closeConnectionOnceThenAnswer() {
		provider.server().resetAll();
		provider.failFirstThenAnswer(PATH, aResponse().withFault(Fault.EMPTY_RESPONSE), okJson(ANSWER));
	}

	@Test
	void countsTheRetriedPrematureCloseAndTheSuccessfulAttempt() {
		double retryable = attempts("retryable", "premature_close");
		double succeeded = attempts("success", "none");
		long backoffDelays = timerCount("llm.resilience.retry.delay", "source", "backoff");
		long successfulCalls = timerCount("llm.resilience.calls", "outcome", "success");
		assertThat(call()).isEqualTo(ANSWER);
		provider.server().verify(2, postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization",
				equalTo("Bearer sk-integration-test")));
		assertThat(attempts("retryable", "premature_close") - retryable).isEqualTo(1);
		assertThat(attempts("success", "none") - succeeded).isEqualTo(1);
		assertThat(timerCount("llm.resilience.retry.delay", "source", "backoff") - backoffDelays).isEqualTo(1);
		assertThat(timerCount("llm.resilience.calls", "outcome", "success") - successfulCalls).isEqualTo(1);
	}

	@Test
	void httpClientRequestsTimesTheCallNotEachAttempt() {
		// WebClient starts its observation outside its filters, so the retries run inside one observation.
		// An earlier test's observation may still be ending: count from when all of them have.
		await().atMost(Duration.ofSeconds(10)).until(() -> httpClientRequests() == callsMade.get());
		long before = httpClientRequests();
		double attemptsBefore = attempts("retryable", "premature_close") + attempts("success", "none");
		call();
		assertThat(attempts("retryable", "premature_close") + attempts("success", "none") - attemptsBefore)
			.isEqualTo(2);
		// the observation stops after the body is consumed, which may be just after the caller has it
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(httpClientRequests() - before).isEqualTo(1));
	}

	@Test
	void resilience4jMetersTheProvidersRetryUnderItsName() {
		this.actuator.get()
			.uri("/actuator/metrics/resilience4j.retry.calls?tag=name:synthetic")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("resilience4j.retry.calls")
			.jsonPath("$.availableTags[?(@.tag == 'kind')]")
			.exists();
	}

	@Test
	void listsTheProviderInTheLlmProvidersEndpoint() {
		call();
		this.actuator.get()
			.uri("/actuator/llmproviders")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.providers.synthetic.host")
			.isEqualTo("localhost:" + provider.server().port())
			.jsonPath("$.providers.synthetic.protocol")
			.isEqualTo("openai")
			.jsonPath("$.providers.synthetic.circuitBreaker.state")
			.isEqualTo("CLOSED")
			.jsonPath("$.providers.synthetic.recentAttempts.failed.premature_close")
			.isNumber()
			.jsonPath("$.providers.synthetic.policy.retry.maxAttempts")
			.isEqualTo(4)
			.jsonPath("$.providers.anthropic.protocol")
			.isEqualTo("anthropic");
		this.actuator.get()
			.uri("/actuator/llmproviders/synthetic")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.policy.timeouts.total")
			.isEqualTo("PT5M");
		this.actuator.get().uri("/actuator/llmproviders/unknown").exchange().expectStatus().isNotFound();
	}

	@Test
	void listsTheProviderInResilience4jsEndpoints() {
		this.actuator.get()
			.uri("/actuator/circuitbreakers")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.circuitBreakers.synthetic.state")
			.isEqualTo("CLOSED");
		this.actuator.get()
			.uri("/actuator/retries")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.retries")
			.value((retries) -> assertThat(retries).asString().contains("synthetic", "anthropic"));
	}

	@Test
	void showsEachBreakersStateInHealthWithoutFailingIt() {
		CircuitBreaker breaker = this.clients.provider("anthropic").circuitBreaker();
		breaker.transitionToOpenState();
		try {
			this.actuator.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP")
				.jsonPath("$.components.llmProviders.components.synthetic.status")
				.isEqualTo("UP")
				.jsonPath("$.components.llmProviders.components.synthetic.details.state")
				.isEqualTo("CLOSED")
				.jsonPath("$.components.llmProviders.components.anthropic.status")
				.isEqualTo("CIRCUIT_OPEN")
				.jsonPath("$.components.llmProviders.components.anthropic.details.state")
				.isEqualTo("OPEN")
				.jsonPath("$.components.llmProviders.components.anthropic.details.remainingOpen")
				.isNotEmpty();
			this.actuator.get()
				.uri("/actuator/health/llmProviders/anthropic")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("CIRCUIT_OPEN");
		}
		finally {
			breaker.transitionToClosedState();
		}
	}

	private String call() {
		String answer = TestProviders.postJson(this.clients.webClient("synthetic"), "/chat/completions",
				"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
			.block(Duration.ofSeconds(30));
		callsMade.incrementAndGet();
		return answer;
	}

	// every outcome, so that a failed attempt with an observation of its own would be counted too
	private long httpClientRequests() {
		return this.meterRegistry.find("http.client.requests")
			.tags("client.name", "localhost", "uri", PATH)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private long timerCount(String name, String tag, String value) {
		Timer timer = this.meterRegistry.find(name).tags("provider", "synthetic", tag, value).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private double attempts(String outcome, String cause) {
		var counter = this.meterRegistry.find("llm.resilience.attempts")
			.tags("provider", "synthetic", "outcome", outcome, "cause", cause)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
