/**
 * Metrics of the local JVM and machine: CPU, load, heap, threads and free disk space, read from the
 * JDK's management beans by {@link dev.vigil.host.HostMetricsSource}.
 *
 * <pre>{@code
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("host", Schedule.every(Duration.ofSeconds(5)), HostMetricsSource.create())
 *     .rule(AlertRule.builder("LowDisk").metric("disk_free_percent").below(10).build())
 *     .sink("log", notification -> System.out.println(notification))
 *     .build();
 * monitor.start();
 * }</pre>
 */
@NullMarked
package dev.vigil.host;

import org.jspecify.annotations.NullMarked;
