package dev.llmresilience.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sample application: runs the demo against the embedded fake provider, or real providers with the {@code real}
 * profile, then exits or keeps serving its actuator endpoints.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, args);
		if (context.getBean(DemoProperties.class).isExitWhenDone()) {
			// Closes the context (and the fake provider) and takes the exit code from DemoRun.
			System.exit(SpringApplication.exit(context));
		}
		if (context instanceof WebServerApplicationContext web) {
			// Said here because the demo profile keeps Boot's own "Netty started on port" line quiet.
			System.out.printf("%nServing http://localhost:%d/actuator (health, metrics, llmproviders, circuitbreakers, "
					+ "retries); Ctrl+C to stop.%n", web.getWebServer().getPort());
		}
	}

}
