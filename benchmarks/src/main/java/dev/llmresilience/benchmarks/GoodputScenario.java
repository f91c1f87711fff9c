package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.llmresilience.core.CircuitBreakerPolicy;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.fakeprovider.FaultPlan;
import reactor.core.publisher.Mono;

/**
 * How many calls each arm saves when attempts fail at a steady rate, and what it costs the provider and the caller.
 */
final class GoodputScenario implements Scenario {

	private static final List<Arm> ARMS = List.of(Arm.PLAIN, Arm.HAND_WRITTEN, Arm.STARTER);

	private static final Duration CALL_GUARD = Duration.ofSeconds(60);

	private final Settings settings;

	GoodputScenario(Settings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return "goodput";
	}

	static List<FaultMix> mixes() {
		return List.of(new FaultMix("premature close 5%", Map.of(Fault.PREMATURE_CLOSE, 0.05)),
				new FaultMix("premature close 20%", Map.of(Fault.PREMATURE_CLOSE, 0.20)),
				new FaultMix("premature close 50%", Map.of(Fault.PREMATURE_CLOSE, 0.50)),
				new FaultMix("529 mix", orderedRates(Fault.OVERLOADED, 0.15, Fault.PREMATURE_CLOSE, 0.05)));
	}

	@Override
	public ScenarioReport run() {
		Timeline timeline = Timeline.start();
		Settings s = this.settings;
		warmUp();
		ScenarioReport report = new ScenarioReport("2. Goodput under faults");
		report.method(Cells.count(s.calls()) + " logical calls per cell, started at " + s.callsPerSecond()
				+ " a second (open loop, at most " + s.maxInFlight() + " in flight), each cell against a fresh "
				+ "provider (seed " + s.seed() + ") and a fresh client, so a breaker or budget starts closed and full. "
				+ "Attempts per call are the requests the provider received divided by the logical calls; latency is "
				+ "per logical call, failures included. The ideal is `1 - p^attempts` for independent attempts "
				+ "(`1 - p` for the plain client, which makes one). The 529 mix is " + mixes().get(3).describeRates()
				+ ".");
		Table table = new Table("", "faults (p per attempt)", "client", "success", "ideal", "attempts / call",
				"p50", "p99", "breaker opened", "failures");
		Map<String, Cell> starterCells = new LinkedHashMap<>();
		for (FaultMix mix : mixes()) {
			for (Arm arm : ARMS) {
				Timeline cellTime = Timeline.start();
				Cell cell = measure(mix, arm);
				Progress.step(name(), mix.name() + ", " + arm.label() + ": " + Cells.percent(cell.successRate()),
						cellTime);
				int attempts = (arm == Arm.PLAIN) ? 1 : BenchmarkPolicies.MAX_ATTEMPTS;
				table.row(mix.name() + " (p=" + Cells.decimal(mix.attemptFailure()) + ")", arm.label(),
						Cells.percent(cell.successRate()), Cells.percent(mix.ideal(attempts)),
						Cells.decimal(cell.attemptsPerCall()), Cells.millis(cell.latency().p50Nanos()),
						Cells.millis(cell.latency().p99Nanos()),
						(arm == Arm.STARTER) ? cell.breaker() : "n/a",
						cell.outcomes().failureSummary());
				if (arm == Arm.STARTER) {
					starterCells.put(mix.name(), cell);
				}
			}
		}
		report.table(table);
		Cell twenty = starterCells.get("premature close 20%");
		report.target("premature close 20%, " + BenchmarkPolicies.MAX_ATTEMPTS
				+ " attempts: starter success ≥ 99.8% (ideal 99.84%)",
				Cells.percent(twenty.successRate()) + " (" + twenty.outcomes().failures() + " of "
						+ Cells.count(s.calls()) + " failed: " + twenty.outcomes().failureSummary() + ")",
				twenty.successRate() >= 0.998);
		CircuitBreakerPolicy breaker = BenchmarkPolicies.circuitBreaker();
		int threshold = (int) Math.ceil(breaker.slidingWindowSize() * breaker.failureRateThreshold() / 100);
		report.note("The breaker opens when " + threshold + " of the last " + breaker.slidingWindowSize()
				+ " attempts failed. With independent failures at rate p, a given window reaches that with probability "
				+ mixes().stream()
					.map(FaultMix::attemptFailure)
					.distinct()
					.map((p) -> Cells.percent(binomialTail(breaker.slidingWindowSize(), threshold, p)) + " at p="
							+ Cells.decimal(p))
					.collect(Collectors.joining(", "))
				+ "; the window slides by one attempt, so over thousands of attempts a rare window still comes. Each "
				+ "opening fails calls for " + Cells.duration(breaker.waitDurationInOpenState())
				+ " here (30 s with the unscaled default).");
		report.note("The retry budget holds while fewer than one attempt in three fails (token ratio 0.5); above "
				+ "that it runs dry by design and calls make a single attempt.");
		report.note("The fault draw is seeded, but with calls in flight together the order in which requests arrive, "
				+ "and so which request gets which fault, differs between runs; the rates hold. With "
				+ Cells.count(s.calls()) + " calls one failure moves the success rate by "
				+ Cells.percent(1.0 / s.calls()) + ".");
		return report.took(timeline.elapsed());
	}

