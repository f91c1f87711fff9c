package dev.llmresilience.blocking;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A response whose body, or its first part, was read inside the retry scope; the caller reads the same
 * bytes, then whatever the connection still holds.
 */
final class BufferedResponse implements ClientHttpResponse {

	private final ClientHttpResponse response;

	private final InputStream body;

	private BufferedResponse(ClientHttpResponse response, InputStream body) {
		this.response = response;
		this.body = body;
	}

	/**
	 * Read a response's body up to a limit.
	 * @param response the response
	 * @param limit the most bytes to hold; a negative limit holds all
	 * @return what was read, and whether that is the whole body
	 * @throws IOException when reading fails, such as a connection closed part-way
	 */
	static Read read(ClientHttpResponse response, int limit) throws IOException {
		try {
			InputStream body = response.getBody();
			if (limit < 0 || limit == Integer.MAX_VALUE) {
				return new Read(response, body.readAllBytes(), null);
			}
			// one byte past the limit tells a body that ends exactly there from a longer one
			byte[] bytes = body.readNBytes(limit + 1);
			return new Read(response, bytes, (bytes.length > limit) ? body : null);
		}
		catch (RuntimeException ex) {
			// reactor-netty's stream raises its IOExceptions wrapped in an unchecked one
			throw new IOException("Reading the response body failed", ex);
		}
	}

	@Override
	public HttpStatusCode getStatusCode() throws IOException {
		return this.response.getStatusCode();
	}

	@Override
	public String getStatusText() throws IOException {
		return this.response.getStatusText();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.response.getHeaders();
	}

	@Override
	public InputStream getBody() {
		return this.body;
	}

	@Override
	public void close() {
		this.response.close();
	}

	/**
	 * A body as far as it was read.
	 *
	 * @param response the response it came from
	 * @param bytes the bytes read
	 * @param rest the unread rest of the body, or {@code null} when it was read to its end
	 */
	record Read(ClientHttpResponse response, byte[] bytes, InputStream rest) {

		boolean complete() {
			return this.rest == null;
		}

		/**
		 * Return the response the caller reads: these bytes, then the rest of the body if any.
		 * @return the response
		 */
		ClientHttpResponse replay() {
			InputStream head = new ByteArrayInputStream(this.bytes);
			return new BufferedResponse(this.response, complete() ? head : new SequenceInputStream(head, this.rest));
		}

	}

}
