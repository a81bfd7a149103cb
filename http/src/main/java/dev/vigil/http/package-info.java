/**
 * {@link dev.vigil.MetricSource}s for HTTP APIs: {@link dev.vigil.http.HttpJsonSource} for
 * paginated JSON listings with one metrics document per resource, {@link
 * dev.vigil.http.RetrofitSource} for any API through your own Retrofit interface, and the presets
 * {@link dev.vigil.http.HetznerCloudSource} and {@link dev.vigil.http.DigitalOceanSource}. Every
 * request has timeouts, bearer or OAuth2 auth, retry, a circuit breaker, a rate limit, a sweep
 * deadline, a body cap and scrubbing of secrets.
 *
 * <pre>{@code
 * HetznerCloudSource hetzner = HetznerCloudSource.builder()
 *     .bearerToken(System.getenv("HCLOUD_TOKEN")).build();
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("hetzner", Schedule.every(Duration.ofMinutes(1)), hetzner)
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .sink("log", LogAlertSink.create()).build();
 * }</pre>
 */
@NullMarked
package dev.vigil.http;

import org.jspecify.annotations.NullMarked;
