package dev.llmresilience.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.FaultPlan;
import reactor.core.publisher.Mono;

/**
 * What the starter costs when nothing fails: a plain WebClient, the starter's, and a second plain one as an A/A
 * control, in alternating rounds against a provider that never fails.
 */
final class OverheadScenario implements Scenario {

	private static final List<Arm> ARMS = List.of(Arm.PLAIN, Arm.STARTER, Arm.PLAIN_CONTROL);

	private final Settings settings;

	OverheadScenario(Settings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return "overhead";
	}

	@Override
	public ScenarioReport run() {
		Timeline timeline = Timeline.start();
		FaultPlan plan = FaultPlan.builder().seed(this.settings.seed()).streamEvents(this.settings.tokens()).build();
		try (FakeProvider provider = FakeProvider.start(plan)) {
			ProviderPolicy policy = BenchmarkPolicies.policy(provider.baseUrl());
			Map<Arm, ArmClient> clients = new EnumMap<>(Arm.class);
			ARMS.forEach((arm) -> clients.put(arm, ArmClient.create(arm, policy)));
			try {
				int bodyBytes = clients.get(Arm.PLAIN).completion().block(Duration.ofSeconds(10))
					.getBytes(StandardCharsets.UTF_8).length;
				WarmUp warmUp = warmUp(clients);
				Progress.step(name(), "warmed up in " + Cells.decimal(warmUp.took().toMillis() / 1000.0) + " s, JIT "
						+ warmUp.lastCycleCompilationMillis() + " ms in the last cycle", timeline);
				List<Round> rounds = new ArrayList<>();
				for (int number = 1; number <= this.settings.rounds(); number++) {
					List<Arm> order = order(number);
					Map<Arm, Segment> segments = new EnumMap<>(Arm.class);
					for (Arm arm : order) {
						segments.put(arm, measure(clients.get(arm), this.settings.segment()));
					}
					Round round = new Round(number, order, segments);
					rounds.add(round);
					Progress.step(name(), "round " + number + ": starter / plain "
							+ Cells.ratio(round.throughputRatio(Arm.STARTER)) + ", CPU "
							+ Cells.signedMicros(round.cpuAdded(Arm.STARTER)) + " a call", timeline);
				}
				return report(rounds, bodyBytes, warmUp).took(timeline.elapsed());
			}
			finally {
				clients.values().forEach(ArmClient::close);
			}
		}
	}

	/**
	 * Runs every arm in cycles until the JIT has settled: at least the minimum warm-up, then until a cycle in
	 * which the JIT compiled for less than {@link Settings#settledCompilation()} of the cycle's time, or the
	 * maximum warm-up is reached.
	 */
	private WarmUp warmUp(Map<Arm, ArmClient> clients) {
		JitWatch jit = new JitWatch();
		Timeline warmUp = Timeline.start();
		long lastCycle;
		boolean settled;
		do {
			Timeline cycle = Timeline.start();
			long compiledBefore = jit.compilationMillis();
			for (Arm arm : ARMS) {
				measure(clients.get(arm), this.settings.warmUpCycle().dividedBy(ARMS.size()));
			}
			lastCycle = jit.compilationMillis() - compiledBefore;
			settled = jit.isSupported()
					&& lastCycle < cycle.elapsed().toMillis() * this.settings.settledCompilation();
		}
		while (warmUp.elapsed().compareTo(this.settings.maxWarmUp()) < 0
				&& (warmUp.elapsed().compareTo(this.settings.minWarmUp()) < 0 || !settled));
		return new WarmUp(warmUp.elapsed(), lastCycle, settled);
	}

	/**
	 * Rotates the arms each round, so none always runs first (colder) or last (after the others' garbage).
	 */
	private static List<Arm> order(int round) {
		List<Arm> order = new ArrayList<>();
		for (int i = 0; i < ARMS.size(); i++) {
			order.add(ARMS.get((i + round - 1) % ARMS.size()));
		}
		return order;
	}