	/**
	 * Runs each arm against a healthy provider first, so the first cell does not pay for the JIT.
	 */
	private void warmUp() {
		try (FakeProvider provider = FakeProvider.start(FaultPlan.none())) {
			ProviderPolicy policy = BenchmarkPolicies.policy(provider.baseUrl());
			for (Arm arm : ARMS) {
				try (ArmClient client = ArmClient.create(arm, policy)) {
					ClosedLoop.run(this.settings.maxInFlight(), this.settings.warmUp(), Long.MAX_VALUE,
							(number) -> client.completion().then().onErrorResume((ex) -> Mono.empty()));
				}
			}
		}
	}

	/**
	 * The probability of at least {@code k} failures in {@code n} independent attempts failing with probability
	 * {@code p}.
	 */
	static double binomialTail(int n, int k, double p) {
		double tail = 0;
		for (int i = k; i <= n; i++) {
			tail += binomial(n, i) * Math.pow(p, i) * Math.pow(1 - p, n - i);
		}
		return tail;
	}

	private static double binomial(int n, int k) {
		double result = 1;
		for (int i = 1; i <= k; i++) {
			result = result * (n - k + i) / i;
		}
		return result;
	}

	private Cell measure(FaultMix mix, Arm arm) {
		try (FakeProvider provider = FakeProvider.start(mix.plan(this.settings.seed()).build())) {
			ProviderPolicy policy = BenchmarkPolicies.policy(provider.baseUrl());
			try (ArmClient client = ArmClient.create(arm, policy)) {
				BreakerLog breaker = BreakerLog
					.of((client.resilience() != null) ? client.resilience().circuitBreaker() : null);
				Outcomes outcomes = new Outcomes();
				LatencyRecorder latencies = new LatencyRecorder();
				Duration interval = Duration.ofSeconds(1).dividedBy(this.settings.callsPerSecond());
				long cellStart = System.nanoTime();
				PacedLoad.start(interval, this.settings.calls(), this.settings.maxInFlight(), (number) -> {
					long started = System.nanoTime();
					return StuckCallException.guard(client.completion(), CALL_GUARD)
						.doOnNext((body) -> outcomes.success())
						.then()
						.onErrorResume((ex) -> {
							outcomes.failure(ex);
							return Mono.empty();
						})
						.doFinally((signal) -> latencies.record(System.nanoTime() - started));
				}).block(interval.multipliedBy(this.settings.calls()).plus(CALL_GUARD.multipliedBy(2)));
				long received = provider.stats().snapshot().received();
				long firstOpen = breaker.firstOpenedAfter(cellStart);
				Duration cellTook = Duration.ofNanos(System.nanoTime() - cellStart);
				return new Cell(this.settings.calls(), outcomes, latencies.summary(),
						(double) received / this.settings.calls(), breaker.openings(),
						(firstOpen > 0) ? Duration.ofNanos(firstOpen - cellStart) : null,
						Duration.ofNanos(breaker.nanosNotClosed(cellStart, cellStart + cellTook.toNanos())), cellTook);
			}
		}
	}

	private static Map<Fault, Double> orderedRates(Fault first, double firstRate, Fault second, double secondRate) {
		Map<Fault, Double> rates = new LinkedHashMap<>();
		rates.put(first, firstRate);
		rates.put(second, secondRate);
		return rates;
	}

	/**
	 * How goodput is measured.
	 * @param calls logical calls per cell
	 * @param callsPerSecond the rate at which calls start
	 * @param maxInFlight the most calls in flight
	 * @param warmUp how long each arm runs against a healthy provider first, unmeasured
	 * @param seed the providers' seed
	 */
	record Settings(int calls, int callsPerSecond, int maxInFlight, Duration warmUp, long seed) {

		static Settings defaults(long seed) {
			return new Settings(4000, 1500, 64, Duration.ofMillis(600), seed);
		}

	}

	/**
	 * One arm under one fault mix.
	 */
	record Cell(int calls, Outcomes outcomes, LatencyRecorder.Summary latency, double attemptsPerCall,
			int breakerOpened, Duration firstOpened, Duration notClosed, Duration took) {

		String breaker() {
			if (this.firstOpened == null) {
				return "0";
			}
			return this.breakerOpened + " (first at " + Cells.decimal(this.firstOpened.toMillis() / 1000.0)
					+ " s; not closed " + Cells.decimal(this.notClosed.toMillis() / 1000.0) + " of "
					+ Cells.decimal(this.took.toMillis() / 1000.0) + " s)";
		}

		double successRate() {
			return (double) this.outcomes.successes() / this.calls;
		}

	}

}
