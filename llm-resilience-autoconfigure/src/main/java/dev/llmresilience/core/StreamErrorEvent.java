package dev.llmresilience.core;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an error that a provider sent as a server-sent event inside a successful stream, far enough
 * to tell which HTTP status it stands for.
 * <p>
 * The shapes recognised:
 * <ul>
 * <li>Anthropic ("Streaming Messages", error events): {@code event: error} with
 * {@code data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}}; the error
 * types are those of Anthropic's "Errors" page, each with its HTTP status.</li>
 * <li>OpenAI and compatible hosts: a chunk {@code data: {"error":{"message":...,"type":...,"code":...}}};
 * the type or code is read, and some hosts (vLLM, OpenRouter) put the HTTP status in {@code code}.</li>
 * </ul>
 * This is a scan, not a JSON parser: core stays free of a JSON library, and an unescaped
 * {@code "error":} key followed by an object or a string cannot occur inside a JSON string value.
 */
final class StreamErrorEvent {

	/** No status is known for the error. */
	static final int UNKNOWN_STATUS = 0;

	private static final Pattern ERROR_FIELD = Pattern.compile("(?<!\\\\)\"error\"\\s*:\\s*([{\"])");

	private static final Pattern TYPE_OR_CODE = Pattern
		.compile("(?<!\\\\)\"(?:type|code)\"\\s*:\\s*(?:\"([A-Za-z0-9_.\\-]{1,64})\"|(\\d{3})\\b)");

	private static final Pattern STATUS_CODE = Pattern.compile("\\d{3}");

	private static final Map<String, Integer> STATUS_BY_TYPE = Map.ofEntries(
			// Anthropic's error types
			Map.entry("invalid_request_error", 400), Map.entry("authentication_error", 401),
			Map.entry("billing_error", 402), Map.entry("permission_error", 403), Map.entry("not_found_error", 404),
			Map.entry("request_too_large", 413), Map.entry("rate_limit_error", 429), Map.entry("api_error", 500),
			Map.entry("timeout_error", 504), Map.entry("overloaded_error", FailureClassifier.OVERLOADED),
			// OpenAI's error types and codes
			Map.entry("invalid_api_key", 401), Map.entry("context_length_exceeded", 400),
			Map.entry("model_not_found", 404), Map.entry("insufficient_quota", 429),
			Map.entry("rate_limit_exceeded", 429), Map.entry("server_error", 500),
			// OpenAI-compatible hosts
			Map.entry("overloaded", 503), Map.entry("service_unavailable", 503));

	private StreamErrorEvent() {
	}

	/**
	 * Return whether an event is an error rather than content.
	 * @param event the event's type, or {@code null} when it named none
	 * @param data the event's data
	 * @return whether the event reports an error
	 */
	static boolean isError(String event, String data) {
		return "error".equals(event) || ERROR_FIELD.matcher(scanned(data)).find();
	}

	/**
	 * Return the HTTP status an error event stands for: that of its first recognised type or code.
	 * @param data the event's data
	 * @return the status, or {@link #UNKNOWN_STATUS}
	 */
	static int equivalentStatus(String data) {
		String scanned = scanned(data);
		Matcher error = ERROR_FIELD.matcher(scanned);
		// Anthropic's data has a top-level "type":"error"; the error's own type is inside "error"
		int from = (error.find() && "{".equals(error.group(1))) ? error.end() : 0;
		Matcher field = TYPE_OR_CODE.matcher(scanned);
		field.region(from, scanned.length());
		while (field.find()) {
			String value = (field.group(1) != null) ? field.group(1) : field.group(2);
			Integer status = STATUS_BY_TYPE.get(value);
			if (status == null && STATUS_CODE.matcher(value).matches()) {
				status = Integer.valueOf(value);
			}
			if (status != null && status >= 400 && status <= 599) {
				return status;
			}
		}
		return UNKNOWN_STATUS;
	}

	private static String scanned(String data) {
		if (data == null) {
			return "";
		}
		return (data.length() > ServerHints.BODY_SCAN_LIMIT) ? data.substring(0, ServerHints.BODY_SCAN_LIMIT) : data;
	}

}
