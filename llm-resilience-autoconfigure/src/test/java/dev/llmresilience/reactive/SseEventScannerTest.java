package dev.llmresilience.reactive;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventScannerTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			one event, LF | data: a\\n\\n | 1
			one event, CRLF | data: a\\r\\n\\r\\n | 1
			one event, CR | data: a\\r\\r | 1
			two lines in one event | event: e\\ndata: a\\n\\n | 1
			three events, mixed line ends | data: a\\n\\ndata: b\\r\\n\\r\\ndata: c\\r\\r | 3
			no blank line yet | data: a\\n | 0
			blank line split by CRLF halves | data: a\\r\\n\\r | 1
			keep-alive comment is no event | : ping\\n\\n | 0
			comment then event | : ping\\n\\ndata: a\\n\\n | 1
			comment inside an event | data: a\\n: note\\n\\n | 1
			extra blank lines | \\n\\ndata: a\\n\\n\\n\\n | 1
			field without colon | data\\n\\n | 1
			""")
	void countsEventsWhereverTheBuffersSplitTheStream(String shape, String escaped, int events) {
		byte[] bytes = unescape(escaped).getBytes(StandardCharsets.UTF_8);
		// every way to cut the stream in three buffers, empty ones included
		for (int first = 0; first <= bytes.length; first++) {
			for (int second = first; second <= bytes.length; second++) {
				SseEventScanner scanner = new SseEventScanner();
				int completed = scanner.scan(buffer(bytes, 0, first)) + scanner.scan(buffer(bytes, first, second))
						+ scanner.scan(buffer(bytes, second, bytes.length));
				assertThat(completed).as("cut at %d and %d", first, second).isEqualTo(events);
				assertThat(scanner.events()).isEqualTo(events);
			}
		}
	}

	@Test
	void readsWithoutConsuming() {
		byte[] bytes = "data: a\n\n".getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = buffer(bytes, 0, bytes.length);
		assertThat(new SseEventScanner().scan(buffer)).isEqualTo(1);
		assertThat(buffer.readPosition()).isZero();
		assertThat(buffer.readableByteCount()).isEqualTo(bytes.length);
	}

	private static DataBuffer buffer(byte[] bytes, int from, int to) {
		DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.allocateBuffer(Math.max(to - from, 1));
		buffer.write(bytes, from, to - from);
		return buffer;
	}

	private static String unescape(String text) {
		return text.replace("\\r", "\r").replace("\\n", "\n");
	}

}
