package dev.llmresilience.fakeprovider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FaultScheduleTests {

	private static final int DRAWS = 20_000;

	private final AtomicLong nanoTime = new AtomicLong();

	private final FaultPlan mixed = FaultPlan.builder()
		.seed(7)
		.rate(Fault.PREMATURE_CLOSE, 0.1)
		.rate(Fault.RATE_LIMIT, 0.2)
		.rate(Fault.STREAM_BROKEN, 0.3)
		.build();

	@Test
	void sameSeedDrawsSameFaultsInArrivalOrder() {
		assertThat(draw(schedule(this.mixed), 500, true)).isEqualTo(draw(schedule(this.mixed), 500, true))
			.contains(Fault.NONE, Fault.PREMATURE_CLOSE, Fault.RATE_LIMIT, Fault.STREAM_BROKEN);
	}

	@Test
	void differentSeedDrawsDifferentFaults() {
		FaultPlan otherSeed = this.mixed.toBuilder().seed(8).build();
		assertThat(draw(schedule(this.mixed), 500, true)).isNotEqualTo(draw(schedule(otherSeed), 500, true));
	}

	@Test
	void injectsEachFaultAtItsRate() {
		Map<Fault, Double> shares = shares(draw(schedule(this.mixed), DRAWS, true));
		assertThat(shares.get(Fault.PREMATURE_CLOSE)).isCloseTo(0.1, within(0.02));
		assertThat(shares.get(Fault.RATE_LIMIT)).isCloseTo(0.2, within(0.02));
		assertThat(shares.get(Fault.STREAM_BROKEN)).isCloseTo(0.3, within(0.02));
		assertThat(shares.get(Fault.NONE)).isCloseTo(0.4, within(0.02));
	}

	@Test
	void nonStreamingRequestsNeverGetStreamFaultsButKeepTheOtherRates() {
		Map<Fault, Double> shares = shares(draw(schedule(this.mixed), DRAWS, false));
		assertThat(shares).doesNotContainKey(Fault.STREAM_BROKEN);
		assertThat(shares.get(Fault.PREMATURE_CLOSE)).isCloseTo(0.1, within(0.02));
		assertThat(shares.get(Fault.RATE_LIMIT)).isCloseTo(0.2, within(0.02));
	}

	@Test
	void playsTheScriptedSequenceThenNoneForever() {
		FaultSchedule schedule = schedule(FaultPlan.sequence(Fault.OVERLOADED, Fault.NONE, Fault.PREMATURE_CLOSE));
		assertThat(draw(schedule, 6, true)).containsExactly(Fault.OVERLOADED, Fault.NONE, Fault.PREMATURE_CLOSE,
				Fault.NONE, Fault.NONE, Fault.NONE);
	}

	@Test
	void scriptedStreamFaultIsUsedUpByANonStreamingRequest() {
		FaultSchedule schedule = schedule(FaultPlan.sequence(Fault.STREAM_BROKEN, Fault.STREAM_ERROR_EVENT));
		assertThat(schedule.next(false)).isEqualTo(Fault.NONE);
		assertThat(schedule.next(true)).isEqualTo(Fault.STREAM_ERROR_EVENT);
	}

	@Test
	void outageWindowOverridesScriptAndRatesOnlyWhileItLasts() {
		FaultSchedule schedule = schedule(FaultPlan.builder()
			.sequence(Fault.RATE_LIMIT)
			.outage(Duration.ofSeconds(10), Duration.ofSeconds(20), Fault.OVERLOADED)
			.build());
		this.nanoTime.set(Duration.ofSeconds(10).toNanos() - 1);
		assertThat(schedule.next(false)).isEqualTo(Fault.RATE_LIMIT);
		this.nanoTime.set(Duration.ofSeconds(10).toNanos());
		assertThat(schedule.next(false)).isEqualTo(Fault.OVERLOADED);
		this.nanoTime.set(Duration.ofSeconds(20).toNanos() - 1);
		assertThat(schedule.next(false)).isEqualTo(Fault.OVERLOADED);
		this.nanoTime.set(Duration.ofSeconds(20).toNanos());
		assertThat(schedule.next(false)).isEqualTo(Fault.NONE);
	}

	private FaultSchedule schedule(FaultPlan plan) {
		return new FaultSchedule(plan, this.nanoTime::get);
	}

	private static List<Fault> draw(FaultSchedule schedule, int count, boolean stream) {
		List<Fault> faults = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			faults.add(schedule.next(stream));
		}
		return faults;
	}

	private static Map<Fault, Double> shares(List<Fault> faults) {
		Map<Fault, Double> shares = new EnumMap<>(Fault.class);
		faults.forEach((fault) -> shares.merge(fault, 1.0 / faults.size(), Double::sum));
		return shares;
	}

}
