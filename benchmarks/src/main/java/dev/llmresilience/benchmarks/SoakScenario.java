package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.TimeoutPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.FakeProviderStats;
import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.fakeprovider.FaultPlan;
import reactor.core.publisher.Mono;

/**
 * Many concurrent calls through the starter for a bounded time, every kind of fault mixed in, streaming and not:
 * every call must end accounted for and within its deadline, the connection pool must drain, and the heap must
 * not grow.
 */
final class SoakScenario implements Scenario {

	/** The deadline every soak call runs under: the starter's {@code timeouts.total}. */
	static final Duration DEADLINE = Duration.ofSeconds(5);

	/** How far past its deadline a call may end before it counts as outliving it: scheduling, a GC pause. */
	static final Duration SLACK = Duration.ofSeconds(1);

	/** How long the harness lets a call run before it gives up on it; far past deadline and slack. */
	private static final Duration CALL_GUARD = DEADLINE.plus(SLACK).plusSeconds(10);

	/** Heap growth between the first and last third tolerated as noise: this share of the first, or 4 MiB. */
	static final double HEAP_TOLERANCE = 0.10;

	static final long HEAP_TOLERANCE_BYTES = 4L * 1024 * 1024;

	private static final int STREAM_EVENTS = 16;

	/** How long calls still in flight when the load stops may take to end: far past the guard. */
	private static final Duration DRAIN = CALL_GUARD.plusSeconds(30);

	private static final Duration POOL_IDLE_TIMEOUT = Duration.ofSeconds(5);

	private final Settings settings;

	SoakScenario(Settings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return "soak";
	}

	static FaultPlan plan(long seed) {
		return FaultPlan.builder()
			.seed(seed)
			.rate(Fault.PREMATURE_CLOSE, 0.03)
			.rate(Fault.CONNECTION_RESET, 0.02)
			.rate(Fault.SLOW_FIRST_BYTE, 0.01)
			.rate(Fault.RATE_LIMIT, 0.02)
			.rate(Fault.UNAVAILABLE, 0.02)
			.rate(Fault.OVERLOADED, 0.02)
			.rate(Fault.STREAM_ERROR_EVENT, 0.03)
			.rate(Fault.STREAM_BROKEN, 0.03)
			// longer than the response timeout, so a slow first byte is a timed-out attempt
			.slowFirstByte(Duration.ofMillis(1500))
			.retryAfter(Duration.ofMillis(200))
			.streamEvents(STREAM_EVENTS)
			.eventDelay(Duration.ofMillis(1))
			.build();
	}

