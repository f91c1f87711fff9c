package dev.llmresilience.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * What the demo run does: how many calls, to whom, how fast, and what happens once it is done.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

	/**
	 * Whether the application exits once the summary is printed; false keeps it serving actuator endpoints.
	 */
	private boolean exitWhenDone = true;

	/**
	 * Chat calls to send in all.
	 */
	private int calls = 100;

	/**
	 * Calls in flight at most at one time.
	 */
	private int concurrency = 8;

	/**
	 * Pause between the starts of two calls, as requests reaching an application at a steady rate.
	 */
	private Duration interval = Duration.ofMillis(70);

	/**
	 * Share of the calls that ask for a streamed answer, between 0 and 1.
	 */
	private double streamShare = 0.5;

	/**
	 * Providers to call in turn; empty for every provider under llm.resilience.providers that can be called.
	 */
	private List<String> providers = new ArrayList<>();

	/**
	 * Model to ask for, by provider name.
	 */
	private Map<String, String> models = new LinkedHashMap<>();

	/**
	 * Model to ask for from a provider that has none under demo.models.
	 */
	private String defaultModel = "fake-model";

	/**
	 * Prompt of every call.
	 */
	private String prompt = "Say hello in five words.";

	/**
	 * Longest answer to ask for, in tokens.
	 */
	private int maxTokens = 32;

	/**
	 * Embedded fake provider.
	 */
	@NestedConfigurationProperty
	private final FakeProviderProperties fakeProvider = new FakeProviderProperties();

	public boolean isExitWhenDone() {
		return this.exitWhenDone;
	}

	public void setExitWhenDone(boolean exitWhenDone) {
		this.exitWhenDone = exitWhenDone;
	}

	public int getCalls() {
		return this.calls;
	}

	// Checked here so that a bad value fails start-up with the binder naming the property.
	public void setCalls(int calls) {
		requireAtLeastOne(calls);
		this.calls = calls;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		requireAtLeastOne(concurrency);
		this.concurrency = concurrency;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public double getStreamShare() {
		return this.streamShare;
	}

	public void setStreamShare(double streamShare) {
		if (!(streamShare >= 0 && streamShare <= 1)) {
			throw new IllegalArgumentException("must be between 0 and 1 but was " + streamShare);
		}
		this.streamShare = streamShare;
	}

	public List<String> getProviders() {
		return this.providers;
	}

	public void setProviders(List<String> providers) {
		this.providers = providers;
	}

	public Map<String, String> getModels() {
		return this.models;
	}

	public void setModels(Map<String, String> models) {
		this.models = models;
	}

	public String getDefaultModel() {
		return this.defaultModel;
	}

	public void setDefaultModel(String defaultModel) {
		this.defaultModel = defaultModel;
	}

	public String getPrompt() {
		return this.prompt;
	}

	public void setPrompt(String prompt) {
		this.prompt = prompt;
	}

	public int getMaxTokens() {
		return this.maxTokens;
	}

	public void setMaxTokens(int maxTokens) {
		requireAtLeastOne(maxTokens);
		this.maxTokens = maxTokens;
	}

	public FakeProviderProperties getFakeProvider() {
		return this.fakeProvider;
	}

	private static void requireAtLeastOne(int value) {
		if (value < 1) {
			throw new IllegalArgumentException("must be at least 1 but was " + value);
		}
	}

	String model(String provider) {
		return this.models.getOrDefault(provider, this.defaultModel);
	}

}
