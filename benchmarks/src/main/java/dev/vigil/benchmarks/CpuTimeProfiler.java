package dev.vigil.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the CPU time of the benchmark's JVM per operation, {@code
 * cpu.time.norm} in ns/op: the process CPU time ({@code
 * com.sun.management.OperatingSystemMXBean.getProcessCpuTime()}, every thread: the benchmark's, GC,
 * JIT, delivery) spent in an iteration, divided by the operations of that iteration. On a shared
 * machine the score (wall time) grows with every other process that wants the cores; CPU time much
 * less. Use with {@code -prof dev.vigil.benchmarks.CpuTimeProfiler}.
 *
 * <p>JMH creates one per benchmark run and calls it from one thread, before and after each
 * iteration; not thread safe.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long before;

  /** Creates the profiler; JMH calls it. */
  public CpuTimeProfiler() {}

  @Override
  public String getDescription() {
    return "process CPU time per operation (every thread of the benchmark's JVM)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - before;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : cpu / (double) ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
  }
}
