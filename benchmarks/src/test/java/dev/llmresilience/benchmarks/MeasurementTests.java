package dev.llmresilience.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arithmetic behind the reported figures.
 */
class MeasurementTests {

	@Test
	void percentilesAreNearestRank() {
		LatencyRecorder recorder = new LatencyRecorder();
		for (long i = 100; i >= 1; i--) {
			recorder.record(i);
		}
		LatencyRecorder.Summary summary = recorder.summary();
		assertThat(summary.count()).isEqualTo(100);
		assertThat(summary.p50Nanos()).isEqualTo(50);
		assertThat(summary.p99Nanos()).isEqualTo(99);
		assertThat(summary.maxNanos()).isEqualTo(100);
	}

	@Test
	void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
		assertThat(Median.of(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
		assertThat(Median.of(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
	}

	@Test
	void breakerWindowTripsByChanceAsTheBinomialTailSays() {
		// 10 or more failures among 20 attempts failing independently with probability 0.2
		assertThat(GoodputScenario.binomialTail(20, 10, 0.2)).isCloseTo(0.00259, within(0.00001));
		assertThat(GoodputScenario.binomialTail(20, 0, 0.2)).isCloseTo(1.0, within(1e-12));
	}

	@Test
	void idealSuccessIsOneMinusTheChanceThatEveryAttemptFails() {
		FaultMix mix = GoodputScenario.mixes().get(1);
		assertThat(mix.attemptFailure()).isEqualTo(0.2);
		assertThat(mix.ideal(4)).isCloseTo(0.9984, within(1e-12));
	}

}
