package dev.llmresilience.sample;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Shows how far the demo has got: one line redrawn in place on a terminal, a line a second anywhere else
 * (a pipe, a CI log), so progress never becomes a wall of text.
 */
final class DemoProgress {

	private static final Duration REDRAW = Duration.ofMillis(200);

	private static final Duration PRINT = Duration.ofSeconds(1);

	// A line wider than the terminal wraps, and \r then only returns to the start of its last part.
	private static final int TERMINAL_WIDTH = 79;

	private final PrintStream out;

	private final boolean terminal;

	private int lastWidth;

	DemoProgress(PrintStream out, boolean terminal) {
		this.out = out;
		this.terminal = terminal;
	}

	/**
	 * Show progress until the returned handle is disposed.
	 * @param status the current state, in one line
	 * @return the handle that stops the display
	 */
	Disposable show(Supplier<String> status) {
		return Flux.interval(this.terminal ? REDRAW : PRINT).subscribe((tick) -> print(status.get()));
	}

	/**
	 * Print the final state, ending the redrawn line.
	 * @param status the final state
	 */
	synchronized void finish(String status) {
		print(status);
		if (this.terminal) {
			this.out.println();
		}
	}

	private synchronized void print(String status) {
		if (this.terminal) {
			String line = (status.length() > TERMINAL_WIDTH) ? status.substring(0, TERMINAL_WIDTH) : status;
			// Pad over what is left of a longer previous line.
			this.out.print("\r" + line + " ".repeat(Math.max(0, this.lastWidth - line.length())));
			this.lastWidth = line.length();
		}
		else {
			this.out.println(status);
		}
		this.out.flush();
	}

}
