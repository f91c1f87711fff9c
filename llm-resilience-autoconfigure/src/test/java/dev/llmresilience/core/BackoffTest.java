package dev.llmresilience.core;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BackoffTest {

	private final ExponentialBackoff exponential = new ExponentialBackoff(Duration.ofMillis(500), 2.0,
			Duration.ofSeconds(8), 0.25);

	private final LinearBackoff linear = new LinearBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

	@ParameterizedTest(name = "attempt {0}: {1} ms without jitter")
	@CsvSource({ "1, 500", "2, 1000", "3, 2000", "4, 4000", "5, 8000", "6, 8000", "40, 8000" })
	void growsExponentiallyUpToItsMaximum(int attempt, long millis) {
		// a random value of 0.5 puts the jitter at zero
		assertThat(this.exponential.delay(attempt, () -> 0.5)).isEqualTo(Duration.ofMillis(millis));
	}

	@ParameterizedTest(name = "attempt {0}: {1}..{2} ms")
	@CsvSource({ "1, 375, 625", "2, 750, 1250", "3, 1500, 2500", "5, 6000, 8000" })
	void spreadsByJitterWithoutPassingTheMaximum(int attempt, long low, long high) {
		assertThat(this.exponential.delay(attempt, () -> 0.0)).isEqualTo(Duration.ofMillis(low));
		assertThat(this.exponential.delay(attempt, () -> 0.999999)).isBetween(Duration.ofMillis(high - 1),
				Duration.ofMillis(high));
	}

	@ParameterizedTest(name = "attempt {0}: {1} ms")
	@CsvSource({ "1, 1000", "2, 2000", "3, 3000", "9, 9000", "10, 10000", "11, 10000", "1000, 10000" })
	void growsLinearlyUpToItsMaximum(int attempt, long millis) {
		assertThat(this.linear.delay(attempt, () -> 0.7)).isEqualTo(Duration.ofMillis(millis));
	}

	@ParameterizedTest(name = "jitter {0}")
	@CsvSource({ "-0.1", "1.1", "NaN" })
	void refusesJitterOutsideZeroToOne(double jitter) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ofMillis(1), 2.0, Duration.ofSeconds(1), jitter))
			.withMessageContaining("jitter");
	}

}
