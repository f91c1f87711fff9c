package dev.llmresilience.fakeprovider;

import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The running state behind a {@link FaultPlan}: its random generator, how far the script has got, and when the
 * provider started. One per provider start, so the plan itself stays immutable and reusable.
 */
final class FaultSchedule {

	private final FaultPlan plan;

	private final LongSupplier nanoTime;

	private final long startNanos;

	private final Random random;

	private int nextInSequence;

	FaultSchedule(FaultPlan plan, LongSupplier nanoTime) {
		this.plan = plan;
		this.nanoTime = nanoTime;
		this.startNanos = nanoTime.getAsLong();
		this.random = new Random(plan.seed());
	}

	/**
	 * Picks the fault for the next request to have arrived.
	 * @param stream whether the request asked for an event stream
	 * @return the fault, {@link Fault#NONE} for a normal answer
	 */
	// Synchronized rather than lock-free: the draw order is the arrival order, which is what makes a seed repeatable.
	synchronized Fault next(boolean stream) {
		Duration elapsed = Duration.ofNanos(this.nanoTime.getAsLong() - this.startNanos);
		for (FaultPlan.Outage outage : this.plan.outages()) {
			if (outage.covers(elapsed)) {
				return applicable(outage.fault(), stream);
			}
		}
		if (this.nextInSequence < this.plan.sequence().size()) {
			return applicable(this.plan.sequence().get(this.nextInSequence++), stream);
		}
		double draw = this.random.nextDouble();
		double cumulative = 0.0;
		for (Fault fault : Fault.values()) {
			if (fault == Fault.NONE || !fault.appliesTo(stream)) {
				continue;
			}
			cumulative += this.plan.rate(fault);
			if (draw < cumulative) {
				return fault;
			}
		}
		return Fault.NONE;
	}

	private static Fault applicable(Fault fault, boolean stream) {
		return fault.appliesTo(stream) ? fault : Fault.NONE;
	}

}
