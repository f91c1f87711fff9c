package dev.llmresilience.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.core.Protocol;
import dev.llmresilience.core.RetryBudget;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties for resilient calls to LLM providers.
 */
// a misspelt property must stop start-up, not silently leave a default in place
@ConfigurationProperties(prefix = "llm.resilience", ignoreUnknownFields = false)
public class LlmResilienceProperties {

	/**
	 * Whether calls to LLM providers are made resilient.
	 */
	private boolean enabled = true;

	/**
	 * Policy merged under every provider; a provider's own value wins.
	 */
	@NestedConfigurationProperty
	private Policy defaults = Policy.withDefaults();

	/**
	 * Providers by name; the name is also the resilience4j instance name.
	 */
	private Map<String, Provider> providers = new LinkedHashMap<>();

	/**
	 * Health contributor settings.
	 */
	private final Health health = new Health();

	/**
	 * Whether WebClient and RestClient builders from the application context send each request under a
	 * provider's base URL through that provider's resilience, the longest matching base URL winning.
	 */
	private boolean routeByBaseUrl = true;

	/**
	 * Spring AI integration.
	 */
	private final SpringAi springAi = new SpringAi();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Policy getDefaults() {
		return this.defaults;
	}

	public void setDefaults(Policy defaults) {
		this.defaults = defaults;
	}

	public Map<String, Provider> getProviders() {
		return this.providers;
	}

	public void setProviders(Map<String, Provider> providers) {
		this.providers = providers;
	}

	public Health getHealth() {
		return this.health;
	}

	public boolean isRouteByBaseUrl() {
		return this.routeByBaseUrl;
	}

	public void setRouteByBaseUrl(boolean routeByBaseUrl) {
		this.routeByBaseUrl = routeByBaseUrl;
	}

	public SpringAi getSpringAi() {
		return this.springAi;
	}

	/**
	 * How Spring AI's chat models are made resilient when Spring AI is on the classpath.
	 */
	public static class SpringAi {

		/**
		 * Whether Spring AI's chat models are handed over to the providers' resilience: its own retry may
		 * be switched off and, in a reactive web application, a RestClient.Builder is contributed so that
		 * call() is covered too.
		 */
		private boolean enabled = true;

		/**
		 * Whether Spring AI's RetryTemplate is replaced by one that makes a single attempt, so that its
		 * retries do not multiply with the provider's; an application's own RetryTemplate bean always wins.
		 */
		private boolean disableOwnRetry = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isDisableOwnRetry() {
			return this.disableOwnRetry;
		}

		public void setDisableOwnRetry(boolean disableOwnRetry) {
			this.disableOwnRetry = disableOwnRetry;
		}

	}

	/**
	 * Retry, circuit breaker and timeout settings; unset values come from the defaults.
	 */
	public static class Policy {

		/**
		 * Retry settings.
		 */
		@NestedConfigurationProperty
		private Retry retry = new Retry();

		/**
		 * Circuit breaker settings.
		 */
		@NestedConfigurationProperty
		private CircuitBreaker circuitBreaker = new CircuitBreaker();

		/**
		 * Timeout settings.
		 */
		@NestedConfigurationProperty
		private Timeouts timeouts = new Timeouts();

