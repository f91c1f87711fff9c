package dev.llmresilience.sample;

import dev.llmresilience.autoconfigure.LlmResilienceProperties;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.reactive.LlmClients;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo as the application does at start-up, against the embedded fake provider with a fixed seed, and
 * checks its summary against the fake's own counts.
 */
// The two faults the test is about, plus broken streams and error events. The fake's draws are seeded, but which
// request meets which draw depends on how eight concurrent calls interleave, so the demo's 20-attempt breaker window
// could open on an unlucky order and fail calls before any attempt. The breaker's minimum here is above the most
// attempts 40 calls can make (6 each), so it stays closed and every call gets its retries. No fault here is slow,
// so the timeouts only guard against a hang: the demo's own (2.5 s to the first byte) could cut off an attempt of a
// cold JVM before the fake has counted it, and the two sides would disagree for the wrong reason.
@SpringBootTest(properties = { "demo.calls=40", "demo.concurrency=8", "demo.interval=0ms",
		"llm.resilience.defaults.timeouts.connect=30s", "llm.resilience.defaults.timeouts.response=30s",
		"llm.resilience.defaults.timeouts.stream-idle=30s", "llm.resilience.defaults.timeouts.total=2m",
		"llm.resilience.defaults.circuit-breaker.sliding-window-size=300",
		"llm.resilience.defaults.circuit-breaker.minimum-number-of-calls=300",
		"demo.fake-provider.seed=19", "demo.fake-provider.rates.premature-close=0.15",
		"demo.fake-provider.rates.overloaded=0.12", "demo.fake-provider.rates.connection-reset=0",
		"demo.fake-provider.rates.slow-first-byte=0", "demo.fake-provider.rates.rate-limit=0",
		"demo.fake-provider.rates.unavailable=0", "demo.fake-provider.rates.stream-error-event=0.05",
		"demo.fake-provider.rates.stream-broken=0.05", "demo.fake-provider.outage.duration=0",
		"llm.resilience.providers.anthropic.api-key=sk-ant-stays-home" })
class SampleDemoTests {

	@Autowired
	private DemoRun demo;

	@Autowired
	private FakeProvider fake;

	@Test
	void everyAttemptTheStarterMadeReachedTheFakeProvider() {
		DemoSummary summary = this.demo.summary().orElseThrow();
		assertThat(summary.transitions()).as(summary::render).isEmpty();
		assertThat(summary.attemptsMade()).as(summary::render)
			.isGreaterThan(summary.calls())
			.isEqualTo(summary.fake().received())
			.isEqualTo(this.fake.stats().snapshot().received());
		assertThat(summary.countsAgree()).isTrue();
		assertThat(this.demo.getExitCode()).isZero();
		assertThat(summary.render()).contains("the counts agree");
	}

	@Test
	void everyCallEndedInAnAnswerOrATypedFailure() {
		DemoSummary summary = this.demo.summary().orElseThrow();
		assertThat(summary.calls()).as(summary::render).isEqualTo(40);
		assertThat(summary.otherFailures()).isEmpty();
		assertThat(summary.succeeded() + summary.typedFailureCount()).isEqualTo(40);
		assertThat(summary.everyCallEndedTyped()).isTrue();
		assertThat(summary.succeeded()).isPositive();
	}

	@Test
	void pointsEveryProviderAtTheFakeWithoutItsApiKey(@Autowired LlmClients clients,
			@Autowired LlmResilienceProperties properties) {
		assertThat(clients.names()).containsExactlyInAnyOrder("synthetic", "anthropic");
		assertThat(clients.provider("anthropic").policy().baseUrl()).hasToString(this.fake.baseUrl());
		assertThat(clients.provider("synthetic").policy().baseUrl()).hasToString(this.fake.baseUrl() + "/v1");
		assertThat(properties.getProviders().get("anthropic").getApiKey()).isEmpty();
	}

	@Test
	void retriesConnectionsClosedBeforeTheResponseAndOverloads() {
		DemoSummary summary = this.demo.summary().orElseThrow();
		assertThat(summary.retries()).as(summary::render).containsKeys("premature_close", "status_529");
		assertThat(summary.attempts()).containsKeys("premature_close", "status_529");
		// What the fake injected is what the starter saw, cause by cause.
		assertThat(summary.attempts().get("premature_close")).isEqualTo(summary.fake().faults(Fault.PREMATURE_CLOSE));
		assertThat(summary.attempts().get("status_529")).isEqualTo(summary.fake().faults(Fault.OVERLOADED));
	}

}
