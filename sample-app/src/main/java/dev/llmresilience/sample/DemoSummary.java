package dev.llmresilience.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmresilience.fakeprovider.Endpoint;
import dev.llmresilience.fakeprovider.FakeProviderStats;
import dev.llmresilience.fakeprovider.Fault;

/**
 * The numbers of one demo run: what the application saw through the starter and, beside them, what the fake
 * provider counted on its side.
 *
 * @param providers the providers called
 * @param calls the calls sent
 * @param elapsed how long the run took
 * @param succeeded calls that got a whole answer
 * @param typedFailures calls that failed with a failure the caller can act on, by class name
 * @param otherFailures calls that failed any other way, by class name
 * @param attempts attempts the starter made, by cause ({@code ok} for those that got an answer)
 * @param retries retries the starter scheduled, by the cause of the failed attempt
 * @param waited time the starter waited before retries, by who chose the wait ({@code backoff}, {@code server})
 * @param transitions breaker state transitions, by provider and transition
 * @param fake the fake provider's own counts, or {@code null} when the run called real providers
 */
public record DemoSummary(List<String> providers, int calls, Duration elapsed, long succeeded,
		Map<String, Long> typedFailures, Map<String, Long> otherFailures, Map<String, Long> attempts,
		Map<String, Long> retries, Map<String, Duration> waited, Map<String, Long> transitions,
		FakeProviderStats.Snapshot fake) {

	private static final String GAP = "     ";

	public long attemptsMade() {
		return sum(this.attempts);
	}

	public long typedFailureCount() {
		return sum(this.typedFailures);
	}

	public long otherFailureCount() {
		return sum(this.otherFailures);
	}

	/**
	 * Whether every call ended, and each in an answer or a failure the caller can act on.
	 * @return {@code true} when successes and typed failures add up to the calls sent
	 */
	public boolean everyCallEndedTyped() {
		return this.succeeded + typedFailureCount() == this.calls && otherFailureCount() == 0;
	}

	/**
	 * Whether the attempts the starter reported are the requests the fake provider received; always true
	 * against real providers, which cannot be asked.
	 * @return {@code true} when the two sides agree
	 */
	public boolean countsAgree() {
		return this.fake == null || attemptsMade() == this.fake.received();
	}

	/**
	 * Render the summary as a table for a terminal: the application's side, and the fake provider's beside it.
	 * @return the table, lines separated by {@code \n}
	 */
	public String render() {
		List<Row> left = applicationSide();
		List<Row> right = (this.fake != null) ? fakeSide() : List.of();
		int leftWidth = width(left);
		int rightWidth = width(right);
		StringBuilder table = new StringBuilder();
		table.append("%d calls to %s in %s\n\n".formatted(this.calls, String.join(", ", this.providers),
				seconds(this.elapsed)));
		for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
			String line = cell(left, i, leftWidth) + ((i < right.size()) ? GAP + cell(right, i, rightWidth) : "");
			table.append(line.stripTrailing()).append('\n');
		}
		table.append('\n');
		table.append("calls %d = answered %d + typed failures %d + other failures %d\n".formatted(this.calls,
				this.succeeded, typedFailureCount(), otherFailureCount()));
		if (this.fake != null) {
			table.append("attempts made %d %s requests the fake provider received %d: %s\n".formatted(attemptsMade(),
					countsAgree() ? "=" : "!=", this.fake.received(),
					countsAgree() ? "the counts agree" : "THE COUNTS DISAGREE"));
		}
		return table.toString();
	}

	private List<Row> applicationSide() {
		List<Row> rows = new ArrayList<>();
		rows.add(Row.heading("THE APPLICATION, THROUGH THE STARTER"));
		rows.add(new Row(0, "calls", this.calls));
		rows.add(new Row(1, "answered", this.succeeded));
		rows.add(new Row(1, "failed, typed", typedFailureCount()));
		this.typedFailures.forEach((name, count) -> rows.add(new Row(2, name, count)));
		if (otherFailureCount() > 0) {
			rows.add(new Row(1, "failed, other", otherFailureCount()));
			this.otherFailures.forEach((name, count) -> rows.add(new Row(2, name, count)));
		}
		rows.add(new Row(0, "attempts made", attemptsMade()));
		this.attempts.forEach((cause, count) -> rows.add(new Row(1, cause, count)));
		rows.add(new Row(0, "retries", sum(this.retries)));
		this.retries.forEach((cause, count) -> rows.add(new Row(1, cause, count)));
		rows.add(new Row(0, "time waited before retries",
				seconds(this.waited.values().stream().reduce(Duration.ZERO, Duration::plus))));
		this.waited.forEach((source, wait) -> rows.add(new Row(1, "chosen by " + source, seconds(wait))));
		rows.add(new Row(0, "breaker transitions", sum(this.transitions)));
		this.transitions.forEach((transition, count) -> rows.add(new Row(1, transition, count)));
		return rows;
	}

	private List<Row> fakeSide() {
		List<Row> rows = new ArrayList<>();
		rows.add(Row.heading("THE FAKE PROVIDER, ITS OWN COUNTS"));
		rows.add(new Row(0, "requests received", this.fake.received()));
		for (Endpoint endpoint : Endpoint.values()) {
			rows.add(new Row(1, endpoint.path(), this.fake.received(endpoint)));
		}
		rows.add(new Row(0, "answered in full", this.fake.successfulResponses()));
		rows.add(new Row(1, "json", this.fake.jsonResponses()));
		rows.add(new Row(1, "stream", this.fake.streamResponses()));
		rows.add(new Row(0, "faults injected", this.fake.totalFaults()));
		this.fake.faults().forEach((fault, count) -> rows.add(new Row(1, describe(fault), count)));
		return rows;
	}

	// Named as the application side names the same thing, so the two columns can be read against each other.
	private static String describe(Fault fault) {
		return switch (fault) {
			case SLOW_FIRST_BYTE -> "slow_first_byte (timeout)";
			case RATE_LIMIT -> "rate_limit (status_429)";
			case UNAVAILABLE -> "unavailable (status_503)";
			case OVERLOADED -> "overloaded (status_529)";
			default -> fault.name().toLowerCase(Locale.ROOT);
		};
	}

	private static String cell(List<Row> rows, int index, int width) {
		if (index >= rows.size()) {
			return " ".repeat(width);
		}
		Row row = rows.get(index);
		String label = "  ".repeat(row.indent()) + row.label();
		return label + " ".repeat(Math.max(1, width - label.length() - row.value().length())) + row.value();
	}

	private static int width(List<Row> rows) {
		return rows.stream().mapToInt((row) -> 2 * row.indent() + row.label().length() + 2 + row.value().length())
			.max()
			.orElse(0);
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	private static long sum(Map<String, Long> counts) {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * One line of a column: an indented label and its value, right-aligned.
	 */
	private record Row(int indent, String label, String value) {

		Row(int indent, String label, long value) {
			this(indent, label, Long.toString(value));
		}

		static Row heading(String title) {
			return new Row(0, title, "");
		}

	}

}
