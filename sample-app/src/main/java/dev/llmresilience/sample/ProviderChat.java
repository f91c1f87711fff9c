package dev.llmresilience.sample;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmresilience.core.Protocol;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends one prompt to one provider in its own dialect, as a JSON call or a stream, and reads back the answer's text.
 */
final class ProviderChat {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final WebClient client;

	private final Protocol protocol;

	private final String model;

	private final int maxTokens;

	ProviderChat(WebClient client, Protocol protocol, String model, int maxTokens) {
		this.client = client;
		this.protocol = protocol;
		this.model = model;
		this.maxTokens = maxTokens;
	}

	Mono<String> complete(String prompt) {
		return request(prompt, false).accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(JsonNode.class)
			.map(this::text);
	}

	Mono<String> stream(String prompt) {
		return request(prompt, true).accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(EVENTS)
			.reduceWith(() -> new StreamedAnswer(this.protocol), StreamedAnswer::add)
			.map(StreamedAnswer::text);
	}

	private WebClient.RequestHeadersSpec<?> request(String prompt, boolean stream) {
		// Both dialects accept this shape; only the path differs under each provider's base URL.
		Map<String, Object> body = Map.of("model", this.model, "max_tokens", this.maxTokens, "stream", stream,
				"messages", List.of(Map.of("role", "user", "content", prompt)));
		String path = (this.protocol == Protocol.ANTHROPIC) ? "/v1/messages" : "/chat/completions";
		return this.client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

	private String text(JsonNode answer) {
		JsonNode text = (this.protocol == Protocol.ANTHROPIC) ? answer.at("/content/0/text")
				: answer.at("/choices/0/message/content");
		if (!text.isTextual()) {
			throw new IncompleteAnswerException("the answer carries no text");
		}
		return text.asText();
	}

}
