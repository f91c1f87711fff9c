package dev.llmresilience.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import dev.llmresilience.core.CircuitOpenException;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RetriesExhaustedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Which failures count as typed in the summary, one row per kind of failure a demo call can end in.
 */
class CallOutcomesTests {

	static Stream<Arguments> failures() {
		Failure overloaded = new Failure(FailureKind.OVERLOAD, 529, null);
		return Stream.of(
				Arguments.of(new RetriesExhaustedException("anthropic", 6, overloaded, null), true,
						"RetriesExhaustedException"),
				Arguments.of(new CircuitOpenException("anthropic", 1, overloaded, Duration.ofSeconds(1), null), true,
						"CircuitOpenException"),
				Arguments.of(response(400), true, "BadRequest 400"),
				Arguments.of(response(429), true, "TooManyRequests 429"),
				// A 200 stream cut short is how a broken stream reaches a caller without a stream guard.
				Arguments.of(response(200), false, "WebClientResponseException 200"),
				Arguments.of(new StreamErrorEventException("overloaded_error"), false, "StreamErrorEventException"),
				Arguments.of(new IllegalStateException("boom"), false, "IllegalStateException"));
	}

	@ParameterizedTest(name = "{2}")
	@MethodSource("failures")
	void countsFailuresByClassNameAsTypedOrNot(Throwable failure, boolean typed, String label) {
		CallOutcomes outcomes = new CallOutcomes();
		outcomes.failed(failure);
		assertThat(CallOutcomes.isTyped(failure)).isEqualTo(typed);
		assertThat(typed ? outcomes.typedFailures() : outcomes.otherFailures()).containsExactly(entry(label, 1L));
		assertThat(outcomes.ended()).isOne();
	}

	private static WebClientResponseException response(int status) {
		return WebClientResponseException.create(status, "status " + status, HttpHeaders.EMPTY, new byte[0],
				StandardCharsets.UTF_8);
	}

}
