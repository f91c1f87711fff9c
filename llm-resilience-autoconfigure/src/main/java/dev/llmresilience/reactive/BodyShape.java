package dev.llmresilience.reactive;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;

import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;

/**
 * Tells, from a response's content type and bytes, whether its body streams and whether a JSON body
 * was cut off; the same rules for the reactive filter and the blocking interceptor.
 */
public final class BodyShape {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("com.fasterxml.jackson.core.JsonFactory",
			BodyShape.class.getClassLoader());

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
	 * Return whether a body of this type can be checked for completeness: JSON, with Jackson present.
	 * @param type the content type, or {@code null}
	 * @return whether {@link #endsEarly(byte[])} applies
	 */
	public static boolean isCheckableJson(MediaType type) {
		return JACKSON_PRESENT && type != null && type.getSubtype().toLowerCase().endsWith("json");
	}

	/**
	 * Return whether a JSON document ends before its structure closes: the mark of a body cut off while
	 * the framing (a Content-Length, a final chunk) still looked complete. Call only when
	 * {@link #isCheckableJson(MediaType)} holds.
	 * @param body the whole body
	 * @return whether it was cut off
	 */
	public static boolean endsEarly(byte[] body) {
		return JsonCompleteness.endsEarly(body);
	}

	/**
	 * Reads JSON token by token to its end; loaded only with Jackson.
	 */
	private static final class JsonCompleteness {

		private static final JsonFactory JSON = new JsonFactory();

		static boolean endsEarly(byte[] body) {
			try (JsonParser parser = JSON.createParser(body)) {
				while (parser.nextToken() != null) {
					// reading every token is what finds the early end
				}
				return false;
			}
			catch (JsonEOFException ex) {
				return true;
			}
			catch (IOException ex) {
				// malformed rather than cut off: the caller's decoder reports it
				return false;
			}
		}

	}

}
