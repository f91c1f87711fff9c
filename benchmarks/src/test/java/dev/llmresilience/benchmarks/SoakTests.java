package dev.llmresilience.benchmarks;

import java.time.Duration;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short soak through the starter, part of every build: mixed faults, streaming and not, and afterwards every
 * call accounted for, none past its deadline, the connection pool idle and the heap flat. The long soak is part of
 * the on-demand benchmark run.
 */
class SoakTests {

	private static final SoakScenario.Settings SHORT = new SoakScenario.Settings(Duration.ofSeconds(12), 400, 128,
			10_000, 0.3, 6, BenchmarkRunner.DEFAULT_SEED);

	// A cold JVM's first seconds of class loading and compilation at 400 calls a second would time out attempts and
	// skew the heap's first third: the measured run starts warm.
	private static final SoakScenario.Settings WARM_UP = new SoakScenario.Settings(Duration.ofSeconds(2), 100, 32,
			10_000, 0.3, 3, BenchmarkRunner.DEFAULT_SEED);

	@Test
	void everyCallEndsAccountedForWithinItsDeadlineAndLeavesNothingBehind() {
		new SoakScenario(WARM_UP).measure();
		SoakScenario.SoakResult result = new SoakScenario(SHORT).measure();
		System.out.println(new SoakScenario(SHORT).report(result).markdown());

		assertThat(result.loadEnded()).as("load ended by itself").isTrue();
		assertThat(result.totalStarted()).isPositive();
		assertThat(result.provider().totalFaults()).as("faults injected").isPositive();
		assertThat(result.totalUnaccounted()).as("calls started but never ended").isZero();
		assertThat(result.outcomes().get(SoakScenario.Kind.JSON).untypedFailures())
			.as("JSON calls ending in anything but success or LlmResilienceException: %s",
					result.outcomes().get(SoakScenario.Kind.JSON).failureSummary())
			.isZero();
		assertThat(result.outcomes().get(SoakScenario.Kind.STREAM).untypedFailures())
			.as("streams ending in anything but success or LlmResilienceException: %s",
					result.outcomes().get(SoakScenario.Kind.STREAM).failureSummary())
			.isZero();
		assertThat(result.overDeadline()).as("calls outliving deadline + slack").isZero();
		assertThat(result.pool().pools()).as("connection pools watched").isPositive();
		assertThat(result.pool().isIdle()).as("connection pool idle after the run: %s", result.pool()).isTrue();
		assertThat(result.heapStable()).as("heap after GC, first third %s, last third %s", result.heapFirstThird(),
				result.heapLastThird())
			.isTrue();
	}

}
