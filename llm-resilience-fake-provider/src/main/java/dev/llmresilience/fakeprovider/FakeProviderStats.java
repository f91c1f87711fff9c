package dev.llmresilience.fakeprovider;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link FakeProvider} received and did: requests, injected faults and complete answers; thread-safe.
 */
public final class FakeProviderStats {

	private final LongAdder received = new LongAdder();

	// Filled once here and only read afterwards, so plain EnumMaps are safe to share between threads.
	private final Map<Endpoint, LongAdder> receivedByEndpoint = new EnumMap<>(Endpoint.class);

	private final Map<Fault, LongAdder> faults = new EnumMap<>(Fault.class);

	private final LongAdder jsonResponses = new LongAdder();

	private final LongAdder streamResponses = new LongAdder();

	FakeProviderStats() {
		for (Endpoint endpoint : Endpoint.values()) {
			this.receivedByEndpoint.put(endpoint, new LongAdder());
		}
		for (Fault fault : Fault.values()) {
			if (fault != Fault.NONE) {
				this.faults.put(fault, new LongAdder());
			}
		}
	}

	void recordReceived(Endpoint endpoint) {
		this.received.increment();
		if (endpoint != null) {
			this.receivedByEndpoint.get(endpoint).increment();
		}
	}

	void recordFault(Fault fault) {
		if (fault != Fault.NONE) {
			this.faults.get(fault).increment();
		}
	}

	void recordJsonResponse() {
		this.jsonResponses.increment();
	}

	void recordStreamResponse() {
		this.streamResponses.increment();
	}

	/**
	 * Reads the counters. Each value is exact, but the set is not an atomic cut while requests are in flight.
	 * @return an immutable copy of the counters
	 */
	public Snapshot snapshot() {
		Map<Endpoint, Long> byEndpoint = new EnumMap<>(Endpoint.class);
		this.receivedByEndpoint.forEach((endpoint, count) -> byEndpoint.put(endpoint, count.sum()));
		Map<Fault, Long> byFault = new EnumMap<>(Fault.class);
		this.faults.forEach((fault, count) -> byFault.put(fault, count.sum()));
		return new Snapshot(this.received.sum(), Collections.unmodifiableMap(byEndpoint),
				Collections.unmodifiableMap(byFault), this.jsonResponses.sum(), this.streamResponses.sum());
	}

	/**
	 * Sets every counter back to zero, for example between the warm-up and the measured run of a benchmark.
	 */
	public void reset() {
		this.received.reset();
		this.receivedByEndpoint.values().forEach(LongAdder::reset);
		this.faults.values().forEach(LongAdder::reset);
		this.jsonResponses.reset();
		this.streamResponses.reset();
	}

	/**
	 * The counters of a {@link FakeProviderStats} at one moment.
	 * @param received requests read in full, on any path
	 * @param receivedByEndpoint requests read in full, per provider endpoint
	 * @param faults faults injected, per kind ({@link Fault#NONE} is not counted)
	 * @param jsonResponses successful JSON answers, counted as their bytes are handed to the connection
	 * @param streamResponses successful event streams, counted as their last event is handed to the connection
	 */
	public record Snapshot(long received, Map<Endpoint, Long> receivedByEndpoint, Map<Fault, Long> faults,
			long jsonResponses, long streamResponses) {

		public long received(Endpoint endpoint) {
			return this.receivedByEndpoint.getOrDefault(endpoint, 0L);
		}

		public long faults(Fault fault) {
			return this.faults.getOrDefault(fault, 0L);
		}

		public long totalFaults() {
			return this.faults.values().stream().mapToLong(Long::longValue).sum();
		}

		public long successfulResponses() {
			return this.jsonResponses + this.streamResponses;
		}

	}

}
