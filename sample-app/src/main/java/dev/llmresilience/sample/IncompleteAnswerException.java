package dev.llmresilience.sample;

/**
 * A successful response that does not hold a whole answer.
 */
final class IncompleteAnswerException extends RuntimeException {

	IncompleteAnswerException(String reason) {
		super("Incomplete answer: " + reason);
	}

}
