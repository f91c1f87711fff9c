package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured: what it does, its tables, its targets and notes, and how long it took.
 */
final class ScenarioReport {

	private final String title;

	private final List<String> method = new ArrayList<>();

	private final List<Table> tables = new ArrayList<>();

	private final List<TargetResult> targets = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private Duration took = Duration.ZERO;

	ScenarioReport(String title) {
		this.title = title;
	}

	ScenarioReport method(String line) {
		this.method.add(line);
		return this;
	}

	ScenarioReport table(Table table) {
		this.tables.add(table);
		return this;
	}

	ScenarioReport target(String target, String measured, boolean met) {
		this.targets.add(new TargetResult(target, measured, met));
		return this;
	}

	ScenarioReport note(String line) {
		this.notes.add(line);
		return this;
	}

	ScenarioReport took(Duration took) {
		this.took = took;
		return this;
	}

	String title() {
		return this.title;
	}

	List<TargetResult> targets() {
		return List.copyOf(this.targets);
	}

	Duration took() {
		return this.took;
	}

	String markdown() {
		StringBuilder text = new StringBuilder();
		text.append("## ").append(this.title).append("\n\n");
		this.method.forEach((line) -> text.append(line).append("\n"));
		if (!this.method.isEmpty()) {
			text.append("\n");
		}
		this.tables.forEach((table) -> text.append(table.markdown()).append("\n"));
		if (!this.targets.isEmpty()) {
			Table verdicts = new Table("", "target", "measured", "verdict");
			this.targets.forEach((target) -> verdicts.row(target.target(), target.measured(), target.verdict()));
			text.append(verdicts.markdown()).append("\n");
		}
		this.notes.forEach((note) -> text.append("- ").append(note).append("\n"));
		if (!this.notes.isEmpty()) {
			text.append("\n");
		}
		text.append("_Took ").append(Cells.decimal(this.took.toMillis() / 1000.0)).append(" s._\n\n");
		return text.toString();
	}

}
