package dev.llmresilience.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class FailureClassifierTest {

	private final FailureClassifier classifier = new FailureClassifier(Set.of(408, 429, 500, 502, 503, 504, 529));

	@ParameterizedTest(name = "{0} -> {1} ({2})")
	@CsvSource({ "408, SERVER_ERROR, status_408", "429, RATE_LIMIT, status_429", "500, SERVER_ERROR, status_500",
			"502, OVERLOAD, status_502", "503, OVERLOAD, status_503", "504, OVERLOAD, status_504",
			"529, OVERLOAD, status_529", "400, FATAL, status_400", "401, FATAL, status_401",
			"403, FATAL, status_403", "404, FATAL, status_404", "422, FATAL, status_422",
			"501, FATAL, status_501" })
	void classifiesStatuses(int status, FailureKind kind, String cause) {
		Failure failure = this.classifier.classify(status, ServerHints.none());
		assertThat(failure.kind()).isEqualTo(kind);
		assertThat(failure.cause()).isEqualTo(cause);
		assertThat(failure.isRetryable()).isEqualTo(kind != FailureKind.FATAL);
	}

	@Test
	void retriesOnlyTheConfiguredStatuses() {
		FailureClassifier narrow = new FailureClassifier(Set.of(529));
		assertThat(narrow.classify(503, ServerHints.none()).kind()).isEqualTo(FailureKind.FATAL);
		assertThat(narrow.classify(529, ServerHints.none()).kind()).isEqualTo(FailureKind.OVERLOAD);
		assertThat(narrow.isRetryableStatus(503)).isFalse();
	}

	static Stream<Arguments> exceptions() {
		return Stream.of(
				Arguments.of(wrapped(new IOException("Connection prematurely closed BEFORE response")),
						FailureKind.PREMATURE_CLOSE),
				Arguments.of(wrapped(new IOException("Connection prematurely closed DURING response")),
						FailureKind.TRUNCATED_BODY),
				Arguments.of(wrapped(new IOException("recvAddress(..) failed: Connection reset by peer")),
						FailureKind.CONNECTION_RESET),
				Arguments.of(wrapped(new SocketException("Connection reset")), FailureKind.CONNECTION_RESET),
				Arguments.of(wrapped(new ConnectException("Connection refused")), FailureKind.CONNECT_FAILED),
				Arguments.of(wrapped(new UnknownHostException("api.example")), FailureKind.CONNECT_FAILED),
				Arguments.of(new TimeoutException("Did not observe any item"), FailureKind.TIMEOUT),
				Arguments.of(wrapped(new SocketTimeoutException("Read timed out")), FailureKind.TIMEOUT),
				Arguments.of(wrapped(io.netty.handler.timeout.ReadTimeoutException.INSTANCE), FailureKind.TIMEOUT),
				Arguments.of(new IllegalStateException("bug"), FailureKind.FATAL),
				Arguments.of(new RuntimeException("codec", new IllegalArgumentException()), FailureKind.FATAL));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("exceptions")
	void classifiesExceptionsByTheirCauseChain(Throwable failure, FailureKind kind) {
		assertThat(this.classifier.classify(failure).kind()).isEqualTo(kind);
	}

	@Test
	void survivesCyclicCauseChains() {
		RuntimeException first = new RuntimeException("first");
		RuntimeException second = new RuntimeException("second", first);
		first.initCause(second);
		assertThat(this.classifier.classify(first).kind()).isEqualTo(FailureKind.FATAL);
	}

	private static Throwable wrapped(Throwable cause) {
		// the shape of Spring's WebClientRequestException: an unchecked wrapper around the transport's error
		return new RuntimeException("wrapper", cause);
	}

}
