package dev.llmresilience.sample;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmresilience.fakeprovider.Endpoint;
import dev.llmresilience.fakeprovider.FakeProviderStats;
import dev.llmresilience.fakeprovider.Fault;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The summary's arithmetic and its table.
 */
class DemoSummaryTests {

	@Test
	void agreesWhenAttemptsMadeAreTheRequestsReceived() {
		DemoSummary summary = summary(7);
		assertThat(summary.attemptsMade()).isEqualTo(7);
		assertThat(summary.countsAgree()).isTrue();
		assertThat(summary.render()).contains("attempts made 7 = requests the fake provider received 7: the counts agree");
	}

	@Test
	void saysSoWhenTheFakeProviderReceivedOtherThanTheAttemptsMade() {
		DemoSummary summary = summary(8);
		assertThat(summary.countsAgree()).isFalse();
		assertThat(summary.render()).contains("attempts made 7 != requests the fake provider received 8: THE COUNTS DISAGREE");
	}

	@Test
	void needsNoFakeProviderAgainstRealProviders() {
		DemoSummary summary = new DemoSummary(List.of("openai"), 2, Duration.ofSeconds(3), 2, Map.of(), Map.of(),
				Map.of("ok", 2L), Map.of(), Map.of(), Map.of(), null);
		assertThat(summary.countsAgree()).isTrue();
		assertThat(summary.everyCallEndedTyped()).isTrue();
		assertThat(summary.render()).doesNotContain("FAKE PROVIDER").contains("calls 2 = answered 2");
	}

	@Test
	void setsTheFakeProvidersCountsBesideTheApplications() {
		String table = summary(7).render();
		assertThat(table).contains("4 calls to synthetic, anthropic in 2.5 s");
		List<String> lines = table.lines().toList();
		String header = lines.stream().filter((line) -> line.startsWith("THE APPLICATION")).findFirst().orElseThrow();
		assertThat(header).contains("THE FAKE PROVIDER, ITS OWN COUNTS");
		int column = header.indexOf("THE FAKE PROVIDER");
		assertThat(lines).filteredOn((line) -> line.contains("requests received") || line.contains("faults injected"))
			.hasSize(2)
			.allSatisfy((line) -> assertThat(line.indexOf(line.contains("requests") ? "requests" : "faults"))
				.isEqualTo(column));
		assertThat(table).contains("calls 4 = answered 3 + typed failures 1 + other failures 0");
	}

	private static DemoSummary summary(long received) {
		Map<String, Long> attempts = new LinkedHashMap<>();
		attempts.put("ok", 3L);
		attempts.put("premature_close", 2L);
		attempts.put("status_529", 2L);
		Map<Fault, Long> faults = new EnumMap<>(Fault.class);
		faults.put(Fault.PREMATURE_CLOSE, 2L);
		faults.put(Fault.OVERLOADED, 2L);
		FakeProviderStats.Snapshot fake = new FakeProviderStats.Snapshot(received,
				Map.of(Endpoint.OPENAI_CHAT_COMPLETIONS, 4L, Endpoint.ANTHROPIC_MESSAGES, received - 4), faults, 2, 1);
		return new DemoSummary(List.of("synthetic", "anthropic"), 4, Duration.ofMillis(2500), 3,
				Map.of("RetriesExhaustedException", 1L), Map.of(), attempts,
				Map.of("premature_close", 2L, "status_529", 1L), Map.of("backoff", Duration.ofMillis(400)),
				Map.of("anthropic CLOSED->OPEN", 1L), fake);
	}

}
