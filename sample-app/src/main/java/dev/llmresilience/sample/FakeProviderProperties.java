package dev.llmresilience.sample;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import dev.llmresilience.fakeprovider.Fault;
import dev.llmresilience.fakeprovider.FaultPlan;

/**
 * How the embedded fake provider misbehaves: bound from {@code demo.fake-provider}.
 */
public class FakeProviderProperties {

	/**
	 * Whether to start the embedded fake provider and point every configured provider at it.
	 */
	private boolean enabled = true;

	/**
	 * Seed of the fault draws; requests arriving in the same order get the same faults.
	 */
	private long seed = 7;

	/**
	 * Probability of each fault on a request it can apply to; stream faults only hit streaming requests.
	 */
	private Map<Fault, Double> rates = defaultRates();

	/**
	 * How long a slow first byte holds back the response headers.
	 */
	private Duration slowFirstByte = Duration.ofSeconds(4);

	/**
	 * Wait a rate-limited answer asks for in its Retry-After and retry-after-ms headers.
	 */
	private Duration retryAfter = Duration.ofMillis(300);

	/**
	 * Content events in a streamed answer, and tokens in a JSON one.
	 */
	private int streamEvents = 8;

	/**
	 * Pause between two events of a stream, so tokens arrive as they would from a model.
	 */
	private Duration eventDelay = Duration.ofMillis(15);

	/**
	 * Window in which every request fails the same way, long enough to open the breakers.
	 */
	private final Outage outage = new Outage();

	// Lively, yet ordinary enough that retries rescue nearly every call outside the outage. Slow first bytes are
	// rare: a half-open breaker waits for all its probes, so one stuck until the response timeout keeps it
	// refusing every other call meanwhile.
	private static Map<Fault, Double> defaultRates() {
		Map<Fault, Double> rates = new EnumMap<>(Fault.class);
		rates.put(Fault.PREMATURE_CLOSE, 0.06);
		rates.put(Fault.CONNECTION_RESET, 0.04);
		rates.put(Fault.SLOW_FIRST_BYTE, 0.01);
		rates.put(Fault.RATE_LIMIT, 0.05);
		rates.put(Fault.UNAVAILABLE, 0.04);
		rates.put(Fault.OVERLOADED, 0.06);
		rates.put(Fault.STREAM_ERROR_EVENT, 0.04);
		rates.put(Fault.STREAM_BROKEN, 0.03);
		return rates;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public long getSeed() {
		return this.seed;
	}

	public void setSeed(long seed) {
		this.seed = seed;
	}

	public Map<Fault, Double> getRates() {
		return this.rates;
	}

	public void setRates(Map<Fault, Double> rates) {
		this.rates = rates;
	}

	public Duration getSlowFirstByte() {
		return this.slowFirstByte;
	}

	public void setSlowFirstByte(Duration slowFirstByte) {
		this.slowFirstByte = slowFirstByte;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public int getStreamEvents() {
		return this.streamEvents;
	}

	public void setStreamEvents(int streamEvents) {
		this.streamEvents = streamEvents;
	}

	public Duration getEventDelay() {
		return this.eventDelay;
	}

	public void setEventDelay(Duration eventDelay) {
		this.eventDelay = eventDelay;
	}

	public Outage getOutage() {
		return this.outage;
	}

	/**
	 * Build the fault plan these settings describe.
	 * @return the plan
	 * @throws IllegalArgumentException naming the property when a value is out of range
	 */
	FaultPlan toFaultPlan() {
		try {
			FaultPlan.Builder plan = FaultPlan.builder()
				.seed(this.seed)
				.slowFirstByte(this.slowFirstByte)
				.retryAfter(this.retryAfter)
				.streamEvents(this.streamEvents)
				.eventDelay(this.eventDelay);
			this.rates.forEach(plan::rate);
			if (this.outage.getDuration() != null && !this.outage.getDuration().isZero()) {
				plan.outage(this.outage.getStart(), this.outage.getStart().plus(this.outage.getDuration()),
						this.outage.getFault());
			}
			return plan.build();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new IllegalArgumentException("Invalid demo.fake-provider settings: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A stretch of time in which the fake provider fails every request it can.
	 */
	public static class Outage {

		/**
		 * Fault injected to every request inside the window.
		 */
		private Fault fault = Fault.OVERLOADED;

		/**
		 * Start of the window, measured from when the fake provider starts (just before the application context).
		 */
		private Duration start = Duration.ofSeconds(6);

		/**
		 * Length of the window; zero for no outage.
		 */
		private Duration duration = Duration.ofMillis(1500);

		public Fault getFault() {
			return this.fault;
		}

		public void setFault(Fault fault) {
			this.fault = fault;
		}

		public Duration getStart() {
			return this.start;
		}

		public void setStart(Duration start) {
			this.start = start;
		}

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

	}

}
