package dev.llmresilience.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

/**
 * Runs every benchmark scenario and writes {@code RESULTS.md}: the one entry point of the on-demand run.
 * <p>
 * Arguments: {@code --output=PATH} (default {@code RESULTS.md}), {@code --only=overhead,goodput,...} (default
 * all), {@code --seed=N}. Every scenario is bounded in time and count, and a watchdog ends the JVM should one
 * hang all the same.
 */
public final class BenchmarkRunner {

	static final long DEFAULT_SEED = 20261204L;

	/** Far above the expected three minutes: only a harness bug gets here. */
	private static final Duration WATCHDOG = Duration.ofMinutes(8);

	private BenchmarkRunner() {
	}

	public static void main(String[] args) {
		Path output = Path.of(option(args, "output", "RESULTS.md"));
		Set<String> only = Arrays.stream(option(args, "only", "all").split(","))
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.collect(Collectors.toSet());
		long seed = Long.parseLong(option(args, "seed", Long.toString(DEFAULT_SEED)));
		startWatchdog();
		int status = run(output, only, seed);
		System.exit(status);
	}

	static int run(Path output, Set<String> only, long seed) {
		ZonedDateTime started = ZonedDateTime.now();
		Timeline timeline = Timeline.start();
		List<Scenario> scenarios = List.of(new OverheadScenario(OverheadScenario.Settings.defaults(seed)),
				new GoodputScenario(GoodputScenario.Settings.defaults(seed)),
				new OutageScenario(OutageScenario.Settings.defaults(seed)),
				new StreamScenario(StreamScenario.Settings.defaults(seed)),
				new SoakScenario(SoakScenario.Settings.onDemand(seed)));
		List<ScenarioReport> reports = new ArrayList<>();
		int status = 0;
		for (Scenario scenario : scenarios) {
			if (!only.contains("all") && !only.contains(scenario.name())) {
				continue;
			}
			System.out.printf("[benchmarks] %s ...%n", scenario.name());
			Timeline scenarioTime = Timeline.start();
			try {
				ScenarioReport report = scenario.run();
				reports.add(report);
				System.out.printf("[benchmarks] %s done in %.1f s%n", scenario.name(),
						report.took().toMillis() / 1000.0);
				report.targets()
					.forEach((target) -> System.out.printf("[benchmarks]   %s: %s -> %s%n", target.target(),
							target.measured(), target.met() ? "met" : "NOT MET"));
			}
			catch (RuntimeException ex) {
				// a broken scenario is reported in RESULTS.md rather than losing the others' figures
				status = 1;
				StringWriter trace = new StringWriter();
				ex.printStackTrace(new PrintWriter(trace));
				System.err.println(trace);
				reports.add(new ScenarioReport(scenario.name() + ": failed to run")
					.method("```\n" + trace.toString().lines().limit(20).collect(Collectors.joining("\n")) + "\n```")
					.took(scenarioTime.elapsed()));
			}
		}
		Duration took = timeline.elapsed();
		String markdown = new ResultsDocument(reports, seed, started, took).markdown();
		try {
			Files.writeString(output, markdown, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + output, ex);
		}
		System.out.printf("[benchmarks] wrote %s in %.1f s%n", output.toAbsolutePath(), took.toMillis() / 1000.0);
		return status;
	}

	private static String option(String[] args, String name, String fallback) {
		String prefix = "--" + name + "=";
		return Arrays.stream(args)
			.filter((arg) -> arg.startsWith(prefix))
			.map((arg) -> arg.substring(prefix.length()))
			.findFirst()
			.orElse(fallback);
	}

	private static void startWatchdog() {
		// Reactor's timer threads are daemons: the watchdog never keeps a finished run alive
		Mono.delay(WATCHDOG).subscribe((tick) -> {
			System.err.println("[benchmarks] still running after " + WATCHDOG.toMinutes() + " min: giving up");
			Runtime.getRuntime().halt(2);
		});
	}

}
