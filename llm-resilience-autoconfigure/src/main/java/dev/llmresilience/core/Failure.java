package dev.llmresilience.core;

/**
 * One failed attempt, classified: its kind, the HTTP status if there was one, and what the server asked for.
 *
 * @param kind what went wrong
 * @param status the HTTP status code, or {@code 0} when no response arrived
 * @param hints what the server asked for, {@link ServerHints#none()} when nothing
 */
public record Failure(FailureKind kind, int status, ServerHints hints) {

	public Failure {
		if (kind == null) {
			throw new IllegalArgumentException("kind must not be null");
		}
		if (hints == null) {
			hints = ServerHints.none();
		}
	}

	public static Failure of(FailureKind kind) {
		return new Failure(kind, 0, ServerHints.none());
	}

	public boolean isRetryable() {
		return this.kind.isRetryable();
	}

	/**
	 * Return a short, bounded name of the cause, fit for a metric tag or a log line:
	 * {@code premature_close}, {@code status_529}, ...
	 * @return the cause's name
	 */
	public String cause() {
		if (this.status != 0 && (this.kind.tag() == null || this.kind == FailureKind.FATAL)) {
			return "status_" + this.status;
		}
		return (this.kind.tag() != null) ? this.kind.tag() : "status_" + this.status;
	}

}
