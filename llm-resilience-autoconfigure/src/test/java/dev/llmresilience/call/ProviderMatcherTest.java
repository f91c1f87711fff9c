package dev.llmresilience.call;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.reactive.TestProviders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderMatcherTest {

	private final ProviderMatcher matcher = new ProviderMatcher(List.of(
			provider("openai", "https://api.openai.com"),
			provider("synthetic", "https://api.synthetic.new/openai/v1"),
			provider("synthetic-anthropic", "https://api.synthetic.new/anthropic/"),
			provider("local", "http://localhost:8080/llm"),
			provider("local-v2", "http://localhost:8080/llm/v2"),
			provider("twin", "https://api.openai.com")));

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(nullValues = "none", value = {
			"https://api.openai.com/v1/chat/completions, openai",
			"https://api.openai.com, openai",
			"https://API.OpenAI.com/v1/chat/completions, openai",
			"HTTPS://api.openai.com/v1/chat/completions, openai",
			"https://api.openai.com:443/v1/chat/completions, openai",
			"https://api.openai.com:8443/v1/chat/completions, none",
			"http://api.openai.com/v1/chat/completions, none",
			"https://api.openai.com.evil.example/v1/chat/completions, none",
			"https://api.synthetic.new/openai/v1/chat/completions, synthetic",
			"https://api.synthetic.new/openai/v1, synthetic",
			"https://api.synthetic.new/openai/v1?x=1, synthetic",
			"https://api.synthetic.new/openai/v10/chat/completions, none",
			"https://api.synthetic.new/openai/chat/completions, none",
			"https://api.synthetic.new/anthropic/v1/messages, synthetic-anthropic",
			"https://api.synthetic.new/anthropic, synthetic-anthropic",
			"http://localhost:8080/llm/v1/chat/completions, local",
			"http://localhost:8080/llm/v2/chat/completions, local-v2",
			"http://localhost:8080/llmx/v1/chat/completions, none",
			"http://localhost:9090/llm/v1/chat/completions, none",
			"https://example.com/v1/chat/completions, none" })
	void matchesTheLongestBaseUrlTheRequestIsUnder(String url, String provider) {
		ProviderResilience match = this.matcher.match(URI.create(url));
		assertThat((match != null) ? match.name() : null).isEqualTo(provider);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "/v1/chat/completions", "mailto:someone@example.com" })
	void ignoresUrlsWithoutAHost(String url) {
		assertThat(this.matcher.match(URI.create(url))).isNull();
	}

	@ParameterizedTest(name = "order {0}")
	@CsvSource({ "a, b", "b, a" })
	void letsTheFirstConfiguredWinAmongEqualBaseUrls(String first, String second) {
		List<ProviderResilience> providers = new ArrayList<>();
		providers.add(provider(first, "http://h/v1"));
		providers.add(provider(second, "http://h/v1/"));
		assertThat(new ProviderMatcher(providers).match(URI.create("http://h/v1/chat")).name()).isEqualTo(first);
	}

	private static ProviderResilience provider(String name, String baseUrl) {
		ProviderPolicy policy = TestProviders.policy(baseUrl);
		return TestProviders.resilience(new ProviderPolicy(name, policy.baseUrl(), policy.protocol(), policy.retry(),
				policy.circuitBreaker(), policy.timeouts()));
	}

}
