/**
 * Vigil and Micrometer. {@link dev.vigil.micrometer.MeterRegistrySource} turns the application's
 * own meters into samples, so a rule can alert on its own latency:
 *
 * <pre>{@code
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("app", Schedule.every(Duration.ofMinutes(1)),
 *         MeterRegistrySource.builder(meterRegistry).include("http.server.requests").build())
 *     .rule(AlertRule.builder("SlowRequests").metric("http.server.requests.p99").above(0.5).build())
 *     .sink("log", LogAlertSink.create())
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.vigil.micrometer;

import org.jspecify.annotations.NullMarked;
