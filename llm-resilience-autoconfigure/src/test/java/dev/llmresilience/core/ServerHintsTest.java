package dev.llmresilience.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ServerHintsTest {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private static final Duration MAX = Duration.ofDays(365);

	@Test
	void noneNamesNothing() {
		ServerHints none = ServerHints.none();
		assertThat(none.retryAfter()).isEmpty();
		assertThat(none.shouldRetry()).isEmpty();
		assertThat(none.quotaExhausted()).isFalse();
		assertThat(none.source()).isEqualTo("none");
	}

	@Test
	void responseWithoutHintsParsesToNone() {
		assertThat(ServerHints.parse((name) -> null, null, NOW)).isEqualTo(ServerHints.none());
		assertThat(parse(Map.of("content-type", "application/json"), "{\"error\":{\"type\":\"server_error\"}}"))
			.isEqualTo(ServerHints.none());
	}

	@ParameterizedTest
	@CsvSource({
		"1500, PT1.5S",
		"1500.5, PT1.5005S",
		"' 250 ', PT0.25S",
		"0, PT0S",
		".5, PT0.0005S",
		"0.000001, PT0.000000001S"
	})
	void readsRetryAfterMilliseconds(String value, Duration expected) {
		assertWait(Map.of("retry-after-ms", value), expected, "retry-after-ms");
	}

	@ParameterizedTest
	@CsvSource({ "20, PT20S", "1.5, PT1.5S", "0, PT0S", "' 7 ', PT7S", "0.25, PT0.25S", "3600, PT1H" })
	void readsRetryAfterDelaySeconds(String value, Duration expected) {
		assertWait(Map.of("Retry-After", value), expected, "retry-after");
	}

	@ParameterizedTest
	@CsvSource({
		"'Wed, 01 Jan 2025 00:00:30 GMT', PT30S",
		"'Wed, 1 Jan 2025 00:02:00 GMT', PT2M",
		"'01 Jan 2025 00:00:05 GMT', PT5S",
		"'Wed, 01 Jan 2025 00:00:00 GMT', PT0S",
		"'Tue, 31 Dec 2024 23:59:00 GMT', PT0S",
		"'Mon, 01 Jan 1990 00:00:00 GMT', PT0S",
		"'Thu, 01 Jan 2026 00:00:00 GMT', PT8760H",
		"'Fri, 31 Dec 9999 23:59:59 GMT', PT8760H"
	})
	void readsRetryAfterHttpDateAgainstNowNeverNegative(String value, Duration expected) {
		assertWait(Map.of("retry-after", value), expected, "retry-after-date");
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "   ", "abc", "-1", "-0.5", "+5", "NaN", "Infinity", "-Infinity", "1e3", "0x10", "1,5",
			"1.", "1.2.3", "5s", "20 seconds", "Wed, 32 Jan 2025 00:00:00 GMT", "Thu, 01 Jan 2025 00:00:30 GMT",
			"2025-01-01T00:00:30Z", "١٢" })
	void ignoresUnusableRetryAfterValues(String value) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.put("retry-after-ms", value);
		headers.put("retry-after", value);
		assertThat(parse(headers, null).retryAfter()).isEmpty();
		assertThat(parse(headers, null).source()).isEqualTo("none");
	}

	@ParameterizedTest
	@CsvSource({
		"retry-after-ms, 99999999999999999999999999999999",
		"retry-after-ms, 31536000000.000001",
		"retry-after, 31536000",
		"retry-after, 9223372036854775808",
		"retry-after, 10000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
		"x-ratelimit-reset-requests, 999999999999h",
		"x-ratelimit-reset-tokens, 9223372036854775807s",
		"anthropic-ratelimit-requests-reset, +999999999-12-31T23:59:59Z"
	})
	void clampsHugeWaitsToAYearWithoutOverflowing(String header, String value) {
		assertThat(parse(Map.of(header, value), null).retryAfter()).contains(MAX);
	}

	@Test
	void clampsHugeWaitStatedInBody() {
		assertThat(parse(Map.of(), "Please try again in 999999999999h.").retryAfter()).contains(MAX);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("precedence")
	void picksTheMostPreciseSourcePresent(String rule, Map<String, String> headers, String body, Duration expected,
			String source) {
		assertWait(headers, body, expected, source);
	}

	static Stream<Arguments> precedence() {
		String body = "Please try again in 3s.";
		return Stream.of(
				arguments("retry-after-ms wins over Retry-After", Map.of("retry-after-ms", "1500", "retry-after", "2"),
						null, Duration.ofMillis(1500), "retry-after-ms"),
				arguments("unusable retry-after-ms falls through to Retry-After",
						Map.of("retry-after-ms", "soon", "retry-after", "2"), null, Duration.ofSeconds(2), "retry-after"),
				arguments("negative retry-after-ms falls through to Retry-After",
						Map.of("retry-after-ms", "-100", "retry-after", "2"), null, Duration.ofSeconds(2), "retry-after"),
				arguments("Retry-After wins over the body", Map.of("retry-after", "2"), body, Duration.ofSeconds(2),
						"retry-after"),
				arguments("body wins over reset headers", Map.of("x-ratelimit-reset-tokens", "6m0s"), body,
						Duration.ofSeconds(3), "body"),
				arguments("body without a wait falls through to reset headers",
						Map.of("x-ratelimit-reset-tokens", "6m0s"), "Rate limit reached. Please try again later.",
						Duration.ofMinutes(6), "x-ratelimit-reset-tokens"),
				arguments("OpenAI reset headers win over Anthropic's",
						Map.of("x-ratelimit-reset-requests", "1s", "anthropic-ratelimit-requests-reset",
								"2025-01-01T00:00:30Z"),
						null, Duration.ofSeconds(1), "x-ratelimit-reset-requests"),
				arguments("header names are looked up case-insensitively", Map.of("Retry-After-Ms", "10"), null,
						Duration.ofMillis(10), "retry-after-ms"));
	}

	@ParameterizedTest
	@CsvSource({
		"1s, PT1S",
		"6m0s, PT6M",
		"120ms, PT0.12S",
		"1h2m3.5s, PT1H2M3.5S",
		"0.5s, PT0.5S",
		"20ms, PT0.02S",
		"17.283s, PT17.283S",
		"500us, PT0.0005S",
		"500µs, PT0.0005S",
		"250ns, PT0.00000025S",
		"2h, PT2H",
		"0s, PT0S",
		"0, PT0S",
		"12, PT12S",
		"1.5, PT1.5S"
	})
	void readsOpenAiResetAsGoDurationOrAzureSeconds(String value, Duration expected) {
		assertWait(Map.of("x-ratelimit-reset-requests", value), expected, "x-ratelimit-reset-requests");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "s", "ms", "1x", "1 s", "-1s", "1h-2m", "1.s", "1S", "PT1S", "1d", "h1" })
	void ignoresUnusableOpenAiResetValues(String value) {
		assertThat(parse(Map.of("x-ratelimit-reset-tokens", value), null).retryAfter()).isEmpty();
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = {
		"1s, 0, 6m0s, 120, PT1S, x-ratelimit-reset-requests",
		"1s, 5, 6m0s, 0, PT6M, x-ratelimit-reset-tokens",
		"1s, 0, 6m0s, 0, PT6M, x-ratelimit-reset-tokens",
		"8s, 0, 20ms, 0, PT8S, x-ratelimit-reset-requests",
		"1s, 5, 6m0s, 120, PT1S, x-ratelimit-reset-requests",
		"7s, null, 20ms, null, PT0.02S, x-ratelimit-reset-tokens",
		"1s, -1, 0, -1, PT0S, x-ratelimit-reset-tokens",
		"garbage, 0, 2s, 7, PT2S, x-ratelimit-reset-tokens",
		"null, null, 2s, 0, PT2S, x-ratelimit-reset-tokens",
		"3s, 0.0, 9s, abc, PT3S, x-ratelimit-reset-requests"
	})
	void choosesOpenAiResetOfTheExhaustedLimitElseTheEarliest(String resetRequests, String remainingRequests,
			String resetTokens, String remainingTokens, Duration expected, String source) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		putIfNotNull(headers, "x-ratelimit-reset-requests", resetRequests);
		putIfNotNull(headers, "x-ratelimit-remaining-requests", remainingRequests);
		putIfNotNull(headers, "x-ratelimit-reset-tokens", resetTokens);
		putIfNotNull(headers, "x-ratelimit-remaining-tokens", remainingTokens);
		assertWait(headers, expected, source);
	}

	@ParameterizedTest
	@CsvSource({
		"2025-01-01T00:00:30Z, PT30S",
		"2025-01-01T00:00:00.250Z, PT0.25S",
		"2025-01-01T01:00:30+01:00, PT30S",
		"' 2025-01-01T00:01:00Z ', PT1M",
		"2025-01-01T00:00:00Z, PT0S",
		"2024-12-31T23:00:00Z, PT0S"
	})
	void readsAnthropicResetInstantAgainstNowNeverNegative(String value, Duration expected) {
		assertWait(Map.of("anthropic-ratelimit-tokens-reset", value), expected, "anthropic-ratelimit-tokens-reset");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "soon", "2025-01-01T00:00:30", "2025-01-01 00:00:30Z", "1735689630",
			"Wed, 01 Jan 2025 00:00:30 GMT", "2025-13-01T00:00:30Z" })
	void ignoresUnusableAnthropicResetValues(String value) {
		assertThat(parse(Map.of("anthropic-ratelimit-requests-reset", value), null).retryAfter()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("anthropicResets")
	void choosesAnthropicResetOfTheExhaustedLimitElseTheEarliest(String rule, Map<String, String> headers,
			Duration expected, String source) {
		assertWait(headers, expected, source);
	}

	static Stream<Arguments> anthropicResets() {
		String in10s = "2025-01-01T00:00:10Z";
		String in40s = "2025-01-01T00:00:40Z";
		String in50s = "2025-01-01T00:00:50Z";
		return Stream.of(
				arguments("exhausted requests limit",
						Map.of("anthropic-ratelimit-requests-reset", in10s, "anthropic-ratelimit-requests-remaining", "0",
								"anthropic-ratelimit-tokens-reset", in40s, "anthropic-ratelimit-tokens-remaining", "1000"),
						Duration.ofSeconds(10), "anthropic-ratelimit-requests-reset"),
				arguments("exhausted output tokens limit",
						Map.of("anthropic-ratelimit-requests-reset", in10s, "anthropic-ratelimit-requests-remaining", "49",
								"anthropic-ratelimit-output-tokens-reset", in40s,
								"anthropic-ratelimit-output-tokens-remaining", "0"),
						Duration.ofSeconds(40), "anthropic-ratelimit-output-tokens-reset"),
				arguments("latest of several exhausted limits",
						Map.of("anthropic-ratelimit-input-tokens-reset", in50s,
								"anthropic-ratelimit-input-tokens-remaining", "0", "anthropic-ratelimit-tokens-reset",
								in40s, "anthropic-ratelimit-tokens-remaining", "0"),
						Duration.ofSeconds(50), "anthropic-ratelimit-input-tokens-reset"),
				arguments("earliest when none is exhausted",
						Map.of("anthropic-ratelimit-requests-reset", in40s, "anthropic-ratelimit-tokens-reset", in10s,
								"anthropic-ratelimit-output-tokens-reset", in50s),
						Duration.ofSeconds(10), "anthropic-ratelimit-tokens-reset"));
	}

	@ParameterizedTest
	@CsvSource({
		"Please try again in 20s., PT20S",
		"Please try again in 456ms., PT0.456S",
		"try again in 1.5s, PT1.5S",
		"Please retry after 7 seconds., PT7S",
		"Rate limit reached. Please try again in 6m0s. Visit https://platform.openai.com/account/rate-limits, PT6M",
		"PLEASE TRY AGAIN IN 3S, PT3S",
		"Please retry in 35.60207746s., PT35.60207746S",
		"try again in 1 minute, PT1M",
		"try again in 2 hours, PT2H",
		"retry after 250 milliseconds, PT0.25S",
		"try again in 5sec, PT5S",
		"try again in 1h2m3s, PT1H2M3S",
		"try  again\tin  20s, PT20S",
		"try again in 20s and again in 30s, PT20S"
	})
	void readsWaitStatedInBody(String body, Duration expected) {
		assertWait(Map.of(), body, expected, "body");
	}

	@Test
	void readsWaitFromOpenAiRateLimitBody() {
		String body = """
				{
				  "error": {
				    "message": "Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): \
				Limit 30000, Used 29000, Requested 2000. Please try again in 2.004s. Visit \
				https://platform.openai.com/account/rate-limits to learn more.",
				    "type": "tokens",
				    "param": null,
				    "code": "rate_limit_exceeded"
				  }
				}""";
		assertWait(Map.of(), body, Duration.ofMillis(2004), "body");
		assertThat(parse(Map.of(), body).quotaExhausted()).isFalse();
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "Please try again later.", "try again in a moment", "retry in 5 years", "try again in s",
			"try again in -5s", "{\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
			"try again in 20sx" })
	void ignoresBodyWithoutUsableWait(String body) {
		assertThat(parse(Map.of(), body).retryAfter()).isEmpty();
	}

	@Test
	void searchesOnlyTheStartOfALargeBody() {
		String body = "x".repeat(ServerHints.BODY_SCAN_LIMIT) + " Please try again in 5s. \"insufficient_quota\"";
		ServerHints hints = parse(Map.of(), body);
		assertThat(hints.retryAfter()).isEmpty();
		assertThat(hints.quotaExhausted()).isFalse();
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = {
		"true, true", "false, false", "TRUE, true", "' false ', false", "yes, null", "1, null", "'', null", "null, null"
	})
	void readsShouldRetryVerdict(String value, Boolean expected) {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		putIfNotNull(headers, "x-should-retry", value);
		assertThat(parse(headers, null).shouldRetry()).isEqualTo(Optional.ofNullable(expected));
	}

	@Test
	void keepsShouldRetryBesideTheWait() {
		ServerHints hints = parse(Map.of("x-should-retry", "false", "retry-after", "4"), null);
		assertThat(hints.shouldRetry()).contains(false);
		assertThat(hints.retryAfter()).contains(Duration.ofSeconds(4));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("quotaBodies")
	void recognisesQuotaThatWaitingWillNotHeal(String provider, String body, boolean exhausted) {
		assertThat(parse(Map.of(), body).quotaExhausted()).isEqualTo(exhausted);
	}

	static Stream<Arguments> quotaBodies() {
		return Stream.of(
				arguments("OpenAI insufficient_quota", """
						{"error":{"message":"You exceeded your current quota, please check your plan and billing details.",\
						"type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", true),
				arguments("OpenAI code with spaces", "{\"error\": {\"code\" : \"insufficient_quota\"}}", true),
				arguments("OpenAI billing hard limit",
						"{\"error\":{\"message\":\"Billing hard limit has been reached\",\"type\":\"invalid_request_error\","
								+ "\"code\":\"billing_hard_limit_reached\"}}",
						true),
				arguments("OpenAI billing not active", "{\"error\":{\"code\":\"billing_not_active\"}}", true),
				arguments("Anthropic credit balance", """
						{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low \
						to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}""",
						true),
				arguments("OpenAI rate limit", "{\"error\":{\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
						false),
				arguments("Anthropic rate limit",
						"{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens "
								+ "has exceeded your per-minute rate limit\"}}",
						false),
				arguments("no body", null, false));
	}

	@Test
	void quotaHintKeepsTheStatedWait() {
		ServerHints hints = parse(Map.of("retry-after", "20"), "{\"error\":{\"code\":\"insufficient_quota\"}}");
		assertThat(hints.quotaExhausted()).isTrue();
		assertThat(hints.retryAfter()).contains(Duration.ofSeconds(20));
	}

	private static void assertWait(Map<String, String> headers, Duration expected, String source) {
		assertWait(headers, null, expected, source);
	}

	private static void assertWait(Map<String, String> headers, String body, Duration expected, String source) {
		ServerHints hints = parse(headers, body);
		assertThat(hints.retryAfter()).contains(expected);
		assertThat(hints.source()).isEqualTo(source);
	}

	private static ServerHints parse(Map<String, String> headers, String body) {
		Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		caseInsensitive.putAll(headers);
		return ServerHints.parse(caseInsensitive::get, body, NOW);
	}

	private static void putIfNotNull(Map<String, String> headers, String name, String value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

}
