/**
 * The sweep benchmark: {@link dev.vigil.benchmarks.SweepBenchmark} polls an {@code HttpJsonSource}
 * against a static fake cloud that {@code benchmarks/run.sh} serves with nginx on 127.0.0.1, next
 * to {@code wrk} as the reference. {@link dev.vigil.benchmarks.RuleEngineBenchmark} measures the
 * rule engine per series (bytes retained, time and bytes allocated per sample) in virtual time. Not
 * published.
 */
@NullMarked
package dev.vigil.benchmarks;

import org.jspecify.annotations.NullMarked;
