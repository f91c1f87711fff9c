package dev.llmresilience;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the direction data flows in: {@code core} decides, {@code call} judges a provider's attempts
 * whatever carries them, {@code reactive} and {@code blocking} run them side by side, and
 * {@code autoconfigure} wires it all. A package may use only those below it.
 */
class PackageLayersTest {

	private static final Path SOURCES = Path.of("src/main/java/dev/llmresilience");

	// imports, static ones included, and fully qualified names in code
	private static final Pattern OWN_PACKAGE = Pattern.compile("(?<![\\w.])dev\\.llmresilience\\.(\\w+)\\.");

	private static final Map<String, Set<String>> ALLOWED = Map.of("core", Set.of(), "call", Set.of("core"),
			"reactive", Set.of("core", "call"), "blocking", Set.of("core", "call"), "micrometer", Set.of("core"));

	@ParameterizedTest
	@ValueSource(strings = { "core", "call", "reactive", "blocking", "micrometer" })
	void usesOnlyThePackagesBelowIt(String layer) throws IOException {
		List<Path> sources;
		try (Stream<Path> files = Files.list(SOURCES.resolve(layer))) {
			sources = files.filter((file) -> file.toString().endsWith(".java")).toList();
		}
		assertThat(sources).as("%s sources", layer).isNotEmpty();
		for (Path source : sources) {
			Set<String> used = new TreeSet<>();
			Matcher imports = OWN_PACKAGE.matcher(Files.readString(source));
			while (imports.find()) {
				used.add(imports.group(1));
			}
			used.remove(layer);
			assertThat(used).as(source.toString()).isSubsetOf(ALLOWED.get(layer));
		}
	}

}
