package dev.llmresilience.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmresilience.core.LlmResilienceException;
import dev.llmresilience.reactive.ProviderStub;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring AI's own chat models, built by Spring AI's auto-configuration with no code of ours, against
 * WireMock speaking each provider's JSON and server-sent events.
 */
class SpringAiIntegrationTests {

	@RegisterExtension
	final ProviderStub provider = new ProviderStub();

	static Stream<Arguments> applications() {
		return Stream.of(WebApplicationType.NONE, WebApplicationType.REACTIVE)
			.flatMap((type) -> Stream.of(Api.values()).map((api) -> Arguments.of(type, api)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("applications")
	void streamSurvivesAnOverloadThenAConnectionClosedBeforeResponse(WebApplicationType type, Api api) {
		this.provider.answerInTurn(api.path, aResponse().withStatus(503).withBody(api.error),
				aResponse().withFault(Fault.EMPTY_RESPONSE),
				aResponse().withHeader("Content-Type", "text/event-stream").withBody(api.stream));
		try (ConfigurableApplicationContext context = run(type, 4)) {
			List<ChatResponse> responses = api.model(context)
				.stream(new Prompt("Say hello"))
				.collectList()
				.block(Duration.ofSeconds(20));
			assertThat(text(responses)).isEqualTo("Hello world");
		}
		this.provider.verifyPosts(3, api.path);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("applications")
	void callSurvivesAnthropicsOverloadedThenARateLimitThatNamesItsWait(WebApplicationType type, Api api) {
		this.provider.answerInTurn(api.path, aResponse().withStatus(529).withBody(api.error),
				aResponse().withStatus(429).withHeader("Retry-After", "1").withBody(api.error),
				aResponse().withHeader("Content-Type", "application/json").withBody(api.answer));
		try (ConfigurableApplicationContext context = run(type, 4)) {
			ChatResponse response = api.model(context).call(new Prompt("Say hello"));
			assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello world");
		}
		List<LoggedRequest> requests = this.provider.requests(api.path);
		assertThat(requests).hasSize(3);
		assertThat(requests.get(2).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime())
			.as("wait the server named").isGreaterThanOrEqualTo(1000);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("applications")
	void neverSendsMoreThanMaxAttemptsDuringAnOutage(WebApplicationType type, Api api) {
		this.provider.stubFor(post(api.path).willReturn(aResponse().withStatus(503).withBody(api.error)));
		try (ConfigurableApplicationContext context = run(type, 3)) {
			ChatModel model = api.model(context);
			assertThatThrownBy(() -> model.call(new Prompt("Say hello"))).isInstanceOf(LlmResilienceException.class);
			this.provider.verifyPosts(3, api.path);
			this.provider.server().resetRequests();
			assertThatThrownBy(() -> model.stream(new Prompt("Say hello")).blockLast(Duration.ofSeconds(20)))
				.isInstanceOf(LlmResilienceException.class);
			this.provider.verifyPosts(3, api.path);
		}
	}

	private ConfigurableApplicationContext run(WebApplicationType type, int maxAttempts) {
		String base = this.provider.baseUrl();
		return new SpringApplicationBuilder(Application.class).web(type)
			.properties("spring.main.web-application-type=" + type.name().toLowerCase(), "server.port=0",
					"spring.main.banner-mode=off", "spring.reactor.netty.shutdown-quiet-period=0s",
					"spring.ai.openai.base-url=" + base + "/openai", "spring.ai.openai.api-key=sk-test",
					"spring.ai.openai.chat.options.model=gpt-4o-mini",
					"spring.ai.anthropic.base-url=" + base + "/anthropic", "spring.ai.anthropic.api-key=sk-ant-test",
					"spring.ai.model.embedding=none", "spring.ai.model.image=none",
					"spring.ai.model.audio.speech=none", "spring.ai.model.audio.transcription=none",
					"spring.ai.model.moderation=none",
					"llm.resilience.providers.openai.base-url=" + base + "/openai",
					"llm.resilience.providers.anthropic.base-url=" + base + "/anthropic",
					"llm.resilience.providers.anthropic.protocol=anthropic",
					"llm.resilience.defaults.retry.max-attempts=" + maxAttempts,
					"llm.resilience.defaults.retry.overload-backoff.step=10ms",
					"llm.resilience.defaults.retry.connection-backoff.initial=10ms")
			.run();
	}

	private static String text(List<ChatResponse> responses) {
		return responses.stream()
			.map((response) -> (response.getResult() != null) ? response.getResult().getOutput().getText() : null)
			.filter(Objects::nonNull)
			.collect(Collectors.joining());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	/**
	 * What each provider's API looks like on the wire.
	 */
	enum Api {

		OPENAI("/openai/v1/chat/completions",
				"{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
						+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello world\"},"
						+ "\"finish_reason\":\"stop\"}],"
						+ "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}",
				openAiChunk("{\"role\":\"assistant\",\"content\":\"Hello\"}", "null")
						+ openAiChunk("{\"content\":\" world\"}", "null") + openAiChunk("{}", "\"stop\"")
						+ "data: [DONE]\n\n",
				"{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
						+ "\"type\":\"server_error\",\"code\":null}}") {

			@Override
			ChatModel model(ConfigurableApplicationContext context) {
				return context.getBean(OpenAiChatModel.class);
			}

		},

		ANTHROPIC("/anthropic/v1/messages",
				"{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
						+ "\"content\":[{\"type\":\"text\",\"text\":\"Hello world\"}],\"stop_reason\":\"end_turn\","
						+ "\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}",
				anthropicEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
						+ "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
						+ "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}")
						+ anthropicEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
								+ "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
						+ anthropicEvent("ping", "{\"type\":\"ping\"}")
						+ anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
								+ "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}")
						+ anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
								+ "\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}")
						+ anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
						+ anthropicEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
								+ "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}")
						+ anthropicEvent("message_stop", "{\"type\":\"message_stop\"}"),
				"{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}") {

			@Override
			ChatModel model(ConfigurableApplicationContext context) {
				return context.getBean(AnthropicChatModel.class);
			}

		};

		final String path;

		final String answer;

		final String stream;

		final String error;

		Api(String path, String answer, String stream, String error) {
			this.path = path;
			this.answer = answer;
			this.stream = stream;
			this.error = error;
		}

		abstract ChatModel model(ConfigurableApplicationContext context);

		private static String openAiChunk(String delta, String finishReason) {
			return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
					+ "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta
					+ ",\"finish_reason\":" + finishReason + "}]}\n\n";
		}

		private static String anthropicEvent(String name, String data) {
			return "event: " + name + "\ndata: " + data + "\n\n";
		}

	}

}