	private Segment measure(ArmClient client, Duration length) {
		LatencyRecorder latencies = new LatencyRecorder();
		LongAdder errors = new LongAdder();
		ResourceUsage start = ResourceUsage.now();
		long calls = ClosedLoop.run(this.settings.concurrency(), length, this.settings.maxCallsPerSegment(),
				(number) -> {
					long sent = System.nanoTime();
					return client.completion()
						.doOnNext((body) -> latencies.record(System.nanoTime() - sent))
						.then()
						.onErrorResume((ex) -> {
							errors.increment();
							return Mono.empty();
						});
				});
		ResourceUsage used = ResourceUsage.now().since(start);
		return new Segment(calls, errors.sum(), used, latencies.summary());
	}

	private ScenarioReport report(List<Round> rounds, int bodyBytes, WarmUp warmUp) {
		ScenarioReport report = new ScenarioReport("1. Overhead: no faults, " + this.settings.concurrency()
				+ " concurrent calls");
		report.method("A provider that never fails answers a " + Cells.count(bodyBytes) + "-byte JSON chat completion; "
				+ this.settings.concurrency() + " calls are kept in flight (closed loop) and each body is read as a "
				+ "String. The arms first warm up together in cycles until the JIT compiles for less than "
				+ Math.round(this.settings.settledCompilation() * 100) + "% of a cycle (at least "
				+ Cells.duration(this.settings.minWarmUp()) + ", at most " + Cells.duration(this.settings.maxWarmUp())
				+ "; this run: " + Cells.decimal(warmUp.took().toMillis() / 1000.0) + " s, "
				+ (warmUp.settled() ? "settled" : "**not settled**") + ", " + warmUp.lastCycleCompilationMillis()
				+ " ms of compilation in the last cycle). Then "
				+ this.settings.rounds() + " rounds run each arm for " + Cells.duration(this.settings.segment())
				+ ", the order rotating every round. Ratios and differences are taken within a round, then the "
				+ "median over rounds is reported; the plain-vs-plain control shows how much the machine alone "
				+ "moves them.");
		report.method("");
		report.method(ResourceUsage.describe() + ", divided by the calls of the segment.");

		Table speed = new Table("Throughput and latency per round (p50 / p99 in ms)", "round", "order",
				"plain calls/s", "starter calls/s", "control calls/s", "starter / plain", "control / plain",
				"p50 plain / starter / control", "p99 plain / starter / control");
		Table cost = new Table("CPU and allocation per call, per round", "round", "CPU plain", "CPU starter",
				"CPU control", "CPU starter − plain", "CPU control − plain", "alloc plain", "alloc starter",
				"alloc control", "alloc starter − plain", "alloc control − plain");
		for (Round round : rounds) {
			speed.row(round.number(),
					round.order().stream().map(OverheadScenario::shortName).collect(Collectors.joining(", ")),
					Cells.perSecond(round.get(Arm.PLAIN).throughput()),
					Cells.perSecond(round.get(Arm.STARTER).throughput()),
					Cells.perSecond(round.get(Arm.PLAIN_CONTROL).throughput()),
					Cells.ratio(round.throughputRatio(Arm.STARTER)),
					Cells.ratio(round.throughputRatio(Arm.PLAIN_CONTROL)),
					latencies(round, false), latencies(round, true));
			cost.row(round.number(), Cells.micros(round.get(Arm.PLAIN).cpuPerCall()),
					Cells.micros(round.get(Arm.STARTER).cpuPerCall()),
					Cells.micros(round.get(Arm.PLAIN_CONTROL).cpuPerCall()),
					Cells.signedMicros(round.cpuAdded(Arm.STARTER)),
					Cells.signedMicros(round.cpuAdded(Arm.PLAIN_CONTROL)),
					Cells.kib(round.get(Arm.PLAIN).allocationPerCall()),
					Cells.kib(round.get(Arm.STARTER).allocationPerCall()),
					Cells.kib(round.get(Arm.PLAIN_CONTROL).allocationPerCall()),
					Cells.signedKib(round.allocationAdded(Arm.STARTER)),
					Cells.signedKib(round.allocationAdded(Arm.PLAIN_CONTROL)));
		}
		double starterRatio = median(rounds, (round) -> round.throughputRatio(Arm.STARTER));
		double controlRatio = median(rounds, (round) -> round.throughputRatio(Arm.PLAIN_CONTROL));
		double starterCpu = median(rounds, (round) -> round.cpuAdded(Arm.STARTER));
		double controlCpu = median(rounds, (round) -> round.cpuAdded(Arm.PLAIN_CONTROL));
		double starterAllocation = median(rounds, (round) -> round.allocationAdded(Arm.STARTER));
		double controlAllocation = median(rounds, (round) -> round.allocationAdded(Arm.PLAIN_CONTROL));
		speed.row("**median**", "", Cells.perSecond(median(rounds, (round) -> round.get(Arm.PLAIN).throughput())),
				Cells.perSecond(median(rounds, (round) -> round.get(Arm.STARTER).throughput())),
				Cells.perSecond(median(rounds, (round) -> round.get(Arm.PLAIN_CONTROL).throughput())),
				"**" + Cells.ratio(starterRatio) + "**", "**" + Cells.ratio(controlRatio) + "**",
				medianLatencies(rounds, false), medianLatencies(rounds, true));
		cost.row("**median**", Cells.micros(median(rounds, (round) -> round.get(Arm.PLAIN).cpuPerCall())),
				Cells.micros(median(rounds, (round) -> round.get(Arm.STARTER).cpuPerCall())),
				Cells.micros(median(rounds, (round) -> round.get(Arm.PLAIN_CONTROL).cpuPerCall())),
				"**" + Cells.signedMicros(starterCpu) + "**", "**" + Cells.signedMicros(controlCpu) + "**",
				Cells.kib(median(rounds, (round) -> round.get(Arm.PLAIN).allocationPerCall())),
				Cells.kib(median(rounds, (round) -> round.get(Arm.STARTER).allocationPerCall())),
				Cells.kib(median(rounds, (round) -> round.get(Arm.PLAIN_CONTROL).allocationPerCall())),
				"**" + Cells.signedKib(starterAllocation) + "**", "**" + Cells.signedKib(controlAllocation) + "**");
		report.table(speed).table(cost);

		report.target("throughput starter / plain ≥ 0.97 (median of rounds)",
				Cells.ratio(starterRatio) + " (A/A control " + Cells.ratio(controlRatio) + ", rounds "
						+ range(rounds, (round) -> round.throughputRatio(Arm.PLAIN_CONTROL), Cells::ratio) + ")",
				starterRatio >= 0.97);
		report.target("CPU added per call < 10 µs (median of rounds)",
				Cells.signedMicros(starterCpu) + " (A/A control " + Cells.signedMicros(controlCpu) + ", rounds "
						+ range(rounds, (round) -> round.cpuAdded(Arm.PLAIN_CONTROL), Cells::signedMicros) + ")",
				starterCpu < 10_000);

		long errors = rounds.stream()
			.flatMap((round) -> round.segments().values().stream())
			.mapToLong(Segment::errors)
			.sum();
		report.note("Failed calls in the measured rounds: " + errors + " (the provider injects no fault).");
		report.note("The fake provider runs in this JVM, so its CPU time and allocation are in every arm's figures; "
				+ "they cancel in the differences, which are the clients' own.");
		report.note("The starter reads every non-streaming body to its end inside the retry scope (so a cut-off body "
				+ "is retried): that copy and its JSON completeness check are part of what it adds here.");
		report.note("At " + this.settings.concurrency() + " calls in flight on "
				+ Runtime.getRuntime().availableProcessors()
				+ " cores, p99 is mostly scheduling; CPU and allocation per call are the steadier figures.");
		return report;
	}

