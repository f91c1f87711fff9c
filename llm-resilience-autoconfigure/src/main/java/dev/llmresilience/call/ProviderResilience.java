package dev.llmresilience.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmresilience.core.CallObserver;
import dev.llmresilience.core.FailureClassifier;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.core.RetryPlanner;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import reactor.core.scheduler.Schedulers;

/**
 * One provider's resilience: its policy and the resilience4j Retry and CircuitBreaker that run it.
 */
public final class ProviderResilience {

	/**
	 * Key naming the provider whose resilience already runs a request, in Reactor's context (reactive) or
	 * the request's attributes (blocking): an inner filter or interceptor that finds it lets the request
	 * through, so attempts never multiply.
	 */
	public static final String PROVIDER_ATTRIBUTE = "dev.llmresilience.provider";

	private final ProviderPolicy policy;

	private final Retry retry;

	private final CircuitBreaker circuitBreaker;

	private final FailureClassifier classifier;

	private final RetryPlanner planner;

	private final CallObserver observer;

	/** Spring's default in-memory limit for codecs, used when the application sets none. */
	public static final int DEFAULT_BODY_LIMIT = 256 * 1024;

	private final AtomicReference<Instant> openUntil = new AtomicReference<>(Instant.MIN);

	private final int bodyLimit;

	public ProviderResilience(ProviderPolicy policy, Retry retry, CircuitBreaker circuitBreaker,
			CallObserver observer) {
		this(policy, retry, circuitBreaker, observer, DEFAULT_BODY_LIMIT);
	}

	/**
	 * Create a provider's resilience.
	 * @param policy the effective policy
	 * @param retry the Retry instance, from the application's registry
	 * @param circuitBreaker the CircuitBreaker instance, from the application's registry
	 * @param observer what hears about calls and attempts
	 * @param bodyLimit the most bytes of a non-streaming body held in memory while checking it is complete
	 */
	public ProviderResilience(ProviderPolicy policy, Retry retry, CircuitBreaker circuitBreaker,
			CallObserver observer, int bodyLimit) {
		this.policy = policy;
		this.bodyLimit = bodyLimit;
		this.retry = retry;
		this.circuitBreaker = circuitBreaker;
		this.classifier = policy.classifier();
		this.planner = new RetryPlanner(policy.retry(), policy.retry().budget().create());
		// DEBUG details ride along with every provider, whatever the application observes
		this.observer = CallObserver
			.composite(List.of(CallLogger.INSTANCE, (observer != null) ? observer : CallObserver.NONE));
		circuitBreaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				Duration open = Duration
					.ofMillis(circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
				this.openUntil.accumulateAndGet(now().plus(open), (a, b) -> a.isAfter(b) ? a : b);
			}
		});
	}

	public String name() {
		return this.policy.name();
	}

	public ProviderPolicy policy() {
		return this.policy;
	}

	public Retry retry() {
		return this.retry;
	}

	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	public FailureClassifier classifier() {
		return this.classifier;
	}

	public RetryPlanner planner() {
		return this.planner;
	}

	public CallObserver observer() {
		return this.observer;
	}

	public int bodyLimit() {
		return this.bodyLimit;
	}

	/**
	 * Return the attempts a call may make in all, as the Retry instance is configured.
	 * @return the attempts allowed
	 */
	public int maxAttempts() {
		return this.retry.getRetryConfig().getMaxAttempts();
	}

	/**
	 * Return how long the breaker stays open from now, {@link Duration#ZERO} when it is not open.
	 * @return the remaining open time
	 */
	public Duration remainingOpen() {
		CircuitBreaker.State state = this.circuitBreaker.getState();
		if (state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN) {
			return Duration.ZERO;
		}
		Duration remaining = Duration.between(now(), this.openUntil.get());
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Keep the breaker open until the given instant, because the server asked for that long a wait.
	 * @param until when calls may be sent again
	 */
	public void openUntil(Instant until) {
		// a shorter wait named by a concurrent answer must not cut short a longer one
		Instant latest = this.openUntil.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
		this.circuitBreaker.transitionToOpenStateUntil(latest);
	}

	/**
	 * Return the current instant on Reactor's clock, so virtual time in tests moves it too.
	 * @return now
	 */
	public static Instant now() {
		return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
	}


}
