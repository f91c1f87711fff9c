package dev.llmresilience.core;

/**
 * The retry budget of one provider: a token bucket in the style of gRPC's retry throttling.
 *
 * @param enabled whether retries are throttled at all
 * @param maxTokens the bucket's capacity; retries are allowed while more than half of it is left
 * @param tokenRatio the tokens a successful attempt returns; a failed attempt costs one
 * @see RetryBudget
 */
public record BudgetPolicy(boolean enabled, double maxTokens, double tokenRatio) {

	/** The defaults: 100 tokens, half a token back per success. */
	public static final BudgetPolicy DEFAULT = new BudgetPolicy(true, RetryBudget.DEFAULT_MAX_TOKENS,
			RetryBudget.DEFAULT_TOKEN_RATIO);

	public BudgetPolicy {
		if (enabled) {
			// fail here, with the values, rather than when the first call is made
			new RetryBudget(maxTokens, tokenRatio);
		}
	}

	/**
	 * Create a fresh, full budget.
	 * @return the budget
	 */
	public RetryBudget create() {
		return this.enabled ? new RetryBudget(this.maxTokens, this.tokenRatio) : RetryBudget.unlimited();
	}

}
