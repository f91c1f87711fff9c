package dev.llmresilience.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.llmresilience.reactive.LlmClients;
import dev.llmresilience.reactive.ProviderStub;
import dev.llmresilience.reactive.TestProviders;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * No API key, prompt or response body reaches the logs (at DEBUG), the meters or the actuator, even
 * when a provider echoes the key back in an error body, as OpenAI's 401 does.
 */
@ExtendWith(OutputCaptureExtension.class)
// A cold JVM's first actuator request can outlast WebTestClient's default 5 s.
@AutoConfigureWebTestClient(timeout = "PT30S")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.reactor.netty.shutdown-quiet-period=0s", "server.shutdown=immediate",
				// Spring AI is on the test classpath for its own tests; its models need keys this test has not
				"spring.ai.model.chat=none", "spring.ai.model.embedding=none", "spring.ai.model.image=none",
				"spring.ai.model.audio.speech=none", "spring.ai.model.audio.transcription=none",
				"spring.ai.model.moderation=none",
				"logging.level.dev.llmresilience=DEBUG", "management.endpoints.web.exposure.include=*",
				"management.endpoint.health.show-details=always",
				"llm.resilience.defaults.retry.connection-backoff.initial=20ms",
				"llm.resilience.defaults.retry.overload-backoff.step=20ms",
				"llm.resilience.providers.synthetic.api-key=" + SecretsDoNotLeakTests.OPENAI_KEY,
				"llm.resilience.providers.claude.api-key=" + SecretsDoNotLeakTests.ANTHROPIC_KEY,
				"llm.resilience.providers.claude.protocol=anthropic" })
class SecretsDoNotLeakTests {

	static final String OPENAI_KEY = "sk-proj-7Hq2LeakCanary0penAI9xV";

	static final String ANTHROPIC_KEY = "sk-ant-api03-LeakCanaryAnthropic4Zp";

	private static final String PROMPT = "PromptCanary: what is the launch code?";

	private static final String ANSWER = "AnswerCanary: 0000";

	@RegisterExtension
	static final ProviderStub provider = new ProviderStub();

	@Autowired
	private LlmClients clients;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private WebTestClient actuator;

	@DynamicPropertySource
	static void providerBaseUrls(DynamicPropertyRegistry registry) {
		registry.add("llm.resilience.providers.synthetic.base-url", () -> provider.baseUrl() + "/openai/v1");
		registry.add("llm.resilience.providers.claude.base-url", () -> provider.baseUrl() + "/anthropic");
	}

	@Test
	void keepsKeysPromptsAndBodiesOutOfLogsMetricsAndActuator(CapturedOutput output) {
		String echoedKey = "{\"error\":{\"message\":\"Incorrect API key provided: " + OPENAI_KEY + ". " + PROMPT
				+ "\",\"type\":\"invalid_request_error\"}}";
		// synthetic: closes the connection, then rate-limits (echoing the key and prompt), then answers
		provider.answerInTurn("/openai/v1/chat/completions", aResponse().withFault(Fault.EMPTY_RESPONSE),
				aResponse().withStatus(429).withHeader("Retry-After", "0").withBody(echoedKey),
				okJson("{\"choices\":[{\"message\":{\"content\":\"" + ANSWER + "\"}}]}"));
		// claude: overloaded once (echoing the key), then answers
		provider.failFirstThenAnswer("/anthropic/v1/messages",
				aResponse().withStatus(529)
					.withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\""
							+ ANTHROPIC_KEY + "\"}}"),
				okJson("{\"content\":[{\"type\":\"text\",\"text\":\"" + ANSWER + "\"}]}"));
		// a 401 that echoes the key is the caller's to handle, untouched
		provider.stubFor(post("/openai/v1/embeddings").willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(echoedKey)));

		assertThat(call("synthetic", "/chat/completions")).contains(ANSWER);
		assertThat(call("claude", "/v1/messages")).contains(ANSWER);
		assertThatExceptionOfType(WebClientResponseException.Unauthorized.class)
			.isThrownBy(() -> call("synthetic", "/embeddings"));

		// the keys were really sent, so a leak had something to leak
		provider.server().verify(3, postRequestedFor(urlEqualTo("/openai/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer " + OPENAI_KEY)));
		provider.server().verify(2, postRequestedFor(urlEqualTo("/anthropic/v1/messages"))
			.withHeader("x-api-key", equalTo(ANTHROPIC_KEY)));

		List<String> seen = new ArrayList<>();
		seen.add(output.getAll());
		seen.add(meterNamesAndTags());
		for (String path : List.of("/actuator", "/actuator/llmproviders", "/actuator/llmproviders/synthetic",
				"/actuator/llmproviders/claude", "/actuator/health", "/actuator/health/llmProviders",
				"/actuator/circuitbreakers", "/actuator/circuitbreakerevents", "/actuator/retries",
				"/actuator/retryevents", "/actuator/metrics", "/actuator/configprops", "/actuator/env")) {
			seen.add(path + " " + get(path));
		}
		for (String name : metricNames()) {
			seen.add(name + " " + get("/actuator/metrics/" + name));
		}

		// what was looked at holds the evidence of the calls, so its silence about secrets means something
		String all = String.join("\n", seen);
		assertThat(all).contains("LLM provider 'synthetic': attempt 1 of 4 failed (premature_close)")
			.contains("LLM provider 'synthetic': attempt failed (status_429)")
			.contains("LLM provider 'claude': attempt failed (status_529)")
			.contains("llm.resilience.attempts")
			.contains("\"claude\"");
		// one WARN line per retry: two for synthetic, one for claude; the rest is DEBUG
		assertThat(output.getAll().lines().filter((line) -> line.contains(" WARN ") && line.contains("LLM provider")))
			.hasSize(3)
			.allSatisfy((line) -> assertThat(line)
				.containsPattern("attempt \\d of 4 failed \\(\\w+\\); retrying in \\d+ ms \\((backoff|server)\\)"));
		for (String text : seen) {
			assertThat(text).doesNotContain(OPENAI_KEY, ANTHROPIC_KEY, "LeakCanary", "PromptCanary", "AnswerCanary");
		}
	}

	private String call(String provider, String uri) {
		return TestProviders.postJson(this.clients.webClient(provider), uri,
				Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", PROMPT))))
			.block();
	}

	private String get(String path) {
		return this.actuator.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private List<String> metricNames() {
		Map<String, List<String>> names = this.actuator.get()
			.uri("/actuator/metrics")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, List<String>>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(names.get("names")).contains("llm.resilience.attempts", "resilience4j.retry.calls");
		return names.get("names");
	}

	private String meterNamesAndTags() {
		StringBuilder meters = new StringBuilder();
		for (Meter meter : this.meterRegistry.getMeters()) {
			meters.append(meter.getId().getName());
			for (Tag tag : meter.getId().getTags()) {
				meters.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
			}
			meters.append('\n');
		}
		return meters.toString();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
