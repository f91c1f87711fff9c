package dev.llmresilience.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read: every property described, every default shown.
 */
class ConfigurationMetadataTests {

	private final JsonNode metadata = load();

	@Test
	void describesEveryProperty() {
		assertThat(properties()).isNotEmpty().allSatisfy((property) -> assertThat(property.path("description").asText())
			.as(property.path("name").asText())
			.isNotBlank());
	}

	@Test
	void showsEveryDefaultPolicyValue() {
		List<JsonNode> defaults = properties().stream()
			.filter((property) -> property.path("name").asText().startsWith("llm.resilience.defaults."))
			.toList();
		assertThat(defaults).hasSizeGreaterThanOrEqualTo(18)
			.allSatisfy((property) -> assertThat(property.has("defaultValue")).as(property.path("name").asText())
				.isTrue());
		assertThat(property("llm.resilience.defaults.retry.max-attempts").path("defaultValue").asInt()).isEqualTo(4);
		assertThat(property("llm.resilience.defaults.timeouts.total").path("defaultValue").asText()).isEqualTo("5m");
	}

	@Test
	void describesTheHealthSwitches() {
		assertThat(property("llm.resilience.health.fail-on-open").path("defaultValue").asBoolean()).isFalse();
		assertThat(property("management.health.llmproviders.enabled").path("defaultValue").asBoolean()).isTrue();
	}

	private List<JsonNode> properties() {
		List<JsonNode> properties = new ArrayList<>();
		this.metadata.path("properties").forEach(properties::add);
		return properties.stream().filter((property) -> property.path("name").asText().startsWith("llm.")).toList();
	}

	private JsonNode property(String name) {
		for (JsonNode property : this.metadata.path("properties")) {
			if (property.path("name").asText().equals(name)) {
				return property;
			}
		}
		throw new AssertionError("No metadata for " + name);
	}

	private static JsonNode load() {
		try {
			// Boot's jars hold metadata files too: pick ours
			for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
				.getResources("META-INF/spring-configuration-metadata.json"))) {
				try (InputStream in = url.openStream()) {
					JsonNode node = new ObjectMapper().readTree(in);
					if (node.path("groups").toString().contains(LlmResilienceProperties.class.getName())) {
						return node;
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		throw new AssertionError("No configuration metadata for " + LlmResilienceProperties.class.getName()
				+ "; did the configuration processor run?");
	}

}
