package dev.llmresilience.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a provider's failed response asked of the client: how long to wait, whether to retry at all,
 * and whether the account is out of quota, parsed from headers and the error body.
 *
 * <p>The wait comes from the first of these that holds a usable value; a malformed, negative or
 * non-numeric value counts as absent and the next source is tried:
 * <ol>
 * <li>{@code retry-after-ms}: milliseconds, fractions allowed. Not standard, but the most precise;
 * the OpenAI and Anthropic SDKs ({@code _parse_retry_after_header} in their {@code _base_client.py})
 * read it before {@code retry-after}.</li>
 * <li>{@code Retry-After} (RFC 9110): delay-seconds, fractions allowed as those SDKs allow them, or an
 * IMF-fixdate such as {@code Sun, 06 Nov 1994 08:49:37 GMT}; a date already past means no wait.
 * The obsolete RFC 850 and asctime date forms are not read.</li>
 * <li>A wait stated in the error body: OpenAI's 429 messages end with "Please try again in 20s",
 * "in 456ms", "in 1.5s" or "in 6m0s"; "retry after 7 seconds" and Gemini's "Please retry in 35.6s"
 * read the same way. Read before the reset headers because the body speaks of the limit that
 * rejected this request, while the headers describe every limit. Only the first
 * {@value #BODY_SCAN_LIMIT} characters are searched.</li>
 * <li>Rate-limit reset headers, OpenAI's before Anthropic's, see below.</li>
 * </ol>
 *
 * <p>Reset headers. OpenAI sends {@code x-ratelimit-reset-requests} and {@code x-ratelimit-reset-tokens}
 * as Go durations ({@code 1s}, {@code 6m0s}, {@code 120ms}; Azure OpenAI sends bare seconds), beside
 * {@code x-ratelimit-remaining-requests} and {@code -tokens} (OpenAI "Rate limits" guide). Anthropic sends
 * {@code anthropic-ratelimit-requests-reset}, {@code -tokens-reset}, {@code -input-tokens-reset} and
 * {@code -output-tokens-reset} as RFC 3339 instants, beside the matching {@code -remaining} headers
 * (Anthropic "Rate limits" page); the wait is the instant minus {@code now}, never negative. A 429 does
 * not say which limit it hit, so the rule is: if some limits report {@code remaining} of exactly 0, wait
 * for the latest of their resets, since every exhausted limit must reset before a retry can pass;
 * otherwise wait for the earliest reset present. Guessing short costs one more attempt, whose answer
 * carries fresh hints; guessing long (a daily limit resetting hours away) would wrongly exceed the
 * largest wait the caller accepts and fail a call that could have passed. A remaining of {@code -1}
 * (Azure's "unknown") is not exhaustion.
 *
 * <p>Waits are clamped to 365 days instead of overflowing; the caller compares them against its
 * largest acceptable server delay and fails fast above it.
 *
 * <p>{@code x-should-retry: true|false} is the OpenAI and Anthropic servers' explicit verdict, which
 * their SDKs obey before looking at the status. {@link #quotaExhausted()} reports billing and quota
 * markers in the body whatever the status was; deciding what they mean for a given status is the
 * classifier's job.
 */
public final class ServerHints {

	/** Longest wait a hint can name; larger values are clamped to it. */
	static final Duration MAX_WAIT = Duration.ofDays(365);

	/** Characters of an error body searched for a stated wait or a quota marker. */
	static final int BODY_SCAN_LIMIT = 4096;

	private static final String NONE = "none";

	// Longer header values are not numbers or dates any provider sends; refusing them bounds the work.
	private static final int MAX_HEADER_LENGTH = 256;

	private static final BigDecimal MAX_WAIT_NANOS = BigDecimal.valueOf(MAX_WAIT.toNanos());

	private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);

	private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

	private static final Pattern DECIMAL = Pattern.compile("\\d+(?:\\.\\d+)?|\\.\\d+");

	private static final String GO_UNIT = "(?:h|ms|us|µs|μs|ns|m|s)";

	private static final Pattern GO_DURATION = Pattern.compile("(?:\\d+(?:\\.\\d+)?" + GO_UNIT + ")+");

	private static final Pattern GO_COMPONENT = Pattern.compile("(\\d+(?:\\.\\d+)?)(" + GO_UNIT + ")");

	private static final Pattern BODY_WAIT = Pattern.compile("(?:try\\s+again|retry)\\s+(?:in|after)\\s+"
			+ "(?:((?:\\d{1,12}(?:\\.\\d{1,9})?" + GO_UNIT + "){1,4})(?![a-z])"
			+ "|(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(milliseconds?|msecs?|seconds?|secs?|minutes?|mins?|hours?|hrs?)\\b)",
			Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

	// OpenAI's error codes (error.code or error.type) for quota and billing; Anthropic answers a
	// spent credit balance with a 400 invalid_request_error whose message is the only marker.
	private static final Pattern QUOTA_MARKER = Pattern.compile(
			"\"(?:insufficient_quota|billing_hard_limit_reached|billing_not_active|credit_balance_too_low)\""
					+ "|credit balance is too low|exceeded your current quota",
			Pattern.CASE_INSENSITIVE);

	private static final String[] OPENAI_LIMITS = { "requests", "tokens" };

	private static final String[] ANTHROPIC_LIMITS = { "requests", "tokens", "input-tokens", "output-tokens" };

	private static final ServerHints NO_HINTS = new ServerHints(null, null, false, NONE);

	private final Duration retryAfter;

	private final Boolean shouldRetry;

	private final boolean quotaExhausted;

	private final String source;

	private ServerHints(Duration retryAfter, Boolean shouldRetry, boolean quotaExhausted, String source) {
		this.retryAfter = retryAfter;
		this.shouldRetry = shouldRetry;
		this.quotaExhausted = quotaExhausted;
		this.source = source;
	}

	/**
	 * Hints from a response that carried none, or from a failure without a response.
	 * @return hints that name no wait, no verdict and no quota problem
	 */
	public static ServerHints none() {
		return NO_HINTS;
	}

	/**
	 * Read the hints from a response.
	 * @param header case-insensitive lookup returning the first value of a header or {@code null}
	 * @param body error body text or {@code null}
	 * @param now the current instant, against which HTTP-dates and RFC 3339 instants are measured
	 * @return the hints found, never {@code null}
	 */
	public static ServerHints parse(Function<String, String> header, String body, Instant now) {
		Objects.requireNonNull(header, "header must not be null");
		Objects.requireNonNull(now, "now must not be null");
		String scanned = (body != null) ? body.substring(0, Math.min(body.length(), BODY_SCAN_LIMIT)) : null;
		Boolean shouldRetry = parseShouldRetry(header.apply("x-should-retry"));
		boolean quotaExhausted = scanned != null && QUOTA_MARKER.matcher(scanned).find();
		Wait wait = parseMillis(header);
		if (wait == null) {
			wait = parseRetryAfter(header, now);
		}
		if (wait == null) {
			wait = parseBody(scanned);
		}
		if (wait == null) {
			wait = parseOpenAiResets(header);
		}
		if (wait == null) {
			wait = parseAnthropicResets(header, now);
		}
		if (wait == null && shouldRetry == null && !quotaExhausted) {
			return NO_HINTS;
		}
		return (wait != null) ? new ServerHints(wait.duration, shouldRetry, quotaExhausted, wait.source)
				: new ServerHints(null, shouldRetry, quotaExhausted, NONE);
	}

	/**
	 * The wait the server named, never negative and at most 365 days.
	 * @return the wait, or empty if the response named none
	 */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/**
	 * The server's explicit verdict from {@code x-should-retry}.
	 * @return {@code true} or {@code false}, or empty if the header was absent or not a boolean
	 */
	public Optional<Boolean> shouldRetry() {
		return Optional.ofNullable(this.shouldRetry);
	}

	/**
	 * Whether the body says the account's quota or credit is spent, which waiting will not heal.
	 * @return {@code true} if a quota or billing marker was found
	 */
	public boolean quotaExhausted() {
		return this.quotaExhausted;
	}

	/**
	 * The header or body field that supplied {@link #retryAfter()}, for logs.
	 * @return a short fixed name such as {@code retry-after-ms}, {@code x-ratelimit-reset-tokens} or
	 * {@code body}, or {@code none}
	 */
	public String source() {
		return this.source;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof ServerHints other)) {
			return false;
		}
		return Objects.equals(this.retryAfter, other.retryAfter) && Objects.equals(this.shouldRetry, other.shouldRetry)
				&& this.quotaExhausted == other.quotaExhausted && this.source.equals(other.source);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.retryAfter, this.shouldRetry, this.quotaExhausted, this.source);
	}

	@Override
	public String toString() {
		return "ServerHints[retryAfter=" + this.retryAfter + ", shouldRetry=" + this.shouldRetry + ", quotaExhausted="
				+ this.quotaExhausted + ", source=" + this.source + "]";
	}

	private static Boolean parseShouldRetry(String value) {
		String trimmed = trimmed(value);
		if ("true".equalsIgnoreCase(trimmed)) {
			return Boolean.TRUE;
		}
		if ("false".equalsIgnoreCase(trimmed)) {
			return Boolean.FALSE;
		}
		return null;
	}

	private static Wait parseMillis(Function<String, String> header) {
		BigDecimal millis = decimal(header.apply("retry-after-ms"));
		return (millis != null) ? new Wait(clampedNanos(millis.multiply(NANOS_PER_MILLI)), "retry-after-ms") : null;
	}

	private static Wait parseRetryAfter(Function<String, String> header, Instant now) {
		String value = trimmed(header.apply("retry-after"));
		if (value == null) {
			return null;
		}
		BigDecimal seconds = decimal(value);
		if (seconds != null) {
			return new Wait(clampedNanos(seconds.multiply(NANOS_PER_SECOND)), "retry-after");
		}
		try {
			Instant date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			return new Wait(until(date, now), "retry-after-date");
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static Wait parseBody(String scanned) {
		if (scanned == null) {
			return null;
		}
		Matcher matcher = BODY_WAIT.matcher(scanned);
		if (!matcher.find()) {
			return null;
		}
		Duration wait = (matcher.group(1) != null) ? goDuration(matcher.group(1).toLowerCase(Locale.ROOT))
				: wordDuration(new BigDecimal(matcher.group(2)), matcher.group(3).toLowerCase(Locale.ROOT));
		return (wait != null) ? new Wait(wait, "body") : null;
	}

	private static Wait parseOpenAiResets(Function<String, String> header) {
		ResetChoice choice = new ResetChoice();
		for (String limit : OPENAI_LIMITS) {
			String name = "x-ratelimit-reset-" + limit;
			Duration reset = goDuration(trimmed(header.apply(name)));
			if (reset != null) {
				choice.offer(reset, exhausted(header.apply("x-ratelimit-remaining-" + limit)), name);
			}
		}
		return choice.result();
	}

	private static Wait parseAnthropicResets(Function<String, String> header, Instant now) {
		ResetChoice choice = new ResetChoice();
		for (String limit : ANTHROPIC_LIMITS) {
			String name = "anthropic-ratelimit-" + limit + "-reset";
			Instant reset = rfc3339(trimmed(header.apply(name)));
			if (reset != null) {
				choice.offer(until(reset, now), exhausted(header.apply("anthropic-ratelimit-" + limit + "-remaining")),
						name);
			}
		}
		return choice.result();
	}

	private static boolean exhausted(String remaining) {
		BigDecimal value = decimal(remaining);
		return value != null && value.signum() == 0;
	}

	private static Instant rfc3339(String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * Go's {@code time.Duration} text form as OpenAI sends it, or bare seconds as Azure OpenAI does.
	 */
	private static Duration goDuration(String value) {
		if (value == null) {
			return null;
		}
		BigDecimal seconds = decimal(value);
		if (seconds != null) {
			return clampedNanos(seconds.multiply(NANOS_PER_SECOND));
		}
		if (!GO_DURATION.matcher(value).matches()) {
			return null;
		}
		BigDecimal nanos = BigDecimal.ZERO;
		Matcher component = GO_COMPONENT.matcher(value);
		while (component.find()) {
			nanos = nanos.add(new BigDecimal(component.group(1)).multiply(goUnitNanos(component.group(2))));
		}
		return clampedNanos(nanos);
	}

	private static BigDecimal goUnitNanos(String unit) {
		return switch (unit) {
			case "h" -> BigDecimal.valueOf(3_600_000_000_000L);
			case "m" -> BigDecimal.valueOf(60_000_000_000L);
			case "s" -> NANOS_PER_SECOND;
			case "ms" -> NANOS_PER_MILLI;
			case "ns" -> BigDecimal.ONE;
			default -> BigDecimal.valueOf(1_000L);
		};
	}

	private static Duration wordDuration(BigDecimal amount, String unit) {
		BigDecimal unitNanos;
		if (unit.startsWith("ms") || unit.startsWith("milli")) {
			unitNanos = NANOS_PER_MILLI;
		}
		else if (unit.startsWith("s")) {
			unitNanos = NANOS_PER_SECOND;
		}
		else if (unit.startsWith("m")) {
			unitNanos = BigDecimal.valueOf(60_000_000_000L);
		}
		else {
			unitNanos = BigDecimal.valueOf(3_600_000_000_000L);
		}
		return clampedNanos(amount.multiply(unitNanos));
	}

	/**
	 * A plain non-negative decimal ({@code 20}, {@code 1.5}, {@code .5}); signs, exponents, {@code NaN}
	 * and {@code Infinity} are not accepted.
	 */
	private static BigDecimal decimal(String value) {
		String trimmed = trimmed(value);
		if (trimmed == null || !DECIMAL.matcher(trimmed).matches()) {
			return null;
		}
		return new BigDecimal(trimmed);
	}

	private static Duration clampedNanos(BigDecimal nanos) {
		if (nanos.compareTo(MAX_WAIT_NANOS) >= 0) {
			return MAX_WAIT;
		}
		return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
	}

	private static Duration until(Instant instant, Instant now) {
		if (!instant.isAfter(now)) {
			return Duration.ZERO;
		}
		// A year past now is already the clamp; this also keeps Duration.between far from overflow.
		if (instant.isAfter(now.plus(MAX_WAIT))) {
			return MAX_WAIT;
		}
		return Duration.between(now, instant);
	}

	private static String trimmed(String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.strip();
		return (trimmed.isEmpty() || trimmed.length() > MAX_HEADER_LENGTH) ? null : trimmed;
	}

	private record Wait(Duration duration, String source) {
	}

	/** Exhausted limits' latest reset if any limit is exhausted, otherwise the earliest reset present. */
	private static final class ResetChoice {

		private Wait latestExhausted;

		private Wait earliest;

		void offer(Duration reset, boolean exhausted, String source) {
			if (exhausted && (this.latestExhausted == null || reset.compareTo(this.latestExhausted.duration) > 0)) {
				this.latestExhausted = new Wait(reset, source);
			}
			if (this.earliest == null || reset.compareTo(this.earliest.duration) < 0) {
				this.earliest = new Wait(reset, source);
			}
		}

		Wait result() {
			return (this.latestExhausted != null) ? this.latestExhausted : this.earliest;
		}

	}

}
