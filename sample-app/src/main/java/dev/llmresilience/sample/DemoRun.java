package dev.llmresilience.sample;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.llmresilience.autoconfigure.LlmResilienceProperties;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.FaultPlan;
import dev.llmresilience.reactive.LlmClients;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.util.StringUtils;

/**
 * The demo: sends chat calls through the starter's clients, several at a time, streaming and not, shows progress
 * and ends with a {@link DemoSummary}; its exit code says whether the numbers of both sides agree.
 */
public class DemoRun implements ApplicationRunner, ExitCodeGenerator {

	// Far beyond any healthy run; only a hang would reach it, and it must not keep the terminal forever.
	private static final Duration DEADLINE = Duration.ofMinutes(5);

	private final DemoProperties properties;

	private final LlmClients clients;

	private final LlmResilienceProperties providers;

	private final CallTally tally;

	private final FakeProvider fake;

	private final PrintStream out;

	private final DemoProgress progress;

	private final AtomicReference<DemoSummary> summary = new AtomicReference<>();

	private volatile int exitCode;

	DemoRun(DemoProperties properties, LlmClients clients, LlmResilienceProperties providers, CallTally tally,
			FakeProvider fake, PrintStream out, boolean terminal) {
		this.properties = properties;
		this.clients = clients;
		this.providers = providers;
		this.tally = tally;
		this.fake = fake;
		this.out = out;
		this.progress = new DemoProgress(out, terminal);
	}

	@Override
	public void run(ApplicationArguments args) {
		List<String> targets = targets();
		if (targets.isEmpty()) {
			this.out.println("No provider to call: set OPENAI_API_KEY, ANTHROPIC_API_KEY or SYNTHETIC_API_KEY, "
					+ "or run without the 'real' profile to use the embedded fake provider.");
			this.exitCode = 1;
			return;
		}
		describe(targets);
		Map<String, ProviderChat> chats = new LinkedHashMap<>();
		targets.forEach((name) -> {
			chats.put(name, chat(name));
			this.tally.watch(name, this.clients.provider(name).circuitBreaker());
		});
		CallOutcomes outcomes = new CallOutcomes();
		Map<String, String> firstAnswers = new ConcurrentHashMap<>();
		long start = System.nanoTime();
		Disposable display = this.progress.show(() -> status(outcomes, targets));
		try {
			calls().flatMap((call) -> send(chats, targets, call, outcomes, firstAnswers), this.properties.getConcurrency())
				.blockLast(DEADLINE);
		}
		finally {
			display.dispose();
		}
		this.progress.finish(status(outcomes, targets));
		DemoSummary result = new DemoSummary(targets, this.properties.getCalls(),
				Duration.ofNanos(System.nanoTime() - start), outcomes.succeededCount(), outcomes.typedFailures(),
				outcomes.otherFailures(), this.tally.attempts(), this.tally.retries(), this.tally.waited(),
				this.tally.transitions(), (this.fake != null) ? this.fake.stats().snapshot() : null);
		this.summary.set(result);
		this.exitCode = result.countsAgree() ? 0 : 1;
		this.out.println();
		this.out.print(result.render());
		if (this.fake == null) {
			// Against real providers, show that a model really answered; the fake's tokens say nothing.
			targets.forEach((name) -> this.out.printf("first answer from %s: %s%n", name,
					abbreviate(firstAnswers.getOrDefault(name, "(none)"))));
		}
	}

	private static String abbreviate(String answer) {
		String line = answer.replaceAll("\\s+", " ").strip();
		return (line.length() > 72) ? line.substring(0, 71) + "..." : line;
	}

