/**
 * Alert sinks: {@link dev.vigil.alerts.LogAlertSink} writes one SLF4J line per notification.
 *
 * <pre>{@code
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("cloud", Schedule.every(Duration.ofMinutes(1)), cloudSource)
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .sink("log", LogAlertSink.create())
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.vigil.alerts;

import org.jspecify.annotations.NullMarked;
