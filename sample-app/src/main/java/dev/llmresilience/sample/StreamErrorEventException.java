package dev.llmresilience.sample;

/**
 * A 200 stream whose provider reported an error in an event instead of an answer.
 */
final class StreamErrorEventException extends RuntimeException {

	StreamErrorEventException(String type) {
		super("The provider sent an error event in the stream: " + type);
	}

}
