package dev.llmresilience.fakeprovider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which faults a {@link FakeProvider} injects, how often, and the shape of its answers; immutable.
 * <p>
 * For each request, in the order requests finish arriving, the provider picks at most one fault: first an
 * {@linkplain Builder#outage outage} covering the current time, then the next entry of the scripted
 * {@linkplain Builder#sequence sequence}, then a draw from {@code new Random(seed)} against the cumulative
 * {@linkplain Builder#rate rates}. A non-streaming request skips stream-only faults in that draw, so every fault
 * keeps its stated probability among the requests it can apply to. One sequential client therefore sees the same
 * faults on every run with the same seed.
 */
public final class FaultPlan {

	static final Duration DEFAULT_SLOW_FIRST_BYTE = Duration.ofSeconds(2);

	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	static final int DEFAULT_STREAM_EVENTS = 8;

	// Rates are summed in floating point: 0.1 ten times is 1.0000000000000002 and must still be accepted.
	private static final double SUM_TOLERANCE = 1e-9;

	private final long seed;

	private final Map<Fault, Double> rates;

	private final List<Fault> sequence;

	private final List<Outage> outages;

	private final Duration slowFirstByte;

	private final Duration retryAfter;

	private final int streamEvents;

	private final Duration eventDelay;

	private FaultPlan(Builder builder) {
		this.seed = builder.seed;
		this.rates = Collections.unmodifiableMap(new EnumMap<>(builder.rates));
		this.sequence = List.copyOf(builder.sequence);
		this.outages = List.copyOf(builder.outages);
		this.slowFirstByte = builder.slowFirstByte;
		this.retryAfter = builder.retryAfter;
		this.streamEvents = builder.streamEvents;
		this.eventDelay = builder.eventDelay;
	}

	/**
	 * A plan that never injects a fault.
	 * @return a well-behaved plan with default answer shapes
	 */
	public static FaultPlan none() {
		return builder().build();
	}

	/**
	 * A plan that injects exactly the given faults to the first requests, one each, then none.
	 * @param faults the faults in arrival order; {@link Fault#NONE} answers one request normally
	 * @return the scripted plan
	 */
	public static FaultPlan sequence(Fault... faults) {
		return builder().sequence(faults).build();
	}

	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	public long seed() {
		return this.seed;
	}

	/**
	 * The probability of the given fault on a request it can apply to.
	 * @param fault the fault
	 * @return the rate, 0 when none was set
	 */
	public double rate(Fault fault) {
		return this.rates.getOrDefault(fault, 0.0);
	}

	public Map<Fault, Double> rates() {
		return this.rates;
	}

	public List<Fault> sequence() {
		return this.sequence;
	}

	public List<Outage> outages() {
		return this.outages;
	}

	public Duration slowFirstByte() {
		return this.slowFirstByte;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

	public int streamEvents() {
		return this.streamEvents;
	}

	public Duration eventDelay() {
		return this.eventDelay;
	}

	@Override
	public String toString() {
		return "FaultPlan{seed=" + this.seed + ", rates=" + this.rates + ", sequence=" + this.sequence
				+ ", outages=" + this.outages + ", slowFirstByte=" + this.slowFirstByte + ", retryAfter="
				+ this.retryAfter + ", streamEvents=" + this.streamEvents + ", eventDelay=" + this.eventDelay + "}";
	}

	/**
	 * A window, measured from the provider's start, in which every request it can apply to gets one fault.
	 * @param from start of the window, inclusive
	 * @param to end of the window, exclusive
	 * @param fault the fault injected inside the window
	 */
	public record Outage(Duration from, Duration to, Fault fault) {

		public Outage {
			requireNonNegative("outage.from", from);
			requireNonNegative("outage.to", to);
			Objects.requireNonNull(fault, "outage.fault must not be null");
			if (to.compareTo(from) <= 0) {
				throw new IllegalArgumentException("outage.to must be after outage.from (" + from + ") but was " + to);
			}
			if (fault == Fault.NONE) {
				throw new IllegalArgumentException("outage.fault must be a fault, not NONE");
			}
		}

		boolean covers(Duration elapsed) {
			return elapsed.compareTo(this.from) >= 0 && elapsed.compareTo(this.to) < 0;
		}

	}

	/** Builds a {@link FaultPlan}; each setter rejects a bad value at once, naming the field. */
	public static final class Builder {

		private long seed;

		private final Map<Fault, Double> rates = new EnumMap<>(Fault.class);

		private final List<Fault> sequence = new ArrayList<>();

		private final List<Outage> outages = new ArrayList<>();

		private Duration slowFirstByte = DEFAULT_SLOW_FIRST_BYTE;

		private Duration retryAfter = DEFAULT_RETRY_AFTER;

		private int streamEvents = DEFAULT_STREAM_EVENTS;

		private Duration eventDelay = Duration.ZERO;

		private Builder() {
		}

		private Builder(FaultPlan plan) {
			this.seed = plan.seed;
			this.rates.putAll(plan.rates);
			this.sequence.addAll(plan.sequence);
			this.outages.addAll(plan.outages);
			this.slowFirstByte = plan.slowFirstByte;
			this.retryAfter = plan.retryAfter;
			this.streamEvents = plan.streamEvents;
			this.eventDelay = plan.eventDelay;
		}

		public Builder seed(long seed) {
			this.seed = seed;
			return this;
		}

		/**
		 * Sets the probability of one fault; the rates of all faults must sum to at most 1.
		 * @param fault the fault, not {@link Fault#NONE} (its rate is what the others leave)
		 * @param rate between 0 and 1
		 * @return this builder
		 */
		public Builder rate(Fault fault, double rate) {
			Objects.requireNonNull(fault, "fault must not be null");
			if (fault == Fault.NONE) {
				throw new IllegalArgumentException("rate[NONE] cannot be set: it is whatever the other rates leave");
			}
			if (!(rate >= 0.0 && rate <= 1.0)) {
				throw new IllegalArgumentException("rate[" + fault + "] must be between 0 and 1 but was " + rate);
			}
			this.rates.put(fault, rate);
			return this;
		}

		/**
		 * Scripts the faults of the first requests, one each and before any random draw.
		 * @param faults the faults in arrival order, {@link Fault#NONE} for a normal answer
		 * @return this builder
		 */
		public Builder sequence(Fault... faults) {
			Objects.requireNonNull(faults, "sequence must not be null");
			for (int i = 0; i < faults.length; i++) {
				if (faults[i] == null) {
					throw new IllegalArgumentException("sequence[" + i + "] must not be null");
				}
			}
			this.sequence.clear();
			this.sequence.addAll(Arrays.asList(faults));
			return this;
		}

		/**
		 * Adds a window, measured from the provider's start, in which every request gets the given fault.
		 * @param from start of the window, inclusive
		 * @param to end of the window, exclusive
		 * @param fault the fault to inject inside the window
		 * @return this builder
		 */
		public Builder outage(Duration from, Duration to, Fault fault) {
			this.outages.add(new Outage(from, to, fault));
			return this;
		}

		/**
		 * Sets how long {@link Fault#SLOW_FIRST_BYTE} holds back the response headers.
		 * @param delay zero or more
		 * @return this builder
		 */
		public Builder slowFirstByte(Duration delay) {
			this.slowFirstByte = requireNonNegative("slowFirstByte", delay);
			return this;
		}

		/**
		 * Sets the wait {@link Fault#RATE_LIMIT} asks for; {@code retry-after} carries it rounded up to seconds.
		 * @param wait zero or more
		 * @return this builder
		 */
		public Builder retryAfter(Duration wait) {
			this.retryAfter = requireNonNegative("retryAfter", wait);
			return this;
		}

		/**
		 * Sets how many content events a stream carries (and how many tokens a JSON answer has).
		 * @param count at least 1
		 * @return this builder
		 */
		public Builder streamEvents(int count) {
			if (count < 1) {
				throw new IllegalArgumentException("streamEvents must be at least 1 but was " + count);
			}
			this.streamEvents = count;
			return this;
		}

		/**
		 * Sets the pause between two stream events.
		 * @param delay zero or more
		 * @return this builder
		 */
		public Builder eventDelay(Duration delay) {
			this.eventDelay = requireNonNegative("eventDelay", delay);
			return this;
		}

		/**
		 * Builds the plan.
		 * @return the immutable plan
		 * @throws IllegalArgumentException if the rates sum to more than 1
		 */
		public FaultPlan build() {
			double sum = this.rates.values().stream().mapToDouble(Double::doubleValue).sum();
			if (sum > 1.0 + SUM_TOLERANCE) {
				String rates = this.rates.entrySet()
					.stream()
					.filter((entry) -> entry.getValue() > 0)
					.map((entry) -> entry.getKey() + "=" + entry.getValue())
					.collect(Collectors.joining(", "));
				throw new IllegalArgumentException("rates must sum to at most 1 but sum to " + sum + " (" + rates + ")");
			}
			return new FaultPlan(this);
		}

	}

	private static Duration requireNonNegative(String field, Duration value) {
		if (value == null) {
			throw new IllegalArgumentException(field + " must not be null");
		}
		if (value.isNegative()) {
			throw new IllegalArgumentException(field + " must not be negative but was " + value);
		}
		return value;
	}

}
