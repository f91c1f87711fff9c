package dev.llmresilience.fakeprovider;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiDialectTests {

	@ParameterizedTest(name = "{0} ms -> {1}")
	@CsvSource({ "0, 0ms", "20, 20ms", "1000, 1s", "1500, 1.5s", "59999, 59.999s", "60000, 1m0s", "360000, 6m0s",
			"3600000, 1h0m0s", "3723500, 1h2m3.5s" })
	void formatsResetLikeGoDurations(long millis, String expected) {
		assertThat(OpenAiDialect.goDuration(Duration.ofMillis(millis))).isEqualTo(expected);
	}

}
