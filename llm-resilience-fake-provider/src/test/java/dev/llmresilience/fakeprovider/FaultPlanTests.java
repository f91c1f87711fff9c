package dev.llmresilience.fakeprovider;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FaultPlanTests {

	@Test
	void defaultsToNoFaultsAndPlausibleAnswerShapes() {
		FaultPlan plan = FaultPlan.none();
		assertThat(plan.rates()).isEmpty();
		assertThat(plan.sequence()).isEmpty();
		assertThat(plan.outages()).isEmpty();
		assertThat(plan.rate(Fault.RATE_LIMIT)).isZero();
		assertThat(plan.slowFirstByte()).isEqualTo(Duration.ofSeconds(2));
		assertThat(plan.retryAfter()).isEqualTo(Duration.ofSeconds(1));
		assertThat(plan.streamEvents()).isEqualTo(8);
		assertThat(plan.eventDelay()).isZero();
	}

	@Test
	void acceptsRatesSummingToOneDespiteRoundingErrors() {
		// Added naively in fault order these make 1.0000000000000002: a rounding error must not reject the plan.
		FaultPlan plan = FaultPlan.builder()
			.rate(Fault.PREMATURE_CLOSE, 0.2)
			.rate(Fault.CONNECTION_RESET, 0.4)
			.rate(Fault.SLOW_FIRST_BYTE, 0.3)
			.rate(Fault.RATE_LIMIT, 0.1)
			.build();
		assertThat(plan.rates()).hasSize(4);
	}

	@Test
	void rejectsRatesSummingToMoreThanOneNamingThem() {
		FaultPlan.Builder builder = FaultPlan.builder().rate(Fault.RATE_LIMIT, 0.6).rate(Fault.OVERLOADED, 0.5);
		assertThatIllegalArgumentException().isThrownBy(builder::build)
			.withMessageContaining("rates must sum to at most 1 but sum to 1.1")
			.withMessageContaining("RATE_LIMIT=0.6")
			.withMessageContaining("OVERLOADED=0.5");
	}

	@Test
	void keepsTheValuesItWasBuiltWith() {
		FaultPlan plan = FaultPlan.builder()
			.seed(42)
			.rate(Fault.PREMATURE_CLOSE, 0.25)
			.sequence(Fault.OVERLOADED, Fault.NONE)
			.outage(Duration.ofSeconds(1), Duration.ofSeconds(2), Fault.UNAVAILABLE)
			.slowFirstByte(Duration.ofMillis(300))
			.retryAfter(Duration.ofMillis(1500))
			.streamEvents(3)
			.eventDelay(Duration.ofMillis(5))
			.build();
		FaultPlan copy = plan.toBuilder().build();
		for (FaultPlan p : new FaultPlan[] { plan, copy }) {
			assertThat(p.seed()).isEqualTo(42);
			assertThat(p.rate(Fault.PREMATURE_CLOSE)).isEqualTo(0.25);
			assertThat(p.sequence()).containsExactly(Fault.OVERLOADED, Fault.NONE);
			assertThat(p.outages())
				.containsExactly(new FaultPlan.Outage(Duration.ofSeconds(1), Duration.ofSeconds(2), Fault.UNAVAILABLE));
			assertThat(p.slowFirstByte()).isEqualTo(Duration.ofMillis(300));
			assertThat(p.retryAfter()).isEqualTo(Duration.ofMillis(1500));
			assertThat(p.streamEvents()).isEqualTo(3);
			assertThat(p.eventDelay()).isEqualTo(Duration.ofMillis(5));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badValues")
	void rejectsBadValueNamingTheField(String expectedMessage, Consumer<FaultPlan.Builder> badSetting) {
		assertThatIllegalArgumentException().isThrownBy(() -> badSetting.accept(FaultPlan.builder()))
			.withMessageContaining(expectedMessage);
	}

	static Stream<Arguments> badValues() {
		return Stream.of(
				arguments("rate[RATE_LIMIT] must be between 0 and 1 but was 1.5",
						setting((b) -> b.rate(Fault.RATE_LIMIT, 1.5))),
				arguments("rate[OVERLOADED] must be between 0 and 1 but was -0.1",
						setting((b) -> b.rate(Fault.OVERLOADED, -0.1))),
				arguments("rate[STREAM_BROKEN] must be between 0 and 1 but was NaN",
						setting((b) -> b.rate(Fault.STREAM_BROKEN, Double.NaN))),
				arguments("rate[NONE] cannot be set", setting((b) -> b.rate(Fault.NONE, 0.5))),
				arguments("sequence[1] must not be null", setting((b) -> b.sequence(Fault.NONE, null))),
				arguments("slowFirstByte must not be negative but was PT-1S",
						setting((b) -> b.slowFirstByte(Duration.ofSeconds(-1)))),
				arguments("slowFirstByte must not be null", setting((b) -> b.slowFirstByte(null))),
				arguments("retryAfter must not be negative", setting((b) -> b.retryAfter(Duration.ofMillis(-1)))),
				arguments("eventDelay must not be negative", setting((b) -> b.eventDelay(Duration.ofMillis(-1)))),
				arguments("streamEvents must be at least 1 but was 0", setting((b) -> b.streamEvents(0))),
				arguments("outage.to must be after outage.from (PT2S) but was PT1S",
						setting((b) -> b.outage(Duration.ofSeconds(2), Duration.ofSeconds(1), Fault.OVERLOADED))),
				arguments("outage.from must not be negative",
						setting((b) -> b.outage(Duration.ofSeconds(-1), Duration.ofSeconds(1), Fault.OVERLOADED))),
				arguments("outage.fault must be a fault, not NONE",
						setting((b) -> b.outage(Duration.ZERO, Duration.ofSeconds(1), Fault.NONE))));
	}

	private static Consumer<FaultPlan.Builder> setting(Consumer<FaultPlan.Builder> setting) {
		return setting;
	}

}