	static TimeoutPolicy timeouts() {
		return new TimeoutPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), DEADLINE);
	}

	/**
	 * Runs the soak and measures it.
	 * @return what happened
	 */
	SoakResult measure() {
		Settings s = this.settings;
		FaultPlan plan = plan(s.seed());
		ConnectionPoolWatch pools = new ConnectionPoolWatch();
		HeapAfterGc heap = new HeapAfterGc();
		Map<Kind, Outcomes> outcomes = new LinkedHashMap<>();
		Map<Kind, LongAdder> started = new LinkedHashMap<>();
		for (Kind kind : Kind.values()) {
			outcomes.put(kind, new Outcomes());
			started.put(kind, new LongAdder());
		}
		LongAdder overDeadline = new LongAdder();
		LongAdder inFlight = new LongAdder();
		LongAccumulator peakInFlight = new LongAccumulator(Math::max, 0);
		LongAccumulator longest = new LongAccumulator(Math::max, 0);
		try (FakeProvider provider = FakeProvider.start(plan)) {
			ProviderPolicy policy = BenchmarkPolicies.policy(provider.baseUrl(), timeouts());
			ConnectionPoolWatch.PoolState afterDrain;
			long drainedInNanos;
			boolean loadEnded = true;
			try (ArmClient client = ArmClient.create(Arm.STARTER, policy, null, pools)) {
				BreakerLog breaker = BreakerLog.of(client.resilience().circuitBreaker());
				Timeline timeline = Timeline.start();
				Duration interval = Duration.ofSeconds(1).dividedBy(s.callsPerSecond());
				long calls = Math.min(s.maxCalls(), s.duration().toNanos() / interval.toNanos());
				CompletableFuture<Void> load = PacedLoad.start(interval, calls, s.maxInFlight(), (number) -> {
					Kind kind = (new SplittableRandom(s.seed() + number).nextDouble() < s.streamShare()) ? Kind.STREAM
							: Kind.JSON;
					started.get(kind).increment();
					inFlight.increment();
					peakInFlight.accumulate(inFlight.sum());
					long begun = System.nanoTime();
					Mono<Void> call = (kind == Kind.STREAM) ? stream(client)
							: StuckCallException.guard(client.completion(), CALL_GUARD).then();
					Runnable ended = () -> {
						inFlight.decrement();
						long took = System.nanoTime() - begun;
						longest.accumulate(took);
						if (took > DEADLINE.plus(SLACK).toNanos()) {
							overDeadline.increment();
						}
					};
					// counted before the load sees the call end (doFinally would run after), so that the result,
					// read once the load has ended, has every call
					return call.then(Mono.fromRunnable(() -> outcomes.get(kind).success()))
						.onErrorResume((ex) -> {
							outcomes.get(kind).failure(ex);
							return Mono.empty();
						})
						.doOnTerminate(ended)
						.doOnCancel(ended)
						.then();
				}).toFuture();
				// in the middle of each of heapSamples equal slices of the run
				for (int i = 0; i < s.heapSamples(); i++) {
					timeline.awaitOffset(s.duration().multipliedBy(2L * i + 1).dividedBy(2L * s.heapSamples()));
					heap.sample();
				}
				try {
					load.get(s.duration().plus(DRAIN).toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException | ExecutionException ex) {
					loadEnded = false;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted during the soak", ex);
				}
				long heapAfterRun = heap.measure();
				long drainStart = System.nanoTime();
				afterDrain = pools.awaitIdle(POOL_IDLE_TIMEOUT);
				drainedInNanos = System.nanoTime() - drainStart;
				Duration took = timeline.elapsed();
				return new SoakResult(s, took, loadEnded, counts(started), outcomes, peakInFlight.get(),
						overDeadline.sum(), longest.get(), afterDrain, drainedInNanos, heap.samples(),
						heap.firstThird(), heap.lastThird(), heapAfterRun, breaker.openings(),
						breaker.nanosNotClosed(timeline.nanosAt(Duration.ZERO), timeline.nanosAt(took)),
						provider.stats().snapshot());
			}
		}
	}

	/**
	 * A stream succeeds only with every token exactly once: one that ends cleanly without them is a failure the
	 * caller was not told about.
	 */
	private static Mono<Void> stream(ArmClient client) {
		return Mono.defer(() -> {
			StreamTally tally = new StreamTally(STREAM_EVENTS);
			return StuckCallException.guard(client.stream(), CALL_GUARD)
				.doOnNext(tally::onEvent)
				.then(Mono.defer(() -> tally.exact() ? Mono.<Void>empty()
						: Mono.<Void>error(new IncompleteStreamException(tally))));
		});
	}

	private static Map<Kind, Long> counts(Map<Kind, LongAdder> adders) {
		Map<Kind, Long> counts = new LinkedHashMap<>();
		adders.forEach((kind, adder) -> counts.put(kind, adder.sum()));
		return counts;
	}

	@Override
	public ScenarioReport run() {
		return report(measure());
	}

	ScenarioReport report(SoakResult result) {
		Settings s = this.settings;
		ScenarioReport report = new ScenarioReport("5. Soak: mixed faults, streaming and not");
		report.method(Cells.duration(s.duration()) + " of calls through the starter, started at " + s.callsPerSecond()
				+ " a second (open loop, at most " + s.maxInFlight() + " in flight, " + Cells.count(s.maxCalls())
				+ " in all), "
				+ Math.round(s.streamShare() * 100) + "% of them streamed, against a provider (seed " + s.seed()
				+ ") injecting " + new FaultMix("", plan(s.seed()).rates()).describeRates()
				+ "; a slow first byte (1.5 s) outlasts the 1 s response timeout, a 429 asks for 200 ms. Each call has "
				+ "a " + Cells.duration(DEADLINE) + " deadline (`timeouts.total`); the harness gives up on a call "
				+ "after " + Cells.duration(CALL_GUARD) + " and counts it. The heap is sampled after a full GC "
				+ "in the middle of each of " + s.heapSamples() + " equal slices of the run, and once after it.");
		Table calls = new Table("Calls", "kind", "started", "succeeded", "typed failures", "other failures",
				"unaccounted", "failures");
		for (Kind kind : Kind.values()) {
			Outcomes outcomes = result.outcomes().get(kind);
			calls.row(kind.label(), Cells.count(result.started().get(kind)), Cells.count(outcomes.successes()),
					Cells.count(outcomes.typedFailures()), Cells.count(outcomes.untypedFailures()),
					Cells.count(result.unaccounted(kind)), outcomes.failureSummary());
		}
		report.table(calls);
		FakeProviderStats.Snapshot provider = result.provider();
		Table checks = new Table("Checks", "check", "measured");
		checks.row("requests the provider received", Cells.count(provider.received()));
		checks.row("faults it injected", provider.faults()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > 0)
			.map((entry) -> entry.getKey() + " " + Cells.count(entry.getValue()))
			.collect(Collectors.joining(", ")));
		checks.row("peak calls in flight", Cells.count(result.peakInFlight()));
		checks.row("breaker openings; time not closed", result.breakerOpenings() + "; "
				+ Cells.percent((double) result.nanosNotClosed() / result.took().toNanos()) + " of the run");
		checks.row("longest call", Cells.millis(result.longestNanos()));
		checks.row("calls longer than deadline + " + Cells.duration(SLACK), Cells.count(result.overDeadline()));
		checks.row("connection pool after the run (acquired / pending / idle)",
				result.pool().acquired() + " / " + result.pool().pending() + " / " + result.pool().idle()
						+ ", idle after " + Cells.millis(result.drainedInNanos()));
		checks.row("heap after GC, samples", result.heapSamples()
			.stream()
			.map(Cells::mib)
			.collect(Collectors.joining(", ")));
		checks.row("heap after GC, lowest of first third → lowest of last third",
				Cells.mib(result.heapFirstThird()) + " → " + Cells.mib(result.heapLastThird()));
		checks.row("heap after GC once the run ended", Cells.mib(result.heapAfterRun()));
		report.table(checks);
		report.target("every call accounted for: successes + typed failures = calls started",
				Cells.count(result.successes()) + " + " + Cells.count(result.typedFailures()) + " of "
						+ Cells.count(result.totalStarted()) + " (" + Cells.count(result.untypedFailures())
						+ " other failures, " + Cells.count(result.totalUnaccounted()) + " unaccounted)",
				result.everyCallAccounted());
		report.target("zero unaccounted calls: every call started has ended",
				Cells.count(result.totalUnaccounted()) + " of " + Cells.count(result.totalStarted()) + " unaccounted",
				result.loadEnded() && result.totalUnaccounted() == 0);
		report.target("no call outlives its deadline + " + Cells.duration(SLACK),
				Cells.count(result.overDeadline()) + " did", result.overDeadline() == 0);
		report.target("connection pool returns to idle", result.pool().isIdle() ? "idle" : "not idle",
				result.pool().isIdle());
		report.target("heap after GC (lowest sample of each third) does not grow from the first to the last third "
				+ "(tolerance 10% or 4 MiB)",
				Cells.signedMib(result.heapLastThird() - result.heapFirstThird()), result.heapStable());
		return report.took(result.took());
	}

	/**
	 * Whether a soak call streams.
	 */
	enum Kind {

		JSON("JSON"), STREAM("stream");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

	}

	/**
	 * How the soak runs.
	 * @param duration how long new calls are started
	 * @param callsPerSecond the rate at which calls start
	 * @param maxInFlight the most calls in flight
	 * @param maxCalls the most calls started
	 * @param streamShare the share of calls that stream
	 * @param heapSamples heap samples taken while the load runs
	 * @param seed the provider's seed, also choosing which calls stream
	 */
	record Settings(Duration duration, int callsPerSecond, int maxInFlight, long maxCalls, double streamShare,
			int heapSamples, long seed) {

		static Settings onDemand(long seed) {
			return new Settings(Duration.ofSeconds(45), 800, 256, 100_000, 0.3, 9, seed);
		}

	}

	/**
	 * What a soak measured.
	 */
	record SoakResult(Settings settings, Duration took, boolean loadEnded, Map<Kind, Long> started,
			Map<Kind, Outcomes> outcomes, long peakInFlight, long overDeadline, long longestNanos,
			ConnectionPoolWatch.PoolState pool, long drainedInNanos, List<Long> heapSamples, long heapFirstThird,
			long heapLastThird, long heapAfterRun, int breakerOpenings, long nanosNotClosed,
			FakeProviderStats.Snapshot provider) {

		long unaccounted(Kind kind) {
			return this.started.get(kind) - this.outcomes.get(kind).ended();
		}

		long totalStarted() {
			return this.started.values().stream().mapToLong(Long::longValue).sum();
		}

		long totalUnaccounted() {
			return List.of(Kind.values()).stream().mapToLong(this::unaccounted).sum();
		}

		long successes() {
			return this.outcomes.values().stream().mapToLong(Outcomes::successes).sum();
		}

		long typedFailures() {
			return this.outcomes.values().stream().mapToLong(Outcomes::typedFailures).sum();
		}

		long untypedFailures() {
			return this.outcomes.values().stream().mapToLong(Outcomes::untypedFailures).sum();
		}

		boolean everyCallAccounted() {
			return this.loadEnded && successes() + typedFailures() == totalStarted();
		}

		boolean heapStable() {
			long allowed = Math.max(HEAP_TOLERANCE_BYTES, Math.round(this.heapFirstThird * HEAP_TOLERANCE));
			return this.heapLastThird - this.heapFirstThird <= allowed;
		}

	}

}
