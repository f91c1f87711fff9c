package dev.llmresilience.benchmarks;

/**
 * One measurement of the benchmark run: bounded in time and count, it starts and stops everything it uses.
 */
interface Scenario {

	/**
	 * The short name that selects the scenario on the command line.
	 */
	String name();

	ScenarioReport run();

}
