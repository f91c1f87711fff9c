package dev.llmresilience.fakeprovider;

/**
 * The provider endpoints the fake serves, each in the shape of the API it imitates.
 */
public enum Endpoint {

	/** OpenAI's (and OpenAI-compatible hosts') chat completions. */
	OPENAI_CHAT_COMPLETIONS("/v1/chat/completions"),

	/** Anthropic's messages. */
	ANTHROPIC_MESSAGES("/v1/messages");

	private final String path;

	Endpoint(String path) {
		this.path = path;
	}

	public String path() {
		return this.path;
	}

	static Endpoint forPath(String path) {
		for (Endpoint endpoint : values()) {
			if (endpoint.path.equals(path)) {
				return endpoint;
			}
		}
		return null;
	}

}
