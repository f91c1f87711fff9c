package dev.llmresilience.reactive;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Counts the complete server-sent events in a byte stream fed to it buffer by buffer, wherever the
 * buffers split it.
 * <p>
 * An event ends at a blank line; lines end in LF, CRLF or CR (the WHATWG "Server-sent events" grammar),
 * so both {@code \n\n} and {@code \r\n\r\n} close one, also when the two line ends arrive in different
 * buffers. A block of comment lines only (a {@code : keep-alive}) is no event: it carries nothing the
 * caller sees. The buffers are read without moving their read positions.
 */
final class SseEventScanner {

	private static final byte LF = '\n';

	private static final byte CR = '\r';

	private static final byte COLON = ':';

	private long events;

	private boolean atLineStart = true;

	private boolean afterCr;

	private boolean blockHasField;

	/**
	 * Scan the next buffer of the stream.
	 * @param buffer the buffer, left unchanged
	 * @return the events completed within it
	 */
	int scan(DataBuffer buffer) {
		int completed = 0;
		for (int i = buffer.readPosition(); i < buffer.writePosition(); i++) {
			byte b = buffer.getByte(i);
			if (this.afterCr) {
				this.afterCr = false;
				if (b == LF) {
					// the LF of a CRLF whose CR already ended the line
					continue;
				}
			}
			if (b == LF || b == CR) {
				this.afterCr = (b == CR);
				if (!this.atLineStart) {
					this.atLineStart = true;
				}
				else if (this.blockHasField) {
					this.blockHasField = false;
					completed++;
				}
			}
			else if (this.atLineStart) {
				this.atLineStart = false;
				if (b != COLON) {
					this.blockHasField = true;
				}
			}
		}
		this.events += completed;
		return completed;
	}

	/**
	 * Return the events completed in everything scanned so far.
	 * @return the events
	 */
	long events() {
		return this.events;
	}

}
