package dev.llmresilience.core;

/**
 * A stream broke after some of its events had reached the caller; it is never replayed, because a
 * second request would deliver those events again.
 */
public class StreamInterruptedException extends LlmResilienceException {

	private final long eventsDelivered;

	/**
	 * Create the failure.
	 * @param provider the provider's name
	 * @param attempts the attempts the call made, the one whose stream broke included
	 * @param eventsDelivered the complete events the caller received before the break
	 * @param reason a short, bounded description of the break, such as {@code truncated_body}
	 * @param cause what broke the stream
	 */
	public StreamInterruptedException(String provider, int attempts, long eventsDelivered, String reason,
			Throwable cause) {
		super("Stream from provider '%s' was interrupted (%s) after %d event(s) reached the caller; it is not replayed; attempts made: %d"
			.formatted(provider, reason, eventsDelivered, attempts), provider, attempts,
				Failure.of(FailureKind.STREAM_INTERRUPTED), cause);
		this.eventsDelivered = eventsDelivered;
	}

	/**
	 * Return how many complete events reached the caller before the stream broke; each exactly once.
	 * @return the events delivered
	 */
	public long getEventsDelivered() {
		return this.eventsDelivered;
	}

}
