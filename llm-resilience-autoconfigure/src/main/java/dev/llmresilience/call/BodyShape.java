package dev.llmresilience.call;

import java.util.Locale;

import org.springframework.http.MediaType;

/**
 * Tells, from a response's content type and bytes, whether its body streams and whether a JSON body
 * was cut off; the same rules for the reactive filter and the blocking interceptor.
 */
public final class BodyShape {

	private BodyShape() {
	}

	/**
	 * Return whether a body of this type is a stream that must not be buffered.
	 * @param type the content type, or {@code null}
	 * @return whether it streams
	 */
	public static boolean isStream(MediaType type) {
		return type != null && (MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type)
				|| MediaType.APPLICATION_NDJSON.isCompatibleWith(type)
				|| "application/stream+json".equalsIgnoreCase(type.getType() + "/" + type.getSubtype()));
	}

	/**
	 * Return whether a body of this type can be checked for completeness: JSON.
	 * @param type the content type, or {@code null}
	 * @return whether {@link #endsEarly(byte[])} applies
	 */
	public static boolean isCheckableJson(MediaType type) {
		return type != null && type.getSubtype().toLowerCase(Locale.ROOT).endsWith("json");
	}

	/**
	 * Return whether a JSON document ends before its structure closes (inside a string, or with an object
	 * or array left open): the mark of a body cut off while the framing (a Content-Length, a final chunk)
	 * still looked complete. One pass over the bytes, no parsing: a malformed document is left to the
	 * caller's decoder, and a bare scalar cannot be judged.
	 * @param body the whole body
	 * @return whether it was cut off
	 */
	public static boolean endsEarly(byte[] body) {
		int depth = 0;
		boolean inString = false;
		boolean escaped = false;
		for (byte b : body) {
			if (inString) {
				if (escaped) {
					escaped = false;
				}
				else if (b == '\\') {
					escaped = true;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '{' || b == '[') {
				depth++;
			}
			else if (b == '}' || b == ']') {
				if (depth == 0) {
					// more closed than opened: malformed, not cut off
					return false;
				}
				depth--;
			}
		}
		return inString || depth > 0;
	}

}
