package dev.llmresilience.fakeprovider;

import java.util.List;

/**
 * What the fake says to one request: identifiers echoed in every event and the numbered tokens.
 * @param id the provider-style identifier of the completion or message
 * @param model the model the request named
 * @param inputTokens a rough count of the request's tokens, for the usage fields
 * @param tokens the content, one token per stream content event
 */
record Answer(String id, String model, int inputTokens, List<String> tokens) {

	String text() {
		return String.join("", this.tokens);
	}

}
