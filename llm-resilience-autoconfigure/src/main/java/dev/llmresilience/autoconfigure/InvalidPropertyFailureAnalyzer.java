package dev.llmresilience.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidPropertyException} that stopped start-up into Boot's failure report, so the
 * user reads the property, its bad value and what to do instead of a stack of bean creation errors.
 */
class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
		String action = "Update '%s' in your application's configuration "
				+ "(application.yml, application.properties, environment).";
		return new FailureAnalysis(cause.getMessage(), action.formatted(cause.getProperty()), cause);
	}

}
