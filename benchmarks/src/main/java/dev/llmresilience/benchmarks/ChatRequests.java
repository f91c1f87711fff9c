package dev.llmresilience.benchmarks;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The OpenAI-shaped requests every arm sends, and how an application reads their answers.
 */
final class ChatRequests {

	static final String PATH = "/v1/chat/completions";

	private static final String COMPLETION = "{\"model\":\"bench-model\",\"max_tokens\":256,\"stream\":false,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"Count for me, one token at a time.\"}]}";

	private static final String STREAM = COMPLETION.replace("\"stream\":false", "\"stream\":true");

	private ChatRequests() {
	}

	/**
	 * Sends a chat completion and reads its body as text, as an application decoding it itself would.
	 */
	static Mono<String> completion(WebClient client) {
		return client.post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(COMPLETION)
			.retrieve()
			.bodyToMono(String.class);
	}

	/**
	 * Sends a streaming chat completion; each element is the {@code data} of one server-sent event.
	 */
	static Flux<String> stream(WebClient client) {
		return client.post()
			.uri(PATH)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(STREAM)
			.retrieve()
			.bodyToFlux(String.class);
	}

}
