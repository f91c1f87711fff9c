package dev.llmresilience.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.fakeprovider.FaultPlan;
import reactor.core.publisher.Mono;

/**
 * A provider that answers 503, then refuses connections, then comes back, under steady traffic: how hard each arm
 * hits it while it is down, and how soon calls succeed again once it is up.
 */
final class OutageScenario implements Scenario {

	private static final List<Arm> ARMS = List.of(Arm.HAND_WRITTEN, Arm.STARTER);

	private static final Duration CALL_GUARD = Duration.ofSeconds(60);

	private final Settings settings;

	OutageScenario(Settings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return "outage";
	}

	@Override
	public ScenarioReport run() {
		Timeline timeline = Timeline.start();
		ScenarioReport report = new ScenarioReport("3. Outage: 503, then refused connections, then recovery");
		Settings s = this.settings;
		report.method("One new logical call every " + Cells.duration(s.interval()) + " (open loop, at most "
				+ s.maxInFlight() + " in flight). The provider is healthy for " + Cells.duration(s.healthy())
				+ ", answers every request with 503 for " + Cells.duration(s.unavailable())
				+ ", is then closed so connections are refused for " + Cells.duration(s.refused())
				+ ", and a healthy provider is started on the same port for the last "
				+ Cells.duration(s.recovered()) + ". Attempts are counted on the client, innermost, so refused "
				+ "connections count too; an attempt belongs to the phase in which it was sent, a call to the "
				+ "phase in which it started.");
		Table table = new Table("", "client", "calls in outage", "attempts / call, 503 phase",
				"attempts / call, refused phase", "attempts / call, whole outage", "attempts / call, breaker open",
				"recovery to first success", "calls after recovery that succeeded", "outage failures");
		List<Run> runs = new ArrayList<>();
		for (Arm arm : ARMS) {
			Timeline armTime = Timeline.start();
			Run run = measure(arm);
			Progress.step(name(), arm.label(), armTime);
			runs.add(run);
			table.row(arm.label(), run.outageCalls(), Cells.decimal(run.perCall(run.outageStart(), run.refusedAt())),
					Cells.decimal(run.perCall(run.refusedAt(), run.recoveredAt())),
					Cells.decimal(run.perCall(run.outageStart(), run.recoveredAt())),
					(run.breakerOpenedAt() > 0) ? Cells.decimal(run.perCall(run.breakerOpenedAt(), run.recoveredAt()))
							+ " (open at +" + Cells.millis(run.breakerOpenedAt() - run.outageStart()) + ")"
							: "n/a",
					(run.firstSuccessAfterRecovery() > 0)
							? Cells.millis(run.firstSuccessAfterRecovery() - run.recoveredAt()) : "none",
					Cells.percent(run.recoveredSuccessRate()), run.outageOutcomes().failureSummary());
		}
		report.table(table);
		Run handWritten = runs.get(0);
		Run starter = runs.get(1);
		double starterOpen = (starter.breakerOpenedAt() > 0)
				? starter.perCall(starter.breakerOpenedAt(), starter.recoveredAt()) : Double.NaN;
		report.target("upstream attempts per logical call once the breaker is open ≤ 1.2 (hand-written sends "
				+ BenchmarkPolicies.MAX_ATTEMPTS + ")",
				Cells.decimal(starterOpen) + " (whole outage "
						+ Cells.decimal(starter.perCall(starter.outageStart(), starter.recoveredAt()))
						+ "; hand-written " + Cells.decimal(
								handWritten.perCall(handWritten.outageStart(), handWritten.recoveredAt()))
						+ ")",
				starterOpen <= 1.2);
		report.note("Recovery to first success is the time from the healthy provider's start to the first logical "
				+ "call that ends in success; with the breaker open, the starter waits out its open state ("
				+ Cells.duration(BenchmarkPolicies.circuitBreaker().waitDurationInOpenState())
				+ " here) before it probes: the price of not hammering a provider that is down.");
		report.note("Calls still in flight when the run's load stops are let finish; none is cancelled.");
		return report.took(timeline.elapsed());
	}

