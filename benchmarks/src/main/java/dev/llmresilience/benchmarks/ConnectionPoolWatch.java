package dev.llmresilience.benchmarks;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sees inside reactor-netty's connection pools: registered as a pool's {@code MeterRegistrar}, it keeps each
 * remote address's {@link ConnectionPoolMetrics} and reads them on demand, without a meter registry.
 */
final class ConnectionPoolWatch implements ConnectionProvider.MeterRegistrar {

	private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
			ConnectionPoolMetrics metrics) {
		this.pools.put(key(poolName, id, remoteAddress), metrics);
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		this.pools.remove(key(poolName, id, remoteAddress));
	}

	PoolState state() {
		int acquired = 0;
		int pending = 0;
		int idle = 0;
		int allocated = 0;
		for (ConnectionPoolMetrics metrics : this.pools.values()) {
			acquired += metrics.acquiredSize();
			pending += metrics.pendingAcquireSize();
			idle += metrics.idleSize();
			allocated += metrics.allocatedSize();
		}
		return new PoolState(this.pools.size(), acquired, pending, idle, allocated);
	}

	/**
	 * Waits, at most {@code timeout}, until no connection is acquired and none is awaited.
	 * @return the state seen last, idle unless the timeout passed
	 */
	PoolState awaitIdle(Duration timeout) {
		PoolState idle = Flux.interval(Duration.ZERO, Duration.ofMillis(20))
			.map((tick) -> state())
			.filter(PoolState::isIdle)
			.next()
			.timeout(timeout, reactor.core.publisher.Mono.empty())
			.block(timeout.plusSeconds(1));
		return (idle != null) ? idle : state();
	}

	private static String key(String poolName, String id, SocketAddress remoteAddress) {
		return poolName + "|" + id + "|" + remoteAddress;
	}

	/**
	 * The connections of all watched pools at one moment.
	 * @param pools the pools watched: none means nothing was seen, not that all is idle
	 * @param acquired connections in use by a request
	 * @param pending requests waiting for a connection
	 * @param idle open connections waiting in the pool
	 * @param allocated open connections, in use or idle
	 */
	record PoolState(int pools, int acquired, int pending, int idle, int allocated) {

		boolean isIdle() {
			return this.acquired == 0 && this.pending == 0;
		}

	}

}