		static Policy withDefaults() {
			Policy policy = new Policy();
			Retry retry = policy.getRetry();
			retry.setMaxAttempts(4);
			retry.getConnectionBackoff().setInitial(Duration.ofMillis(500));
			retry.getConnectionBackoff().setMultiplier(2.0);
			retry.getConnectionBackoff().setMax(Duration.ofSeconds(8));
			retry.getConnectionBackoff().setJitter(0.25);
			retry.getOverloadBackoff().setStep(Duration.ofSeconds(1));
			retry.getOverloadBackoff().setMax(Duration.ofSeconds(10));
			retry.setRetryOnStatus(new ArrayList<>(List.of(408, 429, 500, 502, 503, 504, 529)));
			retry.setMaxServerDelay(Duration.ofSeconds(60));
			retry.getBudget().setEnabled(true);
			retry.getBudget().setMaxTokens(RetryBudget.DEFAULT_MAX_TOKENS);
			retry.getBudget().setTokenRatio(RetryBudget.DEFAULT_TOKEN_RATIO);
			CircuitBreaker circuitBreaker = policy.getCircuitBreaker();
			circuitBreaker.setFailureRateThreshold(50f);
			circuitBreaker.setSlidingWindowSize(100);
			circuitBreaker.setMinimumNumberOfCalls(50);
			circuitBreaker.setWaitDurationInOpenState(Duration.ofSeconds(30));
			circuitBreaker.setPermittedCallsInHalfOpenState(2);
			Timeouts timeouts = policy.getTimeouts();
			timeouts.setConnect(Duration.ofSeconds(10));
			timeouts.setResponse(Duration.ofSeconds(60));
			timeouts.setStreamIdle(Duration.ofSeconds(30));
			timeouts.setTotal(Duration.ofMinutes(5));
			return policy;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public void setRetry(Retry retry) {
			this.retry = retry;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
		}

		public Timeouts getTimeouts() {
			return this.timeouts;
		}

		public void setTimeouts(Timeouts timeouts) {
			this.timeouts = timeouts;
		}

	}

	/**
	 * One LLM provider: where it is, how to authenticate, and its own policy.
	 */
	public static class Provider extends Policy {

		/**
		 * Base URL of the provider's API, such as https://api.openai.com/v1.
		 */
		private String baseUrl;

		/**
		 * API key sent with every request; never logged or exposed.
		 */
		private String apiKey;

		/**
		 * API dialect: decides the authentication headers and how error bodies are read.
		 */
		private Protocol protocol = Protocol.OPENAI;

		public String getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(String baseUrl) {
			this.baseUrl = baseUrl;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public Protocol getProtocol() {
			return this.protocol;
		}

		public void setProtocol(Protocol protocol) {
			this.protocol = protocol;
		}

	}

	/**
	 * Retry settings.
	 */
	public static class Retry {

		/**
		 * Attempts in all, the first one included.
		 */
		private Integer maxAttempts;

		/**
		 * Backoff after connection-level failures: exponential with jitter.
		 */
		@NestedConfigurationProperty
		private ConnectionBackoff connectionBackoff = new ConnectionBackoff();

		/**
		 * Backoff after overload answers (502, 503, 504, 529) and rate limits: linear.
		 */
		@NestedConfigurationProperty
		private OverloadBackoff overloadBackoff = new OverloadBackoff();

		/**
		 * HTTP statuses worth retrying.
		 */
		private List<Integer> retryOnStatus;

		/**
		 * Longest server-asked wait to honour; a longer one fails at once instead of sleeping.
		 */
		private Duration maxServerDelay;

		/**
		 * Retry budget that keeps retries from becoming a storm while the provider is down.
		 */
		@NestedConfigurationProperty
		private Budget budget = new Budget();

		public Budget getBudget() {
			return this.budget;
		}

		public void setBudget(Budget budget) {
			this.budget = budget;
		}

		public Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public ConnectionBackoff getConnectionBackoff() {
			return this.connectionBackoff;
		}

		public void setConnectionBackoff(ConnectionBackoff connectionBackoff) {
			this.connectionBackoff = connectionBackoff;
		}

		public OverloadBackoff getOverloadBackoff() {
			return this.overloadBackoff;
		}

		public void setOverloadBackoff(OverloadBackoff overloadBackoff) {
			this.overloadBackoff = overloadBackoff;
		}

		public List<Integer> getRetryOnStatus() {
			return this.retryOnStatus;
		}

		public void setRetryOnStatus(List<Integer> retryOnStatus) {
			this.retryOnStatus = retryOnStatus;
		}

		public Duration getMaxServerDelay() {
			return this.maxServerDelay;
		}

		public void setMaxServerDelay(Duration maxServerDelay) {
			this.maxServerDelay = maxServerDelay;
		}

	}

	/**
	 * Token-bucket retry budget: a failed attempt costs one token, a successful one returns
	 * token-ratio tokens, and retries are allowed while more than half of max-tokens is left.
	 */
	public static class Budget {

