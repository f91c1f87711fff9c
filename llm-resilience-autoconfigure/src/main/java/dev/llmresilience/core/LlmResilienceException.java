package dev.llmresilience.core;

/**
 * Base of every failure this library raises in place of a provider's own answer; its message names
 * the provider, the attempts made and the last cause, never a credential, a prompt or a body.
 */
public abstract class LlmResilienceException extends RuntimeException {

	private final String provider;

	private final int attempts;

	private final Failure lastFailure;

	protected LlmResilienceException(String message, String provider, int attempts, Failure lastFailure,
			Throwable cause) {
		super(message, cause);
		this.provider = provider;
		this.attempts = attempts;
		this.lastFailure = lastFailure;
	}

	public String getProvider() {
		return this.provider;
	}

	/**
	 * Return how many attempts reached for the provider in this call.
	 * @return the attempts made
	 */
	public int getAttempts() {
		return this.attempts;
	}

	/**
	 * Return the last failure, or {@code null} when no attempt was made.
	 * @return the last failure
	 */
	public Failure getLastFailure() {
		return this.lastFailure;
	}

	/**
	 * Return the kind of the last failure, {@code null} when no attempt failed.
	 * @return the last failure's kind
	 */
	public FailureKind getLastFailureKind() {
		return (this.lastFailure != null) ? this.lastFailure.kind() : null;
	}

	static String describe(Failure failure) {
		return (failure != null) ? failure.cause() : "none";
	}

}
