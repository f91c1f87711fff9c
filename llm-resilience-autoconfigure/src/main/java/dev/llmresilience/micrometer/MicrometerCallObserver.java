package dev.llmresilience.micrometer;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.Failure;
import dev.llmresilience.core.RetryDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records attempts, retry waits and calls as Micrometer meters, beside resilience4j's own meters
 * (which count calls but cannot tell a premature close from a 529).
 *
 * <p>Every tag value comes from a bounded set: provider names are configuration, causes are
 * {@link Failure#cause()} tags, and call outcomes are {@code success} or the snake-cased simple name
 * of the exception the caller got (a handful of classes, as Boot's {@code exception} tag on
 * {@code http.client.requests} has it).
 */
public class MicrometerCallObserver implements CallObserver {

	/** Counter of attempts: tags {@code provider}, {@code outcome}, {@code cause}. */
	public static final String ATTEMPTS = "llm.resilience.attempts";

	/** Timer of the waits before retries: tags {@code provider}, {@code source}. */
	public static final String RETRY_DELAY = "llm.resilience.retry.delay";

	/** Timer of logical calls, waits included: tags {@code provider}, {@code outcome}. */
	public static final String CALLS = "llm.resilience.calls";

	/** Distribution of the attempts each logical call took: tags {@code provider}, {@code outcome}. */
	public static final String CALL_ATTEMPTS = "llm.resilience.calls.attempts";

	/** The {@code cause} of a successful attempt, so every attempt carries the same tag keys. */
	static final String NO_CAUSE = "none";

	private final MeterProvider<Counter> attempts;

	private final MeterProvider<Timer> retryDelay;

	private final MeterProvider<Timer> calls;

	private final MeterProvider<DistributionSummary> callAttempts;

	/** Outcome tags by outcome: a handful of names, so each is snake-cased once, not on every call. */
	private final Map<String, String> outcomeTags = new ConcurrentHashMap<>();

	public MicrometerCallObserver(MeterRegistry registry) {
		this.attempts = Counter.builder(ATTEMPTS)
			.description("Attempts sent to LLM providers, by outcome and cause")
			.withRegistry(registry);
		this.retryDelay = Timer.builder(RETRY_DELAY)
			.description("Waits before retrying an LLM provider, by who chose them")
			.withRegistry(registry);
		this.calls = Timer.builder(CALLS)
			.description("Logical calls to LLM providers, all attempts and waits included")
			.withRegistry(registry);
		this.callAttempts = DistributionSummary.builder(CALL_ATTEMPTS)
			.description("Attempts each logical call to an LLM provider took")
			.baseUnit("attempts")
			.withRegistry(registry);
	}

	@Override
	public void onAttempt(String provider, Failure failure, boolean retryable) {
		String outcome = (failure == null) ? "success" : (retryable ? "retryable" : "fatal");
		String cause = (failure != null) ? failure.cause() : NO_CAUSE;
		this.attempts.withTags("provider", provider, "outcome", outcome, "cause", cause).increment();
	}

	@Override
	public void onRetry(String provider, int attempt, int maxAttempts, Failure failure, RetryDecision decision) {
		this.retryDelay.withTags("provider", provider, "source", decision.source().tag()).record(decision.delay());
	}

	@Override
	public void onCall(String provider, String outcome, int attempts, Duration duration) {
		String tag = (outcome != null) ? this.outcomeTags.computeIfAbsent(outcome, MicrometerCallObserver::outcomeTag)
				: outcomeTag(null);
		this.calls.withTags("provider", provider, "outcome", tag).record(duration);
		this.callAttempts.withTags("provider", provider, "outcome", tag).record(attempts);
	}

	/**
	 * Return the bounded tag for a call's outcome: {@code success}, or the exception's simple name
	 * without its {@code Exception} suffix in snake case ({@code RetriesExhaustedException} becomes
	 * {@code retries_exhausted}, {@code CircuitOpenException} {@code circuit_open}).
	 * @param outcome {@code success} or an exception's simple name
	 * @return the tag value
	 */
	static String outcomeTag(String outcome) {
		if (outcome == null || outcome.isBlank()) {
			return "unknown";
		}
		String name = outcome.endsWith("Exception") && outcome.length() > "Exception".length()
				? outcome.substring(0, outcome.length() - "Exception".length()) : outcome;
		StringBuilder tag = new StringBuilder(name.length() + 4);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isUpperCase(c)) {
				// a capital opens a word unless it continues an acronym ("HTTPTimeout" -> "http_timeout")
				boolean afterLower = i > 0 && !Character.isUpperCase(name.charAt(i - 1));
				boolean beforeLower = i > 0 && i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
				if (tag.length() > 0 && tag.charAt(tag.length() - 1) != '_' && (afterLower || beforeLower)) {
					tag.append('_');
				}
				tag.append(Character.toLowerCase(c));
			}
			else if (Character.isLetterOrDigit(c)) {
				tag.append(c);
			}
			else if (tag.length() > 0 && tag.charAt(tag.length() - 1) != '_') {
				tag.append('_');
			}
		}
		return tag.toString().toLowerCase(Locale.ROOT);
	}

}