		/**
		 * Whether retries are throttled by the budget.
		 */
		private Boolean enabled;

		/**
		 * Capacity of the token bucket.
		 */
		private Double maxTokens;

		/**
		 * Tokens a successful attempt returns to the bucket.
		 */
		private Double tokenRatio;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Double getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(Double maxTokens) {
			this.maxTokens = maxTokens;
		}

		public Double getTokenRatio() {
			return this.tokenRatio;
		}

		public void setTokenRatio(Double tokenRatio) {
			this.tokenRatio = tokenRatio;
		}

	}

	/**
	 * Exponential backoff with jitter.
	 */
	public static class ConnectionBackoff {

		/**
		 * Wait after the first failure.
		 */
		private Duration initial;

		/**
		 * Factor by which each wait grows.
		 */
		private Double multiplier;

		/**
		 * Longest wait.
		 */
		private Duration max;

		/**
		 * Fraction, between 0 and 1, by which each wait is spread either way.
		 */
		private Double jitter;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(Double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public Double getJitter() {
			return this.jitter;
		}

		public void setJitter(Double jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Linear backoff.
	 */
	public static class OverloadBackoff {

		/**
		 * Wait added per failed attempt.
		 */
		private Duration step;

		/**
		 * Longest wait.
		 */
		private Duration max;

		public Duration getStep() {
			return this.step;
		}

		public void setStep(Duration step) {
			this.step = step;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

	/**
	 * Circuit breaker settings.
	 */
	public static class CircuitBreaker {

		/**
		 * Failure rate, in percent, at which the breaker opens.
		 */
		private Float failureRateThreshold;

		/**
		 * Number of attempts the failure rate is computed over.
		 */
		private Integer slidingWindowSize;

		/**
		 * Attempts needed before the failure rate counts.
		 */
		private Integer minimumNumberOfCalls;

		/**
		 * How long the breaker stays open before letting probes through.
		 */
		private Duration waitDurationInOpenState;

		/**
		 * Probes let through while the breaker is half open.
		 */
		private Integer permittedCallsInHalfOpenState;

		public Float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(Float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public Integer getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(Integer slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public Integer getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Duration getWaitDurationInOpenState() {
			return this.waitDurationInOpenState;
		}

		public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = waitDurationInOpenState;
		}

		public Integer getPermittedCallsInHalfOpenState() {
			return this.permittedCallsInHalfOpenState;
		}

		public void setPermittedCallsInHalfOpenState(Integer permittedCallsInHalfOpenState) {
			this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
		}

	}

	/**
	 * Timeout settings.
	 */
	public static class Timeouts {

		/**
		 * Time to establish a connection.
		 */
		private Duration connect;

		/**
		 * Time from sending a request until its response headers arrive, per attempt; for a
		 * stream of server-sent events, until its first event arrives.
		 */
		private Duration response;

		/**
		 * Longest gap between two pieces of a stream's data once its first event arrived; a
		 * longer stall ends the stream with a StreamInterruptedException.
		 */
		private Duration streamIdle;

		/**
		 * One deadline across all attempts and waits of a call.
		 */
		private Duration total;

		public Duration getConnect() {
			return this.connect;
		}

		public void setConnect(Duration connect) {
			this.connect = connect;
		}

		public Duration getResponse() {
			return this.response;
		}

		public void setResponse(Duration response) {
			this.response = response;
		}

		public Duration getStreamIdle() {
			return this.streamIdle;
		}

		public void setStreamIdle(Duration streamIdle) {
			this.streamIdle = streamIdle;
		}

		public Duration getTotal() {
			return this.total;
		}

		public void setTotal(Duration total) {
			this.total = total;
		}

	}

	/**
	 * How the {@code llmProviders} health contributor reports open circuit breakers.
	 */
	public static class Health {

		/**
		 * Whether an open circuit breaker reports DOWN, failing the application's health, instead of
		 * CIRCUIT_OPEN.
		 */
		private boolean failOnOpen;

		public boolean isFailOnOpen() {
			return this.failOnOpen;
		}

		public void setFailOnOpen(boolean failOnOpen) {
			this.failOnOpen = failOnOpen;
		}

	}

}
