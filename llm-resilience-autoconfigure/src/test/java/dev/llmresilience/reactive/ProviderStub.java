package dev.llmresilience.reactive;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A provider played by WireMock on a free port, stopped after each test (after all, on a static field).
 */
public final class ProviderStub implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	private final WireMockServer server;

	private boolean sharedByClass;

	public ProviderStub() {
		this(options().dynamicPort());
	}

	public ProviderStub(WireMockConfiguration options) {
		this.server = new WireMockServer(options);
		this.server.start();
	}

	public String baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * The server itself, for stubs and checks this class does not name.
	 * @return the running server
	 */
	public WireMockServer server() {
		return this.server;
	}

	/**
	 * Adds a stub, as the server's own {@code stubFor} does.
	 * @param stub the request to match and the response to give
	 */
	public void stubFor(MappingBuilder stub) {
		this.server.stubFor(stub);
	}

	/**
	 * Answers the first POST to {@code path} with {@code failure} and every one after with
	 * {@code answer}.
	 * @param path the path the stubs match
	 * @param failure the first response
	 * @param answer the response to every later request
	 */
	public void failFirstThenAnswer(String path, ResponseDefinitionBuilder failure, ResponseDefinitionBuilder answer) {
		stubInTurn(path, null, failure, answer);
	}

	/**
	 * Answers the first POST to {@code path} with {@code failure}, and later ones with {@code answer}
	 * only when they send {@code body} again (WireMock answers 404 to the rest).
	 * @param path the path the stubs match
	 * @param body the body a retry has to send for the answer
	 * @param failure the first response
	 * @param answer the response to every later request that sends {@code body}
	 */
	public void failFirstThenAnswerResent(String path, String body, ResponseDefinitionBuilder failure,
			ResponseDefinitionBuilder answer) {
		stubInTurn(path, equalTo(body), failure, answer);
	}

	/**
	 * Answers the POSTs to {@code path} with {@code responses} in turn, and every one after the last
	 * with the last.
	 * @param path the path the stubs match
	 * @param responses the responses, in the order the requests get them
	 */
	public void answerInTurn(String path, ResponseDefinitionBuilder... responses) {
		stubInTurn(path, null, responses);
	}

	private void stubInTurn(String path, StringValuePattern lastBody, ResponseDefinitionBuilder... responses) {
		String state = Scenario.STARTED;
		for (int i = 0; i < responses.length; i++) {
			ScenarioMappingBuilder stub = post(path).inScenario(path)
				.whenScenarioStateIs(state)
				.willReturn(responses[i]);
			if (i < responses.length - 1) {
				state = "answered " + (i + 1);
				stub = stub.willSetStateTo(state);
			}
			else if (lastBody != null) {
				stub = stub.withRequestBody(lastBody);
			}
			this.server.stubFor(stub);
		}
	}

	/**
	 * The POST requests received at {@code path}, oldest first.
	 * @param path the path the requests went to
	 * @return the requests
	 */
	public List<LoggedRequest> requests(String path) {
		return this.server.findAll(postRequestedFor(urlEqualTo(path)));
	}

	/**
	 * Verifies, as WireMock does, that {@code path} received exactly {@code count} POST requests.
	 * @param count the number of requests expected
	 * @param path the path the requests went to
	 */
	public void verifyPosts(int count, String path) {
		this.server.verify(count, postRequestedFor(urlEqualTo(path)));
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		// only a static field's extension hears this: keep the server for the whole class
		this.sharedByClass = true;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.sharedByClass) {
			this.server.stop();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.stop();
	}

}
