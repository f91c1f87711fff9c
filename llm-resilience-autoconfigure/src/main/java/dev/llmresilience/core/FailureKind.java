package dev.llmresilience.core;

/**
 * What went wrong with one attempt, as far as retrying is concerned.
 */
public enum FailureKind {

	/** The server closed the connection before sending a response. */
	PREMATURE_CLOSE("premature_close", true, Backoff.Shape.CONNECTION),

	/** The connection was reset or otherwise lost while the request was under way. */
	CONNECTION_RESET("connection_reset", true, Backoff.Shape.CONNECTION),

	/** No connection could be made: refused, unreachable, unresolvable or timed out while connecting. */
	CONNECT_FAILED("connect_failed", true, Backoff.Shape.CONNECTION),

	/** No response arrived in time. */
	TIMEOUT("timeout", true, Backoff.Shape.CONNECTION),

	/** A successful response whose body was cut off before its end. */
	TRUNCATED_BODY("truncated_body", true, Backoff.Shape.CONNECTION),

	/** The provider is overloaded: 502, 503, 504 or Anthropic's 529. */
	OVERLOAD(null, true, Backoff.Shape.OVERLOAD),

	/** The provider limits the request rate: 429. */
	RATE_LIMIT(null, true, Backoff.Shape.OVERLOAD),

	/** Another status the provider is configured to retry, such as 500 or 408. */
	SERVER_ERROR(null, true, Backoff.Shape.CONNECTION),

	/** An error sent as the first event of a stream, before any content reached the caller. */
	STREAM_ERROR("stream_error", true, Backoff.Shape.OVERLOAD),

	/** A stream that broke after events reached the caller: never replayed. */
	STREAM_INTERRUPTED("stream_interrupted", false, Backoff.Shape.CONNECTION),

	/** Anything retrying cannot help: most 4xx answers and unknown errors. */
	FATAL("fatal", false, Backoff.Shape.CONNECTION);

	private final String tag;

	private final boolean retryable;

	private final Backoff.Shape shape;

	FailureKind(String tag, boolean retryable, Backoff.Shape shape) {
		this.tag = tag;
		this.retryable = retryable;
		this.shape = shape;
	}

	/**
	 * Return the bounded metric tag for this kind, or {@code null} when the status code names it.
	 * @return the tag or {@code null}
	 */
	String tag() {
		return this.tag;
	}

	public boolean isRetryable() {
		return this.retryable;
	}

	public Backoff.Shape shape() {
		return this.shape;
	}

}
