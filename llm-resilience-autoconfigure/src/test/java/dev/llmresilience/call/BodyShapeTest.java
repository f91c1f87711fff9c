package dev.llmresilience.call;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

class BodyShapeTest {

	@ParameterizedTest(name = "{0} -> cut off: {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"`{\"id\":\"chatcmpl-1\",\"choices\":[]}`                        | false",
			"`{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"Hel` | true",
			"`{\"id\":\"chatcmpl-1\",\"choices\":[`                          | true",
			"`{\"a\":{\"b\":1}`                                              | true",
			"`{\"text\":\"a } and a ] inside a string\"}`                   | false",
			"`{\"text\":\"an escaped \\\" quote and \\\\\"}`                  | false",
			"`{\"text\":\"ends on an escape \\`                                | true",
			"`[1, 2, [3]]`                                                   | false",
			"`  {\"a\":1}  `                                                 | false",
			"`{\"a\":1}}`                                                    | false",
			"`42`                                                            | false",
			"``                                                              | false" })
	void findsJsonThatEndsBeforeItsStructureCloses(String body, boolean cutOff) {
		assertThat(BodyShape.endsEarly(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(cutOff);
	}

	@ParameterizedTest(name = "{0} -> checkable: {1}")
	@CsvSource({ "application/json, true", "application/problem+json, true", "text/plain, false",
			"text/event-stream, false" })
	void checksJsonBodiesOnly(String type, boolean checkable) {
		assertThat(BodyShape.isCheckableJson(MediaType.parseMediaType(type))).isEqualTo(checkable);
	}

}
