package dev.vigil.examples;

import dev.vigil.Aggregation;
import dev.vigil.AlertRule;
import dev.vigil.MetricSource;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Measures what one sample costs the evaluator, through the public API: a monitor polls a source of
 * {@value #RESOURCES} resources with {@code pollNow()}, and the time per sample is reported for a
 * plain threshold rule and for window aggregates whose windows hold 10, 1,000 and 10,000 samples.
 * The cost of threshold and running-aggregate rules must not grow with the window.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am compile exec:java
 * -Dexec.mainClass=dev.vigil.examples.EvaluationCostBenchmark}. A benchmark main, not a test: it
 * prints figures and asserts nothing.
 */
public final class EvaluationCostBenchmark {
  static final int RESOURCES = 2_000;

  private EvaluationCostBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.printf(Locale.ROOT, "%-28s %8s %14s%n", "rule", "window", "ns per sample");
    report("threshold (latest value)", null, 0);
    for (int size : new int[] {10, 1_000, 10_000}) {
      report("avg over last N", Aggregation.avg(Window.last(size)), size);
      report("max over last N", Aggregation.max(Window.last(size)), size);
    }
  }

  private static void report(String name, @Nullable Aggregation aggregation, int window) {
    AlertRule.Builder rule = AlertRule.builder("HighCpu").metric("cpu_usage").above(1_000);
    if (aggregation != null) rule.aggregate(aggregation);
    SteppingClock clock = new SteppingClock();
    MetricSource source =
        context -> {
          List<Sample> samples = new ArrayList<>(RESOURCES);
          long step = clock.steps;
          for (int i = 0; i < RESOURCES; i++) {
            samples.add(
                Sample.of(
                    "cpu_usage", "vm-" + i, (double) ((i * 7L + step * 13) % 100), context.now()));
          }
          return samples;
        };
    try (ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("bench", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(rule.build())
            .clock(clock)
            .withoutSinks() // the cost of evaluation alone
            .build()) {
      // Fill the windows first, so that every measured poll evaluates full windows.
      int warmup = Math.max(window, 200);
      for (int i = 0; i < warmup; i++) {
        monitor.pollNow();
        clock.step();
      }
      int polls = 200;
      long t0 = System.nanoTime();
      for (int i = 0; i < polls; i++) {
        monitor.pollNow();
        clock.step();
      }
      double nsPerSample = (System.nanoTime() - t0) / (double) (polls * RESOURCES);
      System.out.printf(
          Locale.ROOT, "%-28s %8s %14.0f%n", name, window == 0 ? "-" : window, nsPerSample);
    }
  }

  /** A wall clock that moves one minute per poll. */
  private static final class SteppingClock extends Clock {
    volatile long steps;

    /** Called by the one benchmark thread only. */
    @SuppressWarnings("NonAtomicVolatileUpdate")
    void step() {
      steps++;
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
      return Instant.parse("2026-11-24T00:00:00Z").plus(Duration.ofMinutes(steps));
    }
  }
}
