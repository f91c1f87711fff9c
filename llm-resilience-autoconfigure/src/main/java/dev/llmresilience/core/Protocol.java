package dev.llmresilience.core;

/**
 * The API dialect a provider speaks: how it authenticates and shapes its errors.
 */
public enum Protocol {

	/** OpenAI and OpenAI-compatible hosts: {@code Authorization: Bearer}. */
	OPENAI,

	/** Anthropic: {@code x-api-key} and {@code anthropic-version}. */
	ANTHROPIC

}
