package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

import dev.llmresilience.core.LlmResilienceException;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.Fault;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams that break part-way: whether the caller gets events twice (a replayed stream) or loses them without
 * being told, with a naive {@code retryWhen} on the Flux and with the starter.
 */
final class StreamScenario implements Scenario {

	private static final List<Arm> ARMS = List.of(Arm.HAND_WRITTEN, Arm.STARTER);

	private static final Duration CALL_GUARD = Duration.ofSeconds(60);

	private final Settings settings;

	StreamScenario(Settings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return "streams";
	}

	static List<FaultMix> mixes() {
		Map<Fault, Double> mixed = new LinkedHashMap<>();
		mixed.put(Fault.STREAM_BROKEN, 0.10);
		mixed.put(Fault.STREAM_ERROR_EVENT, 0.05);
		mixed.put(Fault.PREMATURE_CLOSE, 0.05);
		return List.of(new FaultMix("broken part-way 20%", Map.of(Fault.STREAM_BROKEN, 0.20)),
				new FaultMix("mixed stream faults", mixed));
	}

	@Override
	public ScenarioReport run() {
		Timeline timeline = Timeline.start();
		Settings s = this.settings;
		ScenarioReport report = new ScenarioReport("4. Streams broken part-way");
		report.method(Cells.count(s.streams()) + " streamed chat completions per cell, " + s.concurrency()
				+ " in flight, " + s.tokens() + " numbered tokens each (\"tok-0 \", \"tok-1 \", ...), "
				+ Cells.duration(s.eventDelay()) + " between events. A broken stream delivers its first event and "
				+ "half of its tokens, then the connection closes. The mixed cell is " + mixes().get(1).describeRates()
				+ " (an error event comes first in a 200 stream; a premature close comes before any response). "
				+ "Every token the caller receives is counted by its sequence number.");
		Table table = new Table("", "faults", "client", "complete and exact", "streams with duplicates",
				"events delivered twice", "events lost silently", "ended with typed failure (events reported = seen)",
				"ended with other failure", "requests / stream");
		Map<Arm, Long> duplicates = new LinkedHashMap<>();
		Map<Arm, Long> lost = new LinkedHashMap<>();
		Map<Arm, Long> untyped = new LinkedHashMap<>();
		for (FaultMix mix : mixes()) {
			for (Arm arm : ARMS) {
				Timeline cellTime = Timeline.start();
				Cell cell = measure(mix, arm);
				Progress.step(name(), mix.name() + ", " + arm.label() + ": " + cell.duplicatedEvents() + " twice, "
						+ cell.lostEvents() + " lost", cellTime);
				table.row(mix.name(), arm.label(), Cells.count(cell.exact()), Cells.count(cell.streamsWithDuplicates()),
						Cells.count(cell.duplicatedEvents()), Cells.count(cell.lostEvents()),
						Cells.count(cell.outcomes().typedFailures()) + " (" + Cells.count(cell.reportedRight()) + ")",
						cell.outcomes().untypedFailures() + ((cell.outcomes().untypedFailures() > 0)
								? ": " + cell.outcomes().untypedFailureSummary() : ""),
						Cells.decimal(cell.requestsPerStream()));
				duplicates.merge(arm, cell.duplicatedEvents(), Long::sum);
				lost.merge(arm, cell.lostEvents(), Long::sum);
				untyped.merge(arm, cell.outcomes().untypedFailures(), Long::sum);
			}
		}
		report.table(table);
		report.target("zero events delivered twice or lost (starter)",
				duplicates.get(Arm.STARTER) + " twice, " + lost.get(Arm.STARTER) + " lost (naive retryWhen: "
						+ duplicates.get(Arm.HAND_WRITTEN) + " twice, " + lost.get(Arm.HAND_WRITTEN) + " lost)",
				duplicates.get(Arm.STARTER) == 0 && lost.get(Arm.STARTER) == 0);
		report.target("every stream cut short ends in a typed failure (starter)",
				untyped.get(Arm.STARTER) + " ended otherwise", untyped.get(Arm.STARTER) == 0);
		report.note("\"Lost silently\" counts tokens missing from a stream that ended without an error, plus any hole "
				+ "below the last token received; a stream that ends in an error is cut short, not silently lossy.");
		report.note("\"Events reported = seen\" counts typed failures whose `getEventsDelivered()` equals the events "
				+ "the caller counted.");
		report.note("The naive arm retries the whole Flux: a replayed stream starts again at tok-0, so every token "
				+ "the broken attempt delivered arrives twice.");
		return report.took(timeline.elapsed());
	}

	private Cell measure(FaultMix mix, Arm arm) {
		Settings s = this.settings;
		try (FakeProvider provider = FakeProvider
			.start(mix.plan(s.seed()).streamEvents(s.tokens()).eventDelay(s.eventDelay()).build())) {
			ProviderPolicy policy = BenchmarkPolicies.policy(provider.baseUrl());
			try (ArmClient client = ArmClient.create(arm, policy)) {
				Outcomes outcomes = new Outcomes();
				LongAdder exact = new LongAdder();
				LongAdder withDuplicates = new LongAdder();
				LongAdder duplicated = new LongAdder();
				LongAdder lost = new LongAdder();
				LongAdder reportedRight = new LongAdder();
				Flux.range(0, s.streams()).flatMap((number) -> Mono.defer(() -> {
					StreamTally tally = new StreamTally(s.tokens());
					return StuckCallException.guard(client.stream(), CALL_GUARD)
						.doOnNext(tally::onEvent)
						.then(Mono.fromRunnable(() -> {
							outcomes.success();
							lost.add(tally.missing());
							if (tally.exact()) {
								exact.increment();
							}
						}))
						.onErrorResume((ex) -> {
							outcomes.failure(ex);
							lost.add(tally.gaps());
							OptionalLong reported = StreamTally.eventsDelivered(ex);
							if (Outcomes.typed(ex) instanceof LlmResilienceException && reported.isPresent()
									&& reported.getAsLong() == tally.events()) {
								reportedRight.increment();
							}
							return Mono.empty();
						})
						.doFinally((signal) -> {
							duplicated.add(tally.duplicated());
							if (tally.duplicated() > 0) {
								withDuplicates.increment();
							}
						})
						.then();
				}), s.concurrency()).blockLast(CALL_GUARD.multipliedBy(2));
				long received = provider.stats().snapshot().received();
				return new Cell(outcomes, exact.sum(), withDuplicates.sum(), duplicated.sum(), lost.sum(),
						reportedRight.sum(), (double) received / s.streams());
			}
		}
	}

	/**
	 * How streams are measured.
	 * @param streams streamed calls per cell
	 * @param concurrency calls in flight
	 * @param tokens numbered tokens per stream
	 * @param eventDelay pause between two events
	 * @param seed the providers' seed
	 */
	record Settings(int streams, int concurrency, int tokens, Duration eventDelay, long seed) {

		static Settings defaults(long seed) {
			return new Settings(1000, 32, 16, Duration.ofMillis(1), seed);
		}

	}

	/**
	 * One arm under one fault mix.
	 */
	record Cell(Outcomes outcomes, long exact, long streamsWithDuplicates, long duplicatedEvents, long lostEvents,
			long reportedRight, double requestsPerStream) {
	}

}