	private static String latencies(Round round, boolean p99) {
		return ARMS.stream()
			.map((arm) -> round.get(arm).latency())
			.map((latency) -> Cells.decimal((p99 ? latency.p99Nanos() : latency.p50Nanos()) / 1e6))
			.collect(Collectors.joining(" / "));
	}

	private static String medianLatencies(List<Round> rounds, boolean p99) {
		return ARMS.stream()
			.map((arm) -> Cells.decimal(median(rounds,
					(round) -> (p99 ? round.get(arm).latency().p99Nanos() : round.get(arm).latency().p50Nanos()))
					/ 1e6))
			.collect(Collectors.joining(" / "));
	}

	private static String shortName(Arm arm) {
		return switch (arm) {
			case PLAIN -> "plain";
			case PLAIN_CONTROL -> "control";
			case STARTER -> "starter";
			case HAND_WRITTEN -> "hand-written";
		};
	}

	private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
		return Median.of(rounds.stream().map(figure::applyAsDouble).toList());
	}

	private static String range(List<Round> rounds, ToDoubleFunction<Round> figure,
			java.util.function.DoubleFunction<String> format) {
		double min = rounds.stream().mapToDouble(figure).min().orElse(Double.NaN);
		double max = rounds.stream().mapToDouble(figure).max().orElse(Double.NaN);
		return format.apply(min) + " to " + format.apply(max);
	}

	/**
	 * How the overhead is measured.
	 * @param concurrency calls in flight
	 * @param minWarmUp the shortest warm-up, all arms together, not measured
	 * @param maxWarmUp the longest warm-up
	 * @param warmUpCycle one warm-up cycle, shared by the arms
	 * @param settledCompilation the share of a cycle's time below which the JIT's compiling counts as settled
	 * @param rounds measured rounds
	 * @param segment how long each arm runs in a round
	 * @param tokens tokens in the answer; 100 make a body of about 1 KiB
	 * @param seed the provider's seed (it injects nothing here)
	 * @param maxCallsPerSegment the most calls one segment starts
	 */
	record Settings(int concurrency, Duration minWarmUp, Duration maxWarmUp, Duration warmUpCycle,
			double settledCompilation, int rounds, Duration segment, int tokens, long seed, long maxCallsPerSegment) {

		static Settings defaults(long seed) {
			return new Settings(64, Duration.ofSeconds(9), Duration.ofSeconds(45), Duration.ofSeconds(3), 0.02, 8,
					Duration.ofMillis(1500), 100, seed, 2_000_000);
		}

	}

	/**
	 * How the warm-up went.
	 * @param took how long it ran
	 * @param lastCycleCompilationMillis what the JIT compiled in its last cycle
	 * @param settled whether the JIT had settled when it ended
	 */
	record WarmUp(Duration took, long lastCycleCompilationMillis, boolean settled) {
	}

	/**
	 * One arm's run within a round.
	 */
	record Segment(long calls, long errors, ResourceUsage used, LatencyRecorder.Summary latency) {

		double throughput() {
			return this.calls / (this.used.wallNanos() / 1e9);
		}

		double cpuPerCall() {
			return (double) this.used.cpuNanos() / Math.max(1, this.calls);
		}

		double allocationPerCall() {
			return (double) this.used.allocatedBytes() / Math.max(1, this.calls);
		}

	}

	/**
	 * One round: every arm once, in the given order.
	 */
	record Round(int number, List<Arm> order, Map<Arm, Segment> segments) {

		Segment get(Arm arm) {
			return this.segments.get(arm);
		}

		double throughputRatio(Arm arm) {
			return get(arm).throughput() / get(Arm.PLAIN).throughput();
		}

		double cpuAdded(Arm arm) {
			return get(arm).cpuPerCall() - get(Arm.PLAIN).cpuPerCall();
		}

		double allocationAdded(Arm arm) {
			return get(arm).allocationPerCall() - get(Arm.PLAIN).allocationPerCall();
		}

	}

}
