package dev.llmresilience.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.llmresilience.core.RetryDecision.DelaySource;
import dev.llmresilience.core.RetryDecision.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPlannerTest {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration FOREVER = Duration.ofDays(1);

	private final RetryPolicy policy = new RetryPolicy(4,
			new ExponentialBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 0.0),
			new LinearBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10)), Set.of(429, 503, 529),
			Duration.ofSeconds(60));

	private final RetryPlanner planner = new RetryPlanner(this.policy, RetryBudget.unlimited(), () -> 0.5);

	@Test
	void connectionFailuresBackOffExponentially() {
		Failure failure = Failure.of(FailureKind.PREMATURE_CLOSE);
		assertThat(this.planner.decide(failure, 1, 4, FOREVER, NOW).delay()).isEqualTo(Duration.ofMillis(500));
		assertThat(this.planner.decide(failure, 2, 4, FOREVER, NOW).delay()).isEqualTo(Duration.ofMillis(1000));
		assertThat(this.planner.decide(failure, 3, 4, FOREVER, NOW).delay()).isEqualTo(Duration.ofMillis(2000));
	}

	@Test
	void overloadBacksOffLinearly() {
		Failure failure = new Failure(FailureKind.OVERLOAD, 529, ServerHints.none());
		RetryDecision first = this.planner.decide(failure, 1, 4, FOREVER, NOW);
		assertThat(first.delay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(first.source()).isEqualTo(DelaySource.BACKOFF);
		assertThat(this.planner.decide(failure, 2, 4, FOREVER, NOW).delay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.planner.decide(failure, 3, 4, FOREVER, NOW).delay()).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void stopsAfterTheLastAttempt() {
		assertThat(this.planner.decide(Failure.of(FailureKind.CONNECTION_RESET), 4, 4, FOREVER, NOW).verdict())
			.isEqualTo(Verdict.EXHAUSTED);
	}

	@Test
	void neverRetriesFatalFailures() {
		assertThat(this.planner.decide(new Failure(FailureKind.FATAL, 400, null), 1, 4, FOREVER, NOW).verdict())
			.isEqualTo(Verdict.FATAL);
	}

	@Test
	void doesNotStartARetryWhoseWaitCrossesTheDeadline() {
		RetryDecision decision = this.planner.decide(new Failure(FailureKind.OVERLOAD, 503, null), 1, 4,
				Duration.ofMillis(999), NOW);
		assertThat(decision.verdict()).isEqualTo(Verdict.DEADLINE);
	}

}
