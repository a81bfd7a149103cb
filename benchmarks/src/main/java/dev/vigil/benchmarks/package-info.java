/**
 * The sweep benchmark: {@link dev.vigil.benchmarks.SweepBenchmark} polls an {@code HttpJsonSource}
 * against a static fake cloud that {@code benchmarks/run.sh} serves with nginx on 127.0.0.1, next
 * to {@code wrk} as the reference. Not published.
 */
@NullMarked
package dev.vigil.benchmarks;

import org.jspecify.annotations.NullMarked;
