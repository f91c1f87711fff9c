package dev.llmresilience.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecentAttemptsTest {

	private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

	private static final Failure PREMATURE_CLOSE = Failure.of(FailureKind.PREMATURE_CLOSE);

	private static final Failure OVERLOADED = new Failure(FailureKind.OVERLOAD, 529, ServerHints.none());

	private final RecentAttempts recent = new RecentAttempts(4, Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void countsAttemptsByCause() {
		this.recent.onAttempt("a", PREMATURE_CLOSE, true);
		this.recent.onAttempt("a", OVERLOADED, true);
		this.recent.onAttempt("a", PREMATURE_CLOSE, true);
		this.recent.onAttempt("a", null, false);
		RecentAttempts.Summary summary = this.recent.summary("a");
		assertThat(summary.window()).isEqualTo(4);
		assertThat(summary.attempts()).isEqualTo(4);
		assertThat(summary.succeeded()).isEqualTo(1);
		assertThat(summary.failedByCause()).containsExactly(Map.entry("premature_close", 2),
				Map.entry("status_529", 1));
		assertThat(summary.lastFailure()).isEqualTo(new RecentAttempts.LastFailure("premature_close", NOW));
	}

	@Test
	void forgetsAttemptsThatLeftTheWindow() {
		this.recent.onAttempt("a", OVERLOADED, true);
		for (int i = 0; i < 4; i++) {
			this.recent.onAttempt("a", null, false);
		}
		RecentAttempts.Summary summary = this.recent.summary("a");
		assertThat(summary.attempts()).isEqualTo(4);
		assertThat(summary.succeeded()).isEqualTo(4);
		assertThat(summary.failedByCause()).isEmpty();
		assertThat(summary.lastFailure().cause()).as("the last failure outlives the window").isEqualTo("status_529");
	}

	@Test
	void keepsProvidersApart() {
		this.recent.onAttempt("a", PREMATURE_CLOSE, true);
		this.recent.onAttempt("b", null, false);
		assertThat(this.recent.summary("a").failedByCause()).containsOnlyKeys("premature_close");
		assertThat(this.recent.summary("b").failedByCause()).isEmpty();
		assertThat(this.recent.summary("b").succeeded()).isEqualTo(1);
	}

	@Test
	void summarisesAProviderWithoutAttempts() {
		RecentAttempts.Summary summary = this.recent.summary("unknown");
		assertThat(summary.attempts()).isZero();
		assertThat(summary.failedByCause()).isEmpty();
		assertThat(summary.lastFailure()).isNull();
	}

	@Test
	void rejectsAnEmptyWindow() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RecentAttempts(0, Clock.systemUTC()))
			.withMessageContaining("window");
	}

}
