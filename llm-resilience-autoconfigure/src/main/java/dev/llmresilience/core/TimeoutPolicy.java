package dev.llmresilience.core;

import java.time.Duration;

/**
 * How long one provider's calls may take.
 *
 * @param connect to establish a connection
 * @param response from sending a request until the response headers arrive, per attempt; for a stream
 * of server-sent events, until its first event arrives
 * @param streamIdle the longest gap between two pieces of a stream's data once its first event arrived
 * @param total one deadline across all attempts and waits of a call
 */
public record TimeoutPolicy(Duration connect, Duration response, Duration streamIdle, Duration total) {

	public TimeoutPolicy {
		Durations.requirePositive(connect, "connect");
		Durations.requirePositive(response, "response");
		Durations.requirePositive(streamIdle, "streamIdle");
		Durations.requirePositive(total, "total");
	}

}
