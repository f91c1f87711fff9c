package dev.llmresilience.core;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class RetryBudgetTest {

	private static final int CALLS = 10_000;

	private static final int MAX_ATTEMPTS = 4;

	private static final long SEED = 42;

	@ParameterizedTest
	@CsvSource({
		"0, 0.5, maxTokens, 0.0",
		"-1, 0.5, maxTokens, -1.0",
		"NaN, 0.5, maxTokens, NaN",
		"Infinity, 0.5, maxTokens, Infinity",
		"1000001, 0.5, maxTokens, 1000001.0",
		"100, 0, tokenRatio, 0.0",
		"100, -0.5, tokenRatio, -0.5",
		"100, 0.0004, tokenRatio, 4.0E-4",
		"100, NaN, tokenRatio, NaN",
		"100, Infinity, tokenRatio, Infinity"
	})
	void rejectsInvalidArgumentsNamingTheBadValue(double maxTokens, double tokenRatio, String name, String shown) {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(maxTokens, tokenRatio))
			.withMessageContaining(name)
			.withMessageEndingWith("was " + shown);
	}

	@Test
	void startsFull() {
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		assertThat(budget.tokens()).isEqualTo(100.0);
		assertThat(budget.maxTokens()).isEqualTo(100.0);
		assertThat(budget.tokenRatio()).isEqualTo(0.5);
		assertThat(budget.allowsRetry()).isTrue();
	}

	/** The sequence of gRPC core's retry_throttle_test: capacity 4, threshold 2, ratio 1.6. */
	@ParameterizedTest
	@CsvSource({
		"F, 3.0, true",
		"FS, 4.0, true",
		"FSF, 3.0, true",
		"FSFF, 2.0, false",
		"FSFFS, 3.6, true",
		"FSFFSF, 2.6, true",
		"FSFFSFF, 1.6, false",
		"FFFFFF, 0.0, false",
		"FFFFFFS, 1.6, false",
		"SSS, 4.0, true"
	})
	void countsLikeGrpcRetryThrottling(String outcomes, double tokens, boolean allowsRetry) {
		RetryBudget budget = new RetryBudget(4, 1.6);
		for (char outcome : outcomes.toCharArray()) {
			if (outcome == 'S') {
				budget.onSuccess();
			}
			else {
				budget.onFailure();
			}
		}
		assertThat(budget.tokens()).isEqualTo(tokens);
		assertThat(budget.allowsRetry()).isEqualTo(allowsRetry);
	}

	@Test
	void retriesReturnAfterAHundredAndOneSuccessesFollowingAnOutage() {
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		for (int i = 0; i < 500; i++) {
			budget.onFailure();
		}
		assertThat(budget.tokens()).isZero();
		for (int i = 0; i < 100; i++) {
			budget.onSuccess();
		}
		assertThat(budget.tokens()).isEqualTo(50.0);
		assertThat(budget.allowsRetry()).isFalse();
		budget.onSuccess();
		assertThat(budget.allowsRetry()).isTrue();
	}

	@Test
	void unlimitedBudgetNeverRefuses() {
		RetryBudget budget = RetryBudget.unlimited();
		for (int i = 0; i < 1_000; i++) {
			budget.onFailure();
		}
		assertThat(budget.allowsRetry()).isTrue();
		assertThat(budget.isUnlimited()).isTrue();
		assertThat(budget.tokens()).isInfinite();
		assertThat(budget.maxTokens()).isInfinite();
	}

	@Test
	void defaultBudgetKeepsEveryRetryAtOneFailureInFour() {
		double p = 0.25;
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		Simulation budgeted = simulate(budget, p);
		Simulation unbudgeted = simulate(RetryBudget.unlimited(), p);
		print("default budget", p, budgeted, budget);
		assertThat(budgeted.refusedRetries).isZero();
		assertThat(budgeted.successRate()).isEqualTo(unbudgeted.successRate());
		assertThat(budgeted.successRate()).isCloseTo(1 - Math.pow(p, MAX_ATTEMPTS), within(0.001));
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0.01, 0.05, 0.10, 0.20, 0.25, 0.30 })
	void defaultBudgetRefusesNoRetryAtOrdinaryFlakiness(double p) {
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		Simulation budgeted = simulate(budget, p);
		print("default budget", p, budgeted, budget);
		assertThat(budgeted.refusedRetries).isZero();
		assertThat(budgeted.successes).isEqualTo(simulate(RetryBudget.unlimited(), p).successes);
	}

	@ParameterizedTest
	@CsvSource({ "0.50, 1.05", "0.75, 1.02", "1.00, 1.01" })
	void defaultBudgetDrivesAttemptsPerCallTowardsOneInAStorm(double p, double maxAttemptsPerCall) {
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		Simulation storm = simulate(budget, p);
		print("default budget", p, storm, budget);
		assertThat(storm.attemptsPerCall()).isLessThan(maxAttemptsPerCall);
	}

	@Test
	void outageMakesExactlyOneAttemptPerCallOnceTheBucketIsDrained() {
		RetryBudget budget = new RetryBudget(RetryBudget.DEFAULT_MAX_TOKENS, RetryBudget.DEFAULT_TOKEN_RATIO);
		Simulation outage = simulate(budget, 1.0);
		Simulation drained = simulate(budget, 1.0);
		print("outage, from a full bucket", 1.0, outage, budget);
		print("outage, once drained", 1.0, drained, budget);
		assertThat(outage.attemptsPerCall()).isLessThan(1.2);
		assertThat(drained.attemptsPerCall()).isEqualTo(1.0);
		assertThat(drained.successes).isZero();
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0.10, 0.25 })
	void grpcExampleRatioWouldStarveOrdinaryFlakiness(double p) {
		RetryBudget budget = new RetryBudget(100, 0.1);
		Simulation starved = simulate(budget, p);
		print("ratio 0.1 (gRPC example)", p, starved, budget);
		assertThat(starved.refusedRetries).isGreaterThan(CALLS / 50);
		assertThat(starved.successRate()).isLessThan(1 - Math.pow(p, MAX_ATTEMPTS) - 0.02);
	}

	@ParameterizedTest
	@MethodSource("concurrentOutcomes")
	void keepsEveryConcurrentUpdate(int failuresPerThread, int successesPerThread, double expectedTokens)
			throws Exception {
		int threads = 4;
		RetryBudget budget = new RetryBudget(1_000_000, 0.5);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			Future<?>[] futures = new Future<?>[threads];
			for (int t = 0; t < threads; t++) {
				futures[t] = executor.submit(() -> {
					start.await();
					for (int i = 0; i < failuresPerThread; i++) {
						budget.onFailure();
					}
					for (int i = 0; i < successesPerThread; i++) {
						budget.onSuccess();
					}
					return null;
				});
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(budget.tokens()).isEqualTo(expectedTokens);
	}

	static Stream<Arguments> concurrentOutcomes() {
		return Stream.of(Arguments.of(25_000, 0, 900_000.0), Arguments.of(25_000, 10_000, 920_000.0));
	}

	/** Calls of at most four attempts, each failing independently with probability p. */
	private static Simulation simulate(RetryBudget budget, double p) {
		Random random = new Random(SEED);
		Simulation result = new Simulation(CALLS);
		for (int call = 0; call < CALLS; call++) {
			for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
				result.attempts++;
				if (random.nextDouble() >= p) {
					budget.onSuccess();
					result.successes++;
					break;
				}
				budget.onFailure();
				if (attempt < MAX_ATTEMPTS && !budget.allowsRetry()) {
					result.refusedRetries++;
					break;
				}
			}
		}
		return result;
	}

	private static void print(String label, double p, Simulation simulation, RetryBudget budget) {
		System.out.printf("%-26s p=%.2f calls=%d success=%.4f ideal=%.4f attempts/call=%.3f refused=%d tokens=%.1f%n",
				label, p, simulation.calls, simulation.successRate(), 1 - Math.pow(p, MAX_ATTEMPTS),
				simulation.attemptsPerCall(), simulation.refusedRetries, budget.tokens());
	}

	private static final class Simulation {

		final int calls;

		int attempts;

		int successes;

		int refusedRetries;

		Simulation(int calls) {
			this.calls = calls;
		}

		double successRate() {
			return (double) this.successes / this.calls;
		}

		double attemptsPerCall() {
			return (double) this.attempts / this.calls;
		}

	}

}
