/**
 * A {@link dev.vigil.MetricSource} for cloud APIs that list resources as paginated JSON and serve
 * each resource's metrics as JSON: {@link dev.vigil.http.HttpJsonSource}.
 *
 * <pre>{@code
 * HttpJsonSource cloud = HttpJsonSource.builder()
 *     .baseUrl("https://api.example.com/").bearerToken(System.getenv("CLOUD_TOKEN"))
 *     .resourcesPath("/v1/resources/page-1.json").metricsPath("/v1/resources/{id}/metrics")
 *     .metric("cpu_usage", "/metrics/cpu_usage").resourceLabel("region", "/region")
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.vigil.http;

import org.jspecify.annotations.NullMarked;
