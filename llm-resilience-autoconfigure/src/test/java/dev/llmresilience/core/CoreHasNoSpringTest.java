package dev.llmresilience.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CoreHasNoSpringTest {

	private static final Path CORE = Path.of("src/main/java/dev/llmresilience/core");

	@Test
	void coreImportsNothingFromSpring() throws IOException {
		List<Path> sources;
		try (Stream<Path> files = Files.walk(CORE)) {
			sources = files.filter((file) -> file.toString().endsWith(".java")).toList();
		}
		assertThat(sources).as("core sources").hasSizeGreaterThan(5);
		for (Path source : sources) {
			assertThat(Files.readString(source)).as(source.toString()).doesNotContain("org.springframework");
		}
	}

}
