package dev.vigil.benchmarks;

import dev.vigil.Aggregation;
import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Ticker;
import dev.vigil.Window;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rule engine's cost per series, through {@link ResourceMonitor#pollNow()}: a source returns
 * the same {@code n} samples of {@code cpu_usage} (one per resource, below every threshold, so
 * nothing fires: the steady state) to a monitor with three rules, a threshold, an average over
 * {@code Window.last(10)} and a threshold held {@code for} 5 minutes, in virtual time (one poll a
 * minute). Prints, per size:
 *
 * <ul>
 *   <li>bytes retained per series: heap used after the warm-up polls and a full GC, minus the heap
 *       used before the monitor was built (the samples already existed), divided by {@code n};
 *   <li>nanoseconds per sample of one {@code pollNow()}: wall time, median over the measured polls;
 *   <li>bytes allocated per sample by the polling thread (HotSpot's per-thread allocation counter):
 *       evaluation and hand-off to delivery, not the source, which allocates nothing.
 * </ul>
 *
 * <pre>
 * ./mvnw -o -q package -pl benchmarks -am -DskipTests
 * java -Xmx4g -XX:+UseParallelGC -cp "benchmarks/target/classes:benchmarks/target/lib/*" \
 *     dev.vigil.benchmarks.RuleEngineBenchmark 10000 100000
 * </pre>
 *
 * <p>System properties: {@code warmup} (polls before measuring, 15), {@code polls} (measured, 15).
 * Single-threaded; run on a quiet machine, the figures move with the load.
 */
public final class RuleEngineBenchmark {

  private RuleEngineBenchmark() {}

  /**
   * Runs the benchmark for each size given, 10,000 and 100,000 series by default.
   *
   * @param args the numbers of series
   */
  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) sizes.add(Integer.parseInt(a.replace("_", "")));
    if (sizes.isEmpty()) sizes = List.of(10_000, 100_000);
    int warmup = Integer.getInteger("warmup", 15);
    int polls = Integer.getInteger("polls", 15);
    System.out.println("series  B/series  ns/sample  B/sample  (3 rules; median of " + polls + ")");
    for (int n : sizes) run(n, warmup, polls);
  }

  private static void run(int n, int warmup, int polls) throws Exception {
    VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    List<Sample> samples = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      samples.add(Sample.of("cpu_usage", String.format(Locale.ROOT, "vm-%07d", i), 50, time.now));
    }
    List<Sample> poll = List.copyOf(samples);
    samples = null;
    long before = usedAfterGc();
    ResourceMonitor monitor =
        ResourceMonitor.builder()
            .clock(time)
            .ticker(time)
            .source("fleet", Schedule.every(Duration.ofMinutes(1)), context -> poll)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .rule(
                AlertRule.builder("HighCpuAvg")
                    .metric("cpu_usage")
                    .aggregate(Aggregation.avg(Window.last(10)))
                    .above(80)
                    .build())
            .rule(
                AlertRule.builder("HighCpuFor")
                    .metric("cpu_usage")
                    .above(90)
                    .forDuration(Duration.ofMinutes(5))
                    .build())
            .sink("null", notification -> {})
            .build();
    try {
      for (int i = 0; i < warmup; i++) {
        monitor.pollNow();
        time.advance(Duration.ofMinutes(1));
      }
      long retained = usedAfterGc() - before;
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long self = Thread.currentThread().getId();
      long[] nanos = new long[polls];
      long[] bytes = new long[polls];
      for (int i = 0; i < polls; i++) {
        long a0 = threads.getThreadAllocatedBytes(self);
        long t0 = System.nanoTime();
        monitor.pollNow();
        nanos[i] = System.nanoTime() - t0;
        bytes[i] = threads.getThreadAllocatedBytes(self) - a0;
        time.advance(Duration.ofMinutes(1));
      }
      System.out.printf(
          Locale.ROOT,
          "%7d  %8d  %9.0f  %8.0f%n",
          n,
          retained / n,
          median(nanos) / (double) n,
          median(bytes) / (double) n);
    } finally {
      monitor.close();
    }
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100); // let the collector finish; this is a benchmark main, not a test
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /**
   * A wall clock and a monotonic ticker that move together, by hand, from the benchmark's thread;
   * delivery threads may read them.
   */
  private static final class VirtualTime extends Clock implements Ticker {
    private volatile Instant now;
    private volatile long nanos;

    VirtualTime(Instant start) {
      this.now = start;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the benchmark's thread
    void advance(Duration d) {
      now = now.plus(d);
      nanos += d.toNanos();
    }

    @Override
    public long read() {
      return nanos;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
