package dev.llmresilience.benchmarks;

/**
 * A stream that ended without an error yet without every token exactly once: the caller was never told that
 * something went wrong. Raised by the harness, never by a client.
 */
final class IncompleteStreamException extends RuntimeException {

	IncompleteStreamException(StreamTally tally) {
		super("Stream ended without error, " + tally.missing() + " token(s) missing, " + tally.duplicated()
				+ " delivered twice", null, false, false);
	}

}
