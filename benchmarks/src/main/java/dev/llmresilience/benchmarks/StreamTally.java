package dev.llmresilience.benchmarks;

import java.util.OptionalLong;

import dev.llmresilience.core.StreamInterruptedException;

/**
 * What the caller of one streamed call received, token by token: the fake numbers its tokens ("tok-0 ",
 * "tok-1 ", ...), so a token seen twice was replayed and a token never seen was lost.
 */
final class StreamTally {

	private static final String TOKEN = "\"content\":\"tok-";

	private static final String DONE = "[DONE]";

	private final int[] seen;

	private long events;

	private boolean done;

	StreamTally(int tokens) {
		this.seen = new int[tokens];
	}

	/**
	 * Counts one event's data, as WebClient decodes a server-sent event into a String.
	 */
	synchronized void onEvent(String data) {
		this.events++;
		if (DONE.equals(data.trim())) {
			this.done = true;
			return;
		}
		int at = data.indexOf(TOKEN);
		if (at < 0) {
			return;
		}
		int from = at + TOKEN.length();
		int to = from;
		while (to < data.length() && Character.isDigit(data.charAt(to))) {
			to++;
		}
		int index = Integer.parseInt(data.substring(from, to));
		if (index < this.seen.length) {
			this.seen[index]++;
		}
	}

	synchronized long events() {
		return this.events;
	}

	/**
	 * Tokens received more than once: each extra copy counts.
	 */
	synchronized int duplicated() {
		int duplicated = 0;
		for (int count : this.seen) {
			duplicated += Math.max(0, count - 1);
		}
		return duplicated;
	}

	/**
	 * Tokens never received.
	 */
	synchronized int missing() {
		int missing = 0;
		for (int count : this.seen) {
			if (count == 0) {
				missing++;
			}
		}
		return missing;
	}

	/**
	 * Tokens never received although a later one was: a hole no error explains.
	 */
	synchronized int gaps() {
		int last = -1;
		for (int i = 0; i < this.seen.length; i++) {
			if (this.seen[i] > 0) {
				last = i;
			}
		}
		int gaps = 0;
		for (int i = 0; i < last; i++) {
			if (this.seen[i] == 0) {
				gaps++;
			}
		}
		return gaps;
	}

	synchronized boolean exact() {
		return this.done && duplicated() == 0 && missing() == 0;
	}

	/**
	 * Reads how many events a typed stream failure says reached the caller.
	 * @param failure the failure the caller got, as {@code retrieve()} hands it over (perhaps wrapped)
	 * @return the events the failure says reached the caller, empty when it does not say
	 */
	static OptionalLong eventsDelivered(Throwable failure) {
		return (Outcomes.typed(failure) instanceof StreamInterruptedException interrupted)
				? OptionalLong.of(interrupted.getEventsDelivered()) : OptionalLong.empty();
	}

}
