package dev.llmresilience.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one provider is configured under {@code llm.resilience.providers}: without one
 * nothing would cover the calls whose own safety nets an integration takes away.
 */
class OnProvidersConfiguredCondition extends SpringBootCondition {

	private static final String PROVIDERS = ProviderPolicyFactory.PREFIX + "providers";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean configured = Binder.get(context.getEnvironment())
			.bind(PROVIDERS, Bindable.mapOf(String.class, Object.class))
			.map((providers) -> !providers.isEmpty())
			.orElse(false);
		return configured ? ConditionOutcome.match("providers are configured under " + PROVIDERS)
				: ConditionOutcome.noMatch("no provider is configured under " + PROVIDERS);
	}

}
