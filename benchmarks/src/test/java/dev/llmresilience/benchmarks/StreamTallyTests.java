package dev.llmresilience.benchmarks;

import java.util.stream.IntStream;

import dev.llmresilience.core.StreamInterruptedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream tally counts what a caller received by the fake's token numbers.
 */
class StreamTallyTests {

	@Test
	void aCompleteStreamIsExact() {
		StreamTally tally = new StreamTally(4);
		tally.onEvent(role());
		IntStream.range(0, 4).forEach((i) -> tally.onEvent(token(i)));
		tally.onEvent("[DONE]");
		assertThat(tally.exact()).isTrue();
		assertThat(tally.events()).isEqualTo(6);
		assertThat(tally.duplicated()).isZero();
		assertThat(tally.missing()).isZero();
	}

	@Test
	void aReplayedStreamCountsEveryTokenItDeliveredAgain() {
		StreamTally tally = new StreamTally(4);
		IntStream.of(0, 1, 0, 1, 2, 3).forEach((i) -> tally.onEvent(token(i)));
		tally.onEvent("[DONE]");
		assertThat(tally.duplicated()).isEqualTo(2);
		assertThat(tally.missing()).isZero();
		assertThat(tally.exact()).isFalse();
	}

	@Test
	void aStreamCutShortMissesTheRestButHasNoGap() {
		StreamTally tally = new StreamTally(4);
		IntStream.of(0, 1).forEach((i) -> tally.onEvent(token(i)));
		assertThat(tally.missing()).isEqualTo(2);
		assertThat(tally.gaps()).isZero();
	}

	@Test
	void aHoleBelowTheLastTokenIsAGap() {
		StreamTally tally = new StreamTally(4);
		IntStream.of(0, 2).forEach((i) -> tally.onEvent(token(i)));
		assertThat(tally.gaps()).isEqualTo(1);
	}

	@Test
	void readsEventsDeliveredFromAFailureThatStatesThem() {
		StreamInterruptedException interrupted = new StreamInterruptedException("p", 1, 7, "truncated_body", null);
		assertThat(StreamTally.eventsDelivered(interrupted)).hasValue(7);
		assertThat(StreamTally.eventsDelivered(new RuntimeException("as retrieve() wraps it", interrupted)))
			.hasValue(7);
		assertThat(StreamTally.eventsDelivered(new IllegalStateException())).isEmpty();
	}

	private static String role() {
		return "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}";
	}

	private static String token(int index) {
		return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok-" + index + " \"}}]}";
	}

}
