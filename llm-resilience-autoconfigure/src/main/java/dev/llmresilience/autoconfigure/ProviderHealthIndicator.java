package dev.llmresilience.autoconfigure;

import java.time.Duration;

import dev.llmresilience.call.ProviderResilience;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Reports one provider's health from its circuit breaker.
 * <p>
 * An open breaker reports {@link #CIRCUIT_OPEN}, not {@link Status#DOWN}: the breaker is the library
 * coping with a provider's outage, and restarting or unrouting the application (what DOWN asks of
 * Kubernetes or a load balancer) would not heal the provider. Boot's default status order does not
 * know this status, so it neither fails the aggregate health nor changes its HTTP status; users who
 * want it to, say so with {@code llm.resilience.health.fail-on-open} or Boot's
 * {@code management.endpoint.health.status.order} and {@code .http-mapping}. resilience4j's own
 * indicator uses the same status names.
 */
class ProviderHealthIndicator implements HealthIndicator {

	/** An open (or forced open) breaker: calls fail fast without reaching the provider. */
	static final Status CIRCUIT_OPEN = new Status("CIRCUIT_OPEN", "Circuit breaker is open; calls fail fast");

	/** A half-open breaker: a few probes are let through to see whether the provider recovered. */
	static final Status CIRCUIT_HALF_OPEN = new Status("CIRCUIT_HALF_OPEN",
			"Circuit breaker is half open; probes are let through");

	private final ProviderResilience provider;

	private final boolean failOnOpen;

	ProviderHealthIndicator(ProviderResilience provider, boolean failOnOpen) {
		this.provider = provider;
		this.failOnOpen = failOnOpen;
	}

	@Override
	public Health health() {
		CircuitBreaker breaker = this.provider.circuitBreaker();
		CircuitBreaker.State state = breaker.getState();
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		Health.Builder health = Health.status(status(state))
			.withDetail("state", state.name())
			.withDetail("failureRate", metrics.getFailureRate() + "%")
			.withDetail("bufferedCalls", metrics.getNumberOfBufferedCalls())
			.withDetail("failedCalls", metrics.getNumberOfFailedCalls())
			.withDetail("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
		Duration remainingOpen = this.provider.remainingOpen();
		if (!remainingOpen.isZero()) {
			health.withDetail("remainingOpen", remainingOpen.toString());
		}
		return health.build();
	}

	private Status status(CircuitBreaker.State state) {
		return switch (state) {
			case OPEN, FORCED_OPEN -> this.failOnOpen ? Status.DOWN : CIRCUIT_OPEN;
			case HALF_OPEN -> CIRCUIT_HALF_OPEN;
			case CLOSED, DISABLED, METRICS_ONLY -> Status.UP;
		};
	}

}
