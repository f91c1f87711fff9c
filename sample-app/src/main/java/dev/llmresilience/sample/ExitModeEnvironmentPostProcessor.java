package dev.llmresilience.sample;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts no web server when the demo exits as soon as it is done, so the one-command demo never competes for a
 * port; with {@code demo.exit-when-done=false} the application serves its actuator endpoints as usual.
 */
public class ExitModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean exitWhenDone = environment.getProperty("demo.exit-when-done", Boolean.class, true);
		if (exitWhenDone && !environment.containsProperty(WEB_APPLICATION_TYPE)) {
			// Last, so an explicit spring.main.web-application-type anywhere still wins.
			environment.getPropertySources()
				.addLast(new MapPropertySource("demoExitMode", Map.of(WEB_APPLICATION_TYPE, "none")));
		}
	}

}
