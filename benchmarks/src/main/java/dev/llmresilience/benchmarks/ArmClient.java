package dev.llmresilience.benchmarks;

import java.time.Duration;

import dev.llmresilience.call.ProviderResilience;
import dev.llmresilience.core.ProviderPolicy;
import dev.llmresilience.reactive.ResilientExchangeFilter;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One arm's WebClient on its own connection pool, and the way that arm sends a call.
 */
final class ArmClient implements AutoCloseable {

	static final int MAX_CONNECTIONS = 128;

	private final Arm arm;

	private final WebClient client;

	private final ConnectionProvider pool;

	private final ProviderResilience resilience;

	private ArmClient(Arm arm, WebClient client, ConnectionProvider pool, ProviderResilience resilience) {
		this.arm = arm;
		this.client = client;
		this.pool = pool;
		this.resilience = resilience;
	}

	static ArmClient create(Arm arm, ProviderPolicy policy) {
		return create(arm, policy, null, null);
	}

	/**
	 * Builds an arm's client.
	 * @param arm the arm
	 * @param policy the starter's policy; its connect timeout applies to every arm
	 * @param attempts a filter that sees every attempt on the wire (innermost), or {@code null}
	 * @param pools what watches the connection pool, or {@code null}
	 * @return the client
	 */
	static ArmClient create(Arm arm, ProviderPolicy policy, ExchangeFilterFunction attempts,
			ConnectionPoolWatch pools) {
		ConnectionProvider.Builder poolBuilder = ConnectionProvider.builder("bench-" + arm.name().toLowerCase())
			.maxConnections(MAX_CONNECTIONS)
			.pendingAcquireMaxCount(-1);
		if (pools != null) {
			poolBuilder.metrics(true, () -> pools);
		}
		ConnectionProvider pool = poolBuilder.build();
		HttpClient http = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) policy.timeouts().connect().toMillis());
		WebClient.Builder builder = WebClient.builder()
			.baseUrl(policy.baseUrl().toString())
			.clientConnector(new ReactorClientHttpConnector(http));
		ProviderResilience resilience = null;
		if (arm == Arm.STARTER) {
			resilience = BenchmarkPolicies.resilience(policy);
			builder.filter(new ResilientExchangeFilter(resilience));
		}
		if (attempts != null) {
			// after the starter's filter, so it sees each attempt rather than each call
			builder.filter(attempts);
		}
		return new ArmClient(arm, builder.build(), pool, resilience);
	}

	/**
	 * The starter's resilience, {@code null} for the other arms.
	 */
	ProviderResilience resilience() {
		return this.resilience;
	}

	Mono<String> completion() {
		Mono<String> call = ChatRequests.completion(this.client);
		return (this.arm == Arm.HAND_WRITTEN) ? call.retryWhen(BenchmarkPolicies.handWritten()) : call;
	}

	Flux<String> stream() {
		Flux<String> call = ChatRequests.stream(this.client);
		return (this.arm == Arm.HAND_WRITTEN) ? call.retryWhen(BenchmarkPolicies.handWritten()) : call;
	}

	@Override
	public void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(5));
	}

}