	/**
	 * Return the summary of the run, once it has ended.
	 * @return the summary, empty before the run ends or when there was nothing to call
	 */
	public Optional<DemoSummary> summary() {
		return Optional.ofNullable(this.summary.get());
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private Flux<Integer> calls() {
		Flux<Integer> calls = Flux.range(0, this.properties.getCalls());
		Duration interval = this.properties.getInterval();
		// delayElements respects demand: when every slot is busy, the next call waits instead of piling up.
		return (interval.isZero() || interval.isNegative()) ? calls : calls.delayElements(interval);
	}

	// Every call ends here, answered or failed, so that one failure never stops the run.
	private Mono<Void> send(Map<String, ProviderChat> chats, List<String> targets, int call, CallOutcomes outcomes,
			Map<String, String> firstAnswers) {
		String provider = targets.get(call % targets.size());
		ProviderChat chat = chats.get(provider);
		Mono<String> answer = isStream(call / targets.size()) ? chat.stream(this.properties.getPrompt())
				: chat.complete(this.properties.getPrompt());
		return answer.doOnNext((text) -> {
			outcomes.succeeded();
			firstAnswers.putIfAbsent(provider, text);
		}).doOnError(outcomes::failed).onErrorComplete().then();
	}

	// Spread streaming evenly over the rounds, each round calling every provider once, so that every provider
	// gets both kinds of call whatever the share.
	private boolean isStream(int round) {
		double share = this.properties.getStreamShare();
		return Math.floor((round + 1) * share) > Math.floor(round * share);
	}

	private ProviderChat chat(String name) {
		return new ProviderChat(this.clients.webClient(name), this.clients.provider(name).policy().protocol(),
				this.properties.model(name), this.properties.getMaxTokens());
	}

	/**
	 * The providers to call: those named under {@code demo.providers}, else every configured one; against real
	 * providers, only those with an API key, since the others can only answer 401.
	 */
	private List<String> targets() {
		if (!this.properties.getProviders().isEmpty()) {
			return List.copyOf(this.properties.getProviders());
		}
		return this.clients.names()
			.stream()
			.filter((name) -> this.fake != null || hasApiKey(name))
			.toList();
	}

	private boolean hasApiKey(String name) {
		LlmResilienceProperties.Provider provider = this.providers.getProviders().get(name);
		return provider != null && StringUtils.hasText(provider.getApiKey());
	}

	private void describe(List<String> targets) {
		this.out.printf("%nllm-resilience demo: %d calls to %s, %d at a time, %.0f%% of them streaming%n",
				this.properties.getCalls(), String.join(", ", targets), this.properties.getConcurrency(),
				this.properties.getStreamShare() * 100);
		if (this.fake != null) {
			this.out.printf("fake provider at %s (seed %d) injects%n%s", this.fake.baseUrl(), this.fake.plan().seed(),
					faults(this.fake.plan()));
		}
		targets.forEach((name) -> {
			ProviderPolicy policy = this.clients.provider(name).policy();
			// The host only: a URL may carry credentials in its user-info or query.
			this.out.printf("  %-10s %-9s %s: up to %d attempts, breaker opens at %.0f%% failed attempts%n", name,
					policy.protocol().name().toLowerCase(Locale.ROOT), policy.baseUrl().getHost(),
					policy.retry().maxAttempts(), policy.circuitBreaker().failureRateThreshold());
		});
		this.out.println();
	}

	// Four rates a line, so the description fits a terminal.
	private static String faults(FaultPlan plan) {
		List<String> rates = plan.rates()
			.entrySet()
			.stream()
			.filter((rate) -> rate.getValue() > 0)
			.map((rate) -> "%s %.0f%%".formatted(rate.getKey().name().toLowerCase(Locale.ROOT), rate.getValue() * 100))
			.toList();
		StringBuilder faults = new StringBuilder();
		for (int i = 0; i < rates.size(); i += 4) {
			faults.append("    ").append(String.join(", ", rates.subList(i, Math.min(i + 4, rates.size())))).append('\n');
		}
		if (rates.isEmpty()) {
			faults.append("    no random faults\n");
		}
		plan.outages()
			.forEach((outage) -> faults.append("    and %s to every request %s to %s after it started%n".formatted(
					outage.fault().name().toLowerCase(Locale.ROOT), seconds(outage.from()), seconds(outage.to()))));
		return faults.toString();
	}

	// Short enough for an 80-column terminal, where a wrapped line could not be redrawn in place: breakers are
	// named only while they are not closed, and retries are left to the summary.
	private String status(CallOutcomes outcomes, List<String> targets) {
		Map<String, List<String>> notClosed = targets.stream()
			.filter((name) -> this.clients.provider(name).circuitBreaker().getState() != CircuitBreaker.State.CLOSED)
			.collect(Collectors.groupingBy((name) -> this.clients.provider(name)
				.circuitBreaker()
				.getState()
				.name()
				.toLowerCase(Locale.ROOT)
				.replace('_', '-'), TreeMap::new, Collectors.toList()));
		String breakers = notClosed.isEmpty() ? "breakers closed"
				: notClosed.entrySet()
					.stream()
					.map((state) -> state.getKey() + ": " + String.join(", ", state.getValue()))
					.collect(Collectors.joining("; "));
		return "%3d/%d calls: %d ok, %d failed | %d attempts | %s".formatted(outcomes.ended(),
				this.properties.getCalls(), outcomes.succeededCount(), outcomes.failedCount(),
				this.tally.attemptsMade(), breakers);
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
	}

}
