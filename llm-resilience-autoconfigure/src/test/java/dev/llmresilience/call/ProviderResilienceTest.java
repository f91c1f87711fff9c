package dev.llmresilience.call;

import java.time.Duration;
import java.time.Instant;

import dev.llmresilience.reactive.TestProviders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProviderResilienceTest {

	@Test
	void aShorterServerWaitNeverCutsALongerOneShort() {
		ProviderResilience provider = TestProviders.resilience(TestProviders.policy("http://provider.invalid"));
		Instant now = ProviderResilience.now();
		provider.openUntil(now.plusSeconds(3));
		provider.openUntil(now.plusMillis(500));
		CircuitBreaker breaker = provider.circuitBreaker();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(provider.remainingOpen()).isGreaterThan(Duration.ofSeconds(2));
		// well past the shorter wait, the breaker still lets nothing through
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(2))
			.until(() -> !breaker.tryAcquirePermission());
	}

}
