/**
 * Runnable examples of Vigil: {@link dev.vigil.examples.Quickstart} (a fake cloud API and a real
 * SMTP server in-process), {@link dev.vigil.examples.CloudCpuAlerts} (the README snippet), {@link
 * dev.vigil.examples.FleetRules} (rules tested with {@code vigil-testing}), {@link
 * dev.vigil.examples.HostMonitor} and {@link dev.vigil.examples.EvaluationCostBenchmark}.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples -am compile exec:java
 * }</pre>
 */
@NullMarked
package dev.vigil.examples;

import org.jspecify.annotations.NullMarked;
