package dev.llmresilience.reactive;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of a stream, however the transport cuts them into buffers: the caller receives each byte
 * exactly once, and an error event is found even when it arrives a byte at a time.
 */
class StreamGuardBufferingTest {

	private static final ClientRequest REQUEST = ClientRequest
		.create(HttpMethod.POST, URI.create("http://provider.invalid/v1/messages"))
		.build();

	private static final String STREAM = ": hello\n\n" + "event: message_start\r\ndata: {\"seq\":1}\r\n\r\n"
			+ "data: {\"seq\":2,\n" + "data: \"more\":true}\n\n" + "data: {\"seq\":3}\r\r" + "data: {\"seq\":4}\n\n";

	private static final String OVERLOADED = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

	@ParameterizedTest(name = "buffers of {0} bytes")
	@ValueSource(ints = { 1, 2, 3, 7, 16, 64, 4096 })
	void handsOverEveryByteOnce(int size) {
		ClientResponse response = filter().filter(REQUEST, (request) -> Mono.just(stream(STREAM, size)))
			.block(Duration.ofSeconds(5));
		assertThat(text(response)).isEqualTo(STREAM);
	}

	@ParameterizedTest(name = "buffers of {0} bytes")
	@ValueSource(ints = { 1, 5, 4096 })
	void findsAnErrorEventWhateverTheBufferSizes(int size) {
		AtomicInteger exchanges = new AtomicInteger();
		ExchangeFunction overloadedFirst = (request) -> Mono
			.fromSupplier(() -> stream((exchanges.incrementAndGet() == 1) ? OVERLOADED + STREAM : STREAM, size));
		ClientResponse response = filter().filter(REQUEST, overloadedFirst).block(Duration.ofSeconds(5));
		assertThat(text(response)).isEqualTo(STREAM);
		assertThat(exchanges).hasValue(2);
	}

	private static ResilientExchangeFilter filter() {
		return new ResilientExchangeFilter(TestProviders.resilience(TestProviders.policy("http://provider.invalid")));
	}

	private static ClientResponse stream(String text, int size) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		List<DataBuffer> buffers = new ArrayList<>();
		for (int from = 0; from < bytes.length; from += size) {
			buffers.add(DefaultDataBufferFactory.sharedInstance
				.wrap(Arrays.copyOfRange(bytes, from, Math.min(from + size, bytes.length))));
		}
		return ClientResponse.create(HttpStatus.OK)
			.header("Content-Type", "text/event-stream")
			.body(Flux.fromIterable(buffers))
			.build();
	}

	private static String text(ClientResponse response) {
		return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class))
			.map((buffer) -> buffer.toString(StandardCharsets.UTF_8))
			.block(Duration.ofSeconds(5));
	}

}
