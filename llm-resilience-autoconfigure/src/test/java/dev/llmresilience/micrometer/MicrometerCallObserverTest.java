package dev.llmresilience.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.llmresilience.core.Failure;
import dev.llmresilience.core.FailureKind;
import dev.llmresilience.core.RetryDecision;
import dev.llmresilience.core.RetryDecision.DelaySource;
import dev.llmresilience.core.RetryDecision.Verdict;
import dev.llmresilience.core.ServerHints;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerCallObserverTest {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerCallObserver observer = new MicrometerCallObserver(this.registry);

	@Test
	void countsEachAttemptByOutcomeAndCause() {
		this.observer.onAttempt("synthetic", Failure.of(FailureKind.PREMATURE_CLOSE), true);
		this.observer.onAttempt("synthetic", new Failure(FailureKind.OVERLOAD, 529, ServerHints.none()), true);
		this.observer.onAttempt("synthetic", new Failure(FailureKind.FATAL, 400, ServerHints.none()), false);
		this.observer.onAttempt("synthetic", null, false);
		assertThat(attempts("retryable", "premature_close")).isEqualTo(1);
		assertThat(attempts("retryable", "status_529")).isEqualTo(1);
		assertThat(attempts("fatal", "status_400")).isEqualTo(1);
		assertThat(attempts("success", "none")).isEqualTo(1);
	}

	@Test
	void timesRetryWaitsBySource() {
		Failure failure = new Failure(FailureKind.RATE_LIMIT, 429, ServerHints.none());
		this.observer.onRetry("synthetic", 1, 4, failure,
				new RetryDecision(Verdict.RETRY, Duration.ofMillis(1500), DelaySource.SERVER, null));
		this.observer.onRetry("synthetic", 2, 4, failure,
				new RetryDecision(Verdict.RETRY, Duration.ofMillis(20), DelaySource.BACKOFF, null));
		Timer server = this.registry.get(MicrometerCallObserver.RETRY_DELAY)
			.tags("provider", "synthetic", "source", "server")
			.timer();
		assertThat(server.count()).isEqualTo(1);
		assertThat(server.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
		assertThat(this.registry.get(MicrometerCallObserver.RETRY_DELAY).tags("source", "backoff").timer().count())
			.isEqualTo(1);
	}

	@Test
	void timesCallsAndTheAttemptsTheyTook() {
		this.observer.onCall("synthetic", "success", 2, Duration.ofMillis(300));
		this.observer.onCall("synthetic", "RetriesExhaustedException", 4, Duration.ofSeconds(3));
		Timer succeeded = this.registry.get(MicrometerCallObserver.CALLS)
			.tags("provider", "synthetic", "outcome", "success")
			.timer();
		assertThat(succeeded.count()).isEqualTo(1);
		assertThat(succeeded.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
		DistributionSummary exhausted = this.registry.get(MicrometerCallObserver.CALL_ATTEMPTS)
			.tags("provider", "synthetic", "outcome", "retries_exhausted")
			.summary();
		assertThat(exhausted.totalAmount()).isEqualTo(4);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "success, success", "RetriesExhaustedException, retries_exhausted",
			"CircuitOpenException, circuit_open", "WebClientRequestException, web_client_request",
			"BadRequest, bad_request", "HTTPTimeoutException, http_timeout", "TimeoutException, timeout",
			"Exception, exception", "'', unknown" })
	void tagsCallOutcomesInSnakeCase(String outcome, String tag) {
		assertThat(MicrometerCallObserver.outcomeTag(outcome)).isEqualTo(tag);
	}

	private double attempts(String outcome, String cause) {
		return this.registry.get(MicrometerCallObserver.ATTEMPTS)
			.tags("provider", "synthetic", "outcome", outcome, "cause", cause)
			.counter()
			.count();
	}

}
