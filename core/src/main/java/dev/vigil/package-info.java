/**
 * Vigil: embedded resource monitoring. Poll {@link dev.vigil.MetricSource}s on {@link
 * dev.vigil.Schedule}s, evaluate {@link dev.vigil.AlertRule}s and deliver {@link
 * dev.vigil.AlertNotification}s to {@link dev.vigil.AlertSink}s.
 *
 * <pre>{@code
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("cloud", Schedule.every(Duration.ofMinutes(1)), cloudSource)
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .sink("log", notification -> System.out.println(notification))
 *     .build();
 * monitor.start();
 * }</pre>
 */
@NullMarked
package dev.vigil;

import org.jspecify.annotations.NullMarked;
