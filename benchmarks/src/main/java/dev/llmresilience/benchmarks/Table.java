package dev.llmresilience.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * A results table, rendered as Markdown.
 */
final class Table {

	private final String caption;

	private final List<String> headers;

	private final List<List<String>> rows = new ArrayList<>();

	Table(String caption, String... headers) {
		this.caption = caption;
		this.headers = List.of(headers);
	}

	Table row(Object... cells) {
		if (cells.length != this.headers.size()) {
			throw new IllegalArgumentException(
					"Table '" + this.caption + "' has " + this.headers.size() + " columns, not " + cells.length);
		}
		List<String> row = new ArrayList<>();
		for (Object cell : cells) {
			row.add(String.valueOf(cell).replace("|", "\\|"));
		}
		this.rows.add(row);
		return this;
	}

	String markdown() {
		StringBuilder text = new StringBuilder();
		if (!this.caption.isEmpty()) {
			text.append(this.caption).append("\n\n");
		}
		text.append(line(this.headers));
		text.append(line(this.headers.stream().map((header) -> "---").toList()));
		this.rows.forEach((row) -> text.append(line(row)));
		return text.toString();
	}

	private static String line(List<String> cells) {
		return "| " + String.join(" | ", cells) + " |\n";
	}

}
