/**
 * The sweep benchmark: {@link dev.vigil.benchmarks.SweepBenchmark} polls an {@code HttpJsonSource}
 * against a static fake cloud that {@code benchmarks/run.sh} serves with nginx on 127.0.0.1, next
 * to {@code wrk} as the reference. The JMH benchmark {@link
 * dev.vigil.benchmarks.RuleEnginePollBenchmark} measures the rule engine per series and per sample
 * (bytes retained, time and bytes allocated) in virtual time: {@code java -jar
 * benchmarks/target/benchmarks.jar RuleEnginePollBenchmark -prof gc -prof
 * dev.vigil.benchmarks.CpuTimeProfiler}, with {@link dev.vigil.benchmarks.CpuTimeProfiler} for the
 * CPU time per sample. Not published.
 */
@NullMarked
package dev.vigil.benchmarks;

import org.jspecify.annotations.NullMarked;