	private Run measure(Arm arm) {
		Settings s = this.settings;
		AttemptLog attempts = new AttemptLog();
		List<CallRecord> calls = new ArrayList<>();
		Duration outageStart = s.healthy();
		Duration refusedAt = outageStart.plus(s.unavailable());
		Duration recoveredAt = refusedAt.plus(s.refused());
		Duration end = recoveredAt.plus(s.recovered());
		Timeline timeline = Timeline.start();
		FakeProvider down = FakeProvider.start(FaultPlan.builder()
			.seed(s.seed())
			.outage(outageStart, refusedAt.plusSeconds(60), Fault.UNAVAILABLE)
			.build());
		FakeProvider up = null;
		BreakerLog breaker;
		ProviderPolicy policy = BenchmarkPolicies.policy(down.baseUrl());
		try (ArmClient client = ArmClient.create(arm, policy, attempts, null)) {
			breaker = BreakerLog.of((client.resilience() != null) ? client.resilience().circuitBreaker() : null);
			long maxCalls = end.toNanos() / s.interval().toNanos();
			CompletableFuture<Void> load = PacedLoad
				.start(s.interval(), maxCalls, s.maxInFlight(), (number) -> call(client, calls))
				.toFuture();
			timeline.awaitOffset(refusedAt);
			down.close();
			timeline.awaitOffset(recoveredAt);
			up = FakeProvider.start(FaultPlan.none(), down.port());
			load.get(end.plus(CALL_GUARD).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during the outage scenario", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Outage load did not finish", ex);
		}
		finally {
			down.close();
			if (up != null) {
				up.close();
			}
		}
		return new Run(List.copyOf(calls), attempts, timeline.nanosAt(outageStart), timeline.nanosAt(refusedAt),
				timeline.nanosAt(recoveredAt), breaker.firstOpenedAfter(timeline.nanosAt(outageStart)));
	}

	private static Mono<Void> call(ArmClient client, List<CallRecord> calls) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return StuckCallException.guard(client.completion(), CALL_GUARD)
				.then(Mono.fromRunnable(() -> record(calls, new CallRecord(started, System.nanoTime(), null))))
				.onErrorResume((ex) -> {
					record(calls, new CallRecord(started, System.nanoTime(), ex));
					return Mono.empty();
				})
				.then();
		});
	}

	private static void record(List<CallRecord> calls, CallRecord call) {
		synchronized (calls) {
			calls.add(call);
		}
	}

	/**
	 * One logical call.
	 * @param startedNanos when it was subscribed
	 * @param endedNanos when it ended
	 * @param failure what it ended with, {@code null} for success
	 */
	record CallRecord(long startedNanos, long endedNanos, Throwable failure) {
	}

	/**
	 * One arm's run through the outage, times in {@link System#nanoTime()}.
	 */
	record Run(List<CallRecord> calls, AttemptLog attempts, long outageStart, long refusedAt, long recoveredAt,
			long breakerOpenedAt) {

		double perCall(long from, long to) {
			long started = this.calls.stream()
				.filter((call) -> call.startedNanos() >= from && call.startedNanos() < to)
				.count();
			return (double) this.attempts.countBetween(from, to) / Math.max(1, started);
		}

		long outageCalls() {
			return this.calls.stream()
				.filter((call) -> call.startedNanos() >= this.outageStart && call.startedNanos() < this.recoveredAt)
				.count();
		}

		Outcomes outageOutcomes() {
			Outcomes outcomes = new Outcomes();
			this.calls.stream()
				.filter((call) -> call.startedNanos() >= this.outageStart && call.startedNanos() < this.recoveredAt)
				.forEach((call) -> {
					if (call.failure() == null) {
						outcomes.success();
					}
					else {
						outcomes.failure(call.failure());
					}
				});
			return outcomes;
		}

		long firstSuccessAfterRecovery() {
			return this.calls.stream()
				.filter((call) -> call.failure() == null && call.endedNanos() >= this.recoveredAt)
				.mapToLong(CallRecord::endedNanos)
				.min()
				.orElse(0);
		}

		double recoveredSuccessRate() {
			List<CallRecord> after = this.calls.stream()
				.filter((call) -> call.startedNanos() >= this.recoveredAt)
				.toList();
			return after.stream().filter((call) -> call.failure() == null).count() / (double) Math.max(1, after.size());
		}

	}

	/**
	 * The outage's timeline and load.
	 * @param interval time between two new calls
	 * @param maxInFlight the most calls in flight
	 * @param healthy healthy time before the outage
	 * @param unavailable how long every request gets 503
	 * @param refused how long connections are refused
	 * @param recovered healthy time after the outage
	 * @param seed the provider's seed
	 */
	record Settings(Duration interval, int maxInFlight, Duration healthy, Duration unavailable, Duration refused,
			Duration recovered, long seed) {

		static Settings defaults(long seed) {
			return new Settings(Duration.ofMillis(10), 128, Duration.ofSeconds(1), Duration.ofSeconds(3),
					Duration.ofSeconds(2), Duration.ofMillis(4500), seed);
		}

	}

}
