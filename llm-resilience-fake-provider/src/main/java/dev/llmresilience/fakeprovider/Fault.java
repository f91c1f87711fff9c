package dev.llmresilience.fakeprovider;

/**
 * A way the fake provider misbehaves on one request, named after what reaches the client.
 */
public enum Fault {

	/** Answer normally. */
	NONE(false),

	/** Read the request, then close the connection without a byte of response (FIN). */
	PREMATURE_CLOSE(false),

	/** Read the request, then abort the connection with SO_LINGER 0 so the client sees a TCP RST. */
	CONNECTION_RESET(false),

	/** Wait {@link FaultPlan#slowFirstByte()} before the response headers, then answer normally. */
	SLOW_FIRST_BYTE(false),

	/** 429 with {@code retry-after}, {@code retry-after-ms}, the provider's own reset headers and error body. */
	RATE_LIMIT(false),

	/** 503 with the provider's error body. */
	UNAVAILABLE(false),

	/** 529 with an {@code overloaded_error} body, Anthropic's non-standard overload status. */
	OVERLOADED(false),

	/** A 200 event stream whose first event is an error, then the stream ends cleanly. */
	STREAM_ERROR_EVENT(true),

	/** A 200 event stream that delivers half of its content events, then the connection is closed. */
	STREAM_BROKEN(true);

	private final boolean streamOnly;

	Fault(boolean streamOnly) {
		this.streamOnly = streamOnly;
	}

	/**
	 * Whether this fault only exists on streaming requests; a non-streaming request never gets it.
	 * @return {@code true} for faults that break an event stream
	 */
	public boolean streamOnly() {
		return this.streamOnly;
	}

	boolean appliesTo(boolean stream) {
		return stream || !this.streamOnly;
	}

}
