package dev.vigil.benchmarks;

import dev.vigil.Aggregation;
import dev.vigil.AlertRule;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Ticker;
import dev.vigil.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rule engine's steady-state cost per sample and per series, through {@link
 * ResourceMonitor#pollNow()}, with JMH.
 *
 * <p>One source returns the same {@code series} samples of {@code cpu_usage} on every poll (one per
 * resource, value 50, below every threshold, so nothing fires: the steady state) to a monitor with
 * three rules: a threshold, an average over {@code Window.last(10)}, and a threshold held {@code
 * for} 5 minutes. Time is virtual: the wall clock and the ticker advance one minute after each
 * poll. The source allocates nothing, so what is measured is ingestion, evaluation and hand-off to
 * delivery.
 *
 * <p>One JMH operation is one sample. An invocation of {@code pollNow} polls {@code 1,000,000 /
 * series} times (100 polls at 10k series, 10 at 100k, 1 at 1M) and declares {@value
 * #SAMPLES_PER_INVOCATION} operations, so that at every size:
 *
 * <ul>
 *   <li>the score ({@code ns/op}) is nanoseconds per sample;
 *   <li>{@code gc.alloc.rate.norm} of {@code -prof gc} is bytes allocated per sample, every thread
 *       of the JVM counted;
 *   <li>{@code cpu.time.norm} of {@code -prof dev.vigil.benchmarks.CpuTimeProfiler} is the JVM's
 *       CPU time per sample, every thread counted: on a shared machine it grows less than the score
 *       with the load of other processes;
 *   <li>{@code gc.time} is the time spent in GC, summed over the measured iterations (5 of at least
 *       10 s; an iteration ends with the first invocation that ends after 10 s).
 * </ul>
 *
 * <p>Bytes retained per series are measured once per size, in the trial's setup, outside JMH's
 * timing: heap used after a full GC ({@code System.gc()}, lowest of five) once the samples exist,
 * then again after the monitor is built and has been polled {@value #FILL_POLLS} times (every
 * window full), the difference divided by {@code series}. It is printed as a line starting with
 * {@code RETAINED} before the first warm-up iteration. The trial fails if a poll failed or a
 * notification was sent: then it did not measure the steady state.
 *
 * <pre>
 * ./mvnw -q package -pl benchmarks -am -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RuleEnginePollBenchmark \
 *     -prof gc -prof dev.vigil.benchmarks.CpuTimeProfiler
 * </pre>
 *
 * <p>Defaults: one fork with {@code -Xmx6g -XX:+UseG1GC} (G1 is the JDK's default collector; it is
 * named so that JVM ergonomics on a small machine do not pick another), 3 warm-up and 5 measured
 * iterations of 10 s; {@code -p series=100000} runs one size (it must divide 1,000,000), {@code
 * -wi}, {@code -i}, {@code -r} override the rest. {@code -jvmArgsAppend} on the command line
 * replaces these JVM options instead of adding to them: to compare another collector, repeat them,
 * e.g. {@code -jvmArgsAppend "-Xmx6g -XX:+UseParallelGC
 * -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"}. The collector matters at 1M series: it decides
 * where the series' objects lie after the setup's collections, and with {@code -XX:+UseParallelGC}
 * a poll there costs about 2.5 times as much per sample as under G1 (README, "Rule engine at
 * scale").
 *
 * <p>Not thread safe: JMH runs it on one thread ({@code Scope.Benchmark}, one benchmark thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
public class RuleEnginePollBenchmark {
  /** Samples polled per invocation, whatever the number of series: each size must divide it. */
  static final int SAMPLES_PER_INVOCATION = 1_000_000;

  /** Polls in the setup, before the retained heap is measured: {@code last(10)} is then full. */
  static final int FILL_POLLS = 12;

  private static final Duration INTERVAL = Duration.ofMinutes(1);

  /** The number of series, one sample each per poll. */
  @Param({"10000", "100000", "1000000"})
  public int series;

  private int pollsPerInvocation;
  private long polled;
  private VirtualTime time;
  private ResourceMonitor monitor;
  private AtomicLong notifications;
  private long heapBefore;

  /** Creates the benchmark; JMH calls it, then sets {@link #series}. */
  public RuleEnginePollBenchmark() {}

  /**
   * Builds the samples and the monitor, polls it {@value #FILL_POLLS} times and prints the bytes
   * retained per series.
   *
   * @throws IllegalArgumentException if {@code series} does not divide {@value
   *     #SAMPLES_PER_INVOCATION}
   * @throws InterruptedException if interrupted while waiting for the collector
   */
  @Setup(Level.Trial)
  public void buildAndFill() throws InterruptedException {
    if (series < 1 || SAMPLES_PER_INVOCATION % series != 0) {
      throw new IllegalArgumentException(
          "series must divide " + SAMPLES_PER_INVOCATION + " (-p series=100000): " + series);
    }
    pollsPerInvocation = SAMPLES_PER_INVOCATION / series;
    time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    List<Sample> poll = samples(series, time.now);
    AtomicLong sent = new AtomicLong();
    notifications = sent;
    heapBefore = usedAfterGc();
    monitor =
        ResourceMonitor.builder()
            .clock(time)
            .ticker(time)
            .source("fleet", Schedule.every(INTERVAL), context -> poll)
            // the first poll starts every series; the default limit (100,000) would refuse 1M
            .maxNewSeriesPerPoll(series)
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
            .sink("count", notification -> sent.incrementAndGet())
            .build();
    for (int i = 0; i < FILL_POLLS; i++) poll();
    checkSteadyState();
    printRetained();
  }

  /**
   * Polls all series {@code 1,000,000 / series} times: {@value #SAMPLES_PER_INVOCATION} samples.
   */
  @Benchmark
  @OperationsPerInvocation(SAMPLES_PER_INVOCATION)
  public void pollNow() {
    for (int i = 0; i < pollsPerInvocation; i++) poll();
  }

  /**
   * Checks that every poll succeeded and nothing was sent, and closes the monitor. It measures no
   * heap: a full GC here would be counted in the last iteration's {@code gc.time}.
   *
   * @throws IllegalStateException if a poll failed or a notification was sent
   */
  @TearDown(Level.Trial)
  public void checkAndClose() {
    try {
      checkSteadyState();
    } finally {
      monitor.close();
    }
  }

  private void poll() {
    monitor.pollNow();
    time.advance(INTERVAL);
    polled++;
  }

  private void checkSteadyState() {
    MonitorStats.SourceStats stats = monitor.stats().sources().get("fleet");
    if (stats == null || stats.failures() != 0 || stats.polls() != polled) {
      throw new IllegalStateException(
          "not the steady state: " + polled + " polls, source stats " + stats);
    }
    if (notifications.get() != 0) {
      throw new IllegalStateException(
          "not the steady state: " + notifications.get() + " notification(s) sent");
    }
  }

  private void printRetained() throws InterruptedException {
    long retained = usedAfterGc() - heapBefore;
    System.out.printf(
        Locale.ROOT,
        "%nRETAINED series=%d bytes_per_series=%.0f (after %d polls: heap after a full GC, minus"
            + " the heap before the monitor was built)%n",
        series,
        retained / (double) series,
        FILL_POLLS);
  }

  /** The samples, built in a method of their own so that no local keeps the working list alive. */
  private static List<Sample> samples(int series, Instant at) {
    List<Sample> samples = new ArrayList<>(series);
    for (int i = 0; i < series; i++) {
      samples.add(Sample.of("cpu_usage", String.format(Locale.ROOT, "vm-%07d", i), 50, at));
    }
    return List.copyOf(samples);
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100); // let the collector finish; outside JMH's timing
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
