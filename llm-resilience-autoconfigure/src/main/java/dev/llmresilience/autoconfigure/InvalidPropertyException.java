package dev.llmresilience.autoconfigure;

/**
 * A property under {@code llm.resilience} has a value the library cannot work with.
 */
public class InvalidPropertyException extends IllegalStateException {

	private final String property;

	private final transient Object value;

	public InvalidPropertyException(String property, Object value, String problem) {
		super("Invalid value '%s' for property '%s': %s".formatted(value, property, problem));
		this.property = property;
		this.value = value;
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

}
