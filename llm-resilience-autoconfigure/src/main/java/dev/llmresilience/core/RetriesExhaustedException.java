package dev.llmresilience.core;

/**
 * Every attempt a call was allowed failed with a retryable failure.
 */
public class RetriesExhaustedException extends LlmResilienceException {

	public RetriesExhaustedException(String provider, int attempts, Failure lastFailure, Throwable cause) {
		super("Provider '%s' failed after %d attempt(s); last cause: %s".formatted(provider, attempts,
				describe(lastFailure)), provider, attempts, lastFailure, cause);
	}

}
