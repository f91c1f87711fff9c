package dev.llmresilience.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmresilience.autoconfigure.LlmResilienceProperties;
import dev.llmresilience.core.Protocol;
import dev.llmresilience.fakeprovider.FakeProvider;
import dev.llmresilience.fakeprovider.FaultPlan;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the embedded fake provider before the context refreshes and points every configured provider at it.
 * <p>
 * An initializer rather than a bean: {@code LlmClients} reads each provider's base URL when it is created, so the
 * fake's port must be in the environment before any bean exists. The running fake is then registered as the
 * {@code fakeProvider} bean, closed with the context.
 */
public class FakeProviderLauncher implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String PROPERTY_SOURCE_NAME = "demoFakeProvider";

	private static final String PROVIDERS = "llm.resilience.providers";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		Binder binder = Binder.get(environment);
		FakeProviderProperties properties = binder.bind("demo.fake-provider", FakeProviderProperties.class)
			.orElseGet(FakeProviderProperties::new);
		if (!properties.isEnabled()) {
			return;
		}
		if (!(context instanceof GenericApplicationContext generic)) {
			throw new IllegalStateException("The fake provider needs a GenericApplicationContext to register in, not "
					+ context.getClass().getName());
		}
		FaultPlan plan = properties.toFaultPlan();
		FakeProvider provider = FakeProvider.start(plan);
		generic.registerBean("fakeProvider", FakeProvider.class, () -> provider,
				(definition) -> definition.setDestroyMethodName("close"));
		Map<String, LlmResilienceProperties.Provider> providers = binder
			.bind(PROVIDERS, Bindable.mapOf(String.class, LlmResilienceProperties.Provider.class))
			.orElseGet(Map::of);
		environment.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, redirect(providers, provider)));
	}

	/**
	 * Point every provider at the fake, and drop its API key: a real key in the environment has no business
	 * travelling to the fake.
	 */
	private static Map<String, Object> redirect(Map<String, LlmResilienceProperties.Provider> providers,
			FakeProvider fake) {
		Map<String, Object> properties = new LinkedHashMap<>();
		providers.forEach((name, provider) -> {
			// OpenAI clients put /v1 in the base URL and call /chat/completions; Anthropic's call /v1/messages.
			String baseUrl = (provider.getProtocol() == Protocol.ANTHROPIC) ? fake.baseUrl() : fake.baseUrl() + "/v1";
			properties.put(PROVIDERS + "." + name + ".base-url", baseUrl);
			properties.put(PROVIDERS + "." + name + ".api-key", "");
		});
		return properties;
	}

}
