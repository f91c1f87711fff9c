package dev.llmresilience.call;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finds the provider a request is for: the one whose {@code base-url} the request's URL starts with,
 * the longest base URL winning, so that a client made anywhere in the application gets that
 * provider's resilience without naming it.
 * <p>
 * Scheme and host compare without case and a missing port means the scheme's default; the path must
 * continue the base URL's path at a segment boundary, so {@code http://host/v1} covers
 * {@code http://host/v1/chat/completions} but not {@code http://host/v10}. Among providers with the
 * same base URL the first configured wins.
 */
public final class ProviderMatcher {

	private final List<Route> routes;

	/**
	 * Create a matcher.
	 * @param providers the configured providers, in configuration order
	 */
	public ProviderMatcher(Collection<ProviderResilience> providers) {
		List<Route> routes = new ArrayList<>();
		for (ProviderResilience provider : providers) {
			routes.add(Route.of(provider));
		}
		// a stable sort keeps configuration order among equal base URLs
		routes.sort(Comparator.comparingInt((Route route) -> route.path().length()).reversed());
		this.routes = List.copyOf(routes);
	}

	/**
	 * Return the provider a URL belongs to.
	 * @param url the request's URL
	 * @return the provider, or {@code null} when the URL is under no provider's base URL
	 */
	public ProviderResilience match(URI url) {
		if (url == null || !url.isAbsolute() || url.getHost() == null) {
			return null;
		}
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		String host = url.getHost().toLowerCase(Locale.ROOT);
		int port = effectivePort(scheme, url.getPort());
		String path = (url.getRawPath() != null) ? url.getRawPath() : "";
		for (Route route : this.routes) {
			if (route.matches(scheme, host, port, path)) {
				return route.provider();
			}
		}
		return null;
	}

	private static int effectivePort(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return "https".equals(scheme) ? 443 : 80;
	}

	private record Route(String scheme, String host, int port, String path, ProviderResilience provider) {

		static Route of(ProviderResilience provider) {
			URI base = provider.policy().baseUrl();
			String scheme = base.getScheme().toLowerCase(Locale.ROOT);
			String path = (base.getRawPath() != null) ? base.getRawPath() : "";
			while (path.endsWith("/")) {
				path = path.substring(0, path.length() - 1);
			}
			return new Route(scheme, base.getHost().toLowerCase(Locale.ROOT), effectivePort(scheme, base.getPort()), path,
					provider);
		}

		boolean matches(String scheme, String host, int port, String path) {
			return this.scheme.equals(scheme) && this.host.equals(host) && this.port == port
					&& path.startsWith(this.path)
					&& (path.length() == this.path.length() || path.charAt(this.path.length()) == '/');
		}

	}

}
