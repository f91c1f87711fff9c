package dev.llmresilience.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Decides, for an exception or an HTTP status, whether an attempt is worth repeating and why.
 * <p>
 * Exceptions are matched by type along their cause chain ({@link ConnectException},
 * {@link TimeoutException}, {@link IOException}, ...), never by the root's class name: the root
 * differs between Netty's epoll and NIO transports and between HTTP clients.
 */
public final class FailureClassifier {

	/** Anthropic's non-standard "overloaded" status. */
	public static final int OVERLOADED = 529;

	private static final int MAX_CAUSE_DEPTH = 16;

	/**
	 * Netty's own timeouts ({@code ReadTimeoutException}, {@code WriteTimeoutException}) do not extend
	 * {@link TimeoutException}; core stays free of Netty, so they are known by this public supertype.
	 */
	private static final String NETTY_TIMEOUT = "io.netty.handler.timeout.TimeoutException";

	private final Set<Integer> retryOnStatus;

	/**
	 * Create a classifier.
	 * @param retryOnStatus the statuses worth retrying
	 */
	public FailureClassifier(Set<Integer> retryOnStatus) {
		this.retryOnStatus = Set.copyOf(retryOnStatus);
	}

	/**
	 * Classify an answer with an HTTP status.
	 * @param status the status code
	 * @param hints what the server asked for
	 * @return the failure, {@link FailureKind#FATAL} when retrying cannot help
	 */
	public Failure classify(int status, ServerHints hints) {
		Boolean shouldRetry = hints.shouldRetry().orElse(null);
		if (Boolean.FALSE.equals(shouldRetry) || (status == 429 && hints.quotaExhausted())) {
			return new Failure(FailureKind.FATAL, status, hints);
		}
		if (!this.retryOnStatus.contains(status) && !Boolean.TRUE.equals(shouldRetry)) {
			return new Failure(FailureKind.FATAL, status, hints);
		}
		return new Failure(kindOf(status), status, hints);
	}

	/**
	 * Return whether a status may be worth retrying before its body and headers are read: a status
	 * outside this set is never retried unless the server says {@code x-should-retry: true}.
	 * @param status the status code
	 * @return whether the status is configured to be retried
	 */
	public boolean isRetryableStatus(int status) {
		return this.retryOnStatus.contains(status);
	}

	/**
	 * Classify an exception raised while sending a request or reading its response.
	 * @param failure the exception
	 * @return the failure, {@link FailureKind#FATAL} when retrying cannot help
	 */
	public Failure classify(Throwable failure) {
		FailureKind kind = FailureKind.FATAL;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Throwable current = failure;
		for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH && seen.add(current); depth++) {
			FailureKind found = kindOf(current);
			if (found != null) {
				kind = found;
				// the most specific cause wins over a generic wrapper, so keep going unless it is final
				if (found != FailureKind.CONNECTION_RESET) {
					break;
				}
			}
			current = current.getCause();
		}
		return Failure.of(kind);
	}

	/**
	 * Classify one server-sent event that arrived before any content reached the caller: an error
	 * sent inside a successful stream (Anthropic's {@code event: error}, an OpenAI-style
	 * {@code {"error": ...}} chunk) is judged like the HTTP status its type stands for
	 * ({@code overloaded_error} like 529, {@code api_error} like 500, {@code rate_limit_error} like
	 * 429), so the configured statuses decide here too; an error of unknown type is worth a retry,
	 * since nothing has reached the caller yet.
	 * @param event the event's type, or {@code null} when it named none
	 * @param data the event's data, its lines joined with {@code \n}
	 * @param now the current instant, against which a wait stated in the event is measured
	 * @return {@code null} when the event is no error; otherwise a {@link FailureKind#STREAM_ERROR}
	 * when retrying can help, else {@link FailureKind#FATAL}
	 */
	public Failure classifyStreamEvent(String event, String data, Instant now) {
		if (!StreamErrorEvent.isError(event, data)) {
			return null;
		}
		ServerHints hints = ServerHints.parse((name) -> null, data, now);
		int status = StreamErrorEvent.equivalentStatus(data);
		boolean retryable = (status != StreamErrorEvent.UNKNOWN_STATUS) ? classify(status, hints).isRetryable()
				: !hints.quotaExhausted() && !Boolean.FALSE.equals(hints.shouldRetry().orElse(null));
		return new Failure(retryable ? FailureKind.STREAM_ERROR : FailureKind.FATAL, 0, hints);
	}

	private static FailureKind kindOf(int status) {
		return switch (status) {
			case 502, 503, 504, OVERLOADED -> FailureKind.OVERLOAD;
			case 429 -> FailureKind.RATE_LIMIT;
			default -> FailureKind.SERVER_ERROR;
		};
	}

	private static FailureKind kindOf(Throwable failure) {
		if (failure instanceof ConnectException || failure instanceof UnknownHostException
				|| failure instanceof NoRouteToHostException) {
			return FailureKind.CONNECT_FAILED;
		}
		if (failure instanceof TimeoutException || failure instanceof SocketTimeoutException
				|| isNettyTimeout(failure.getClass())) {
			return FailureKind.TIMEOUT;
		}
		if (failure instanceof IOException) {
			String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
			// reactor-netty's PrematureCloseException says when the connection closed
			if (message.contains("prematurely closed before response")) {
				return FailureKind.PREMATURE_CLOSE;
			}
			if (message.contains("prematurely closed during response")) {
				return FailureKind.TRUNCATED_BODY;
			}
			return FailureKind.CONNECTION_RESET;
		}
		if (failure instanceof SocketException) {
			return FailureKind.CONNECTION_RESET;
		}
		return null;
	}

	private static boolean isNettyTimeout(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (NETTY_TIMEOUT.equals(candidate.getName())) {
				return true;
			}
		}
		return false;
	}

}
