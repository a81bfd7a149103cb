package dev.vigil.benchmarks;

import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.http.HttpJsonSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Sweeps an {@link HttpJsonSource} over the static fake cloud that {@code benchmarks/run.sh} serves
 * on 127.0.0.1, and prints what one resource costs the client.
 *
 * <p>Usage: {@code SweepBenchmark <baseUrl> <resources> <concurrency> <warmupSweeps> <sweeps>}. The
 * base URL must be on 127.0.0.1 (the benchmark refuses anything else). The cloud lists the
 * resources {@code vm-00001}... on pages {@code /v1/resources/page-N.json} linked by {@code next},
 * and serves each one's metrics at {@code /v1/resources/<id>/metrics} with two metrics and a
 * timestamp. Every sweep must give two samples per resource and no error, or the benchmark fails:
 * it measures the path that succeeds.
 *
 * <p>What is measured, over the measured sweeps only (the warm-up sweeps let the JIT compile the
 * path and the connection pool fill):
 *
 * <ul>
 *   <li><b>Rate</b>: listed resources divided by the wall time of {@code poll()}, listing pages
 *       included.
 *   <li><b>Client CPU per resource</b>: the delta of the process CPU time ({@code
 *       com.sun.management.OperatingSystemMXBean.getProcessCpuTime()}, every thread of this JVM:
 *       the poll thread, OkHttp's, the workers, GC and JIT) divided by the resources read.
 *   <li><b>Bytes allocated per resource</b>: the delta of {@code
 *       com.sun.management.ThreadMXBean.getThreadAllocatedBytes} summed over every live thread,
 *       divided by the resources read. A thread that ends during the measurement takes its bytes
 *       with it, so the number of threads started and ended in the measured sweeps is printed next
 *       to it: when both are 0 the figure covers every allocation in the JVM.
 * </ul>
 *
 * <p>The last line starts with {@code RESULT} and holds the figures as {@code name=value} pairs,
 * for run.sh to collect.
 */
public final class SweepBenchmark {
  private SweepBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args base URL, resources, concurrency, warm-up sweeps, measured sweeps
   * @throws Exception if a sweep fails or gives fewer samples than expected
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: SweepBenchmark <baseUrl> <resources> <concurrency> <warmupSweeps> <sweeps>");
      System.exit(2);
    }
    HttpUrl baseUrl = HttpUrl.get(args[0]);
    if (!baseUrl.host().equals("127.0.0.1")) {
      throw new IllegalArgumentException("the benchmark only talks to 127.0.0.1: " + baseUrl);
    }
    int resources = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int sweeps = Integer.parseInt(args[4]);

    HttpJsonSource source =
        HttpJsonSource.builder()
            .baseUrl(baseUrl)
            .bearerToken("benchmark-token")
            .resourcesPath("/v1/resources/page-1.json")
            .resourceLabel("region", "/region")
            .metricsPath("/v1/resources/{id}/metrics")
            .metric("cpu_usage", "/metrics/cpu_usage")
            .metric("memory_usage", "/metrics/memory_usage")
            .timestampPointer("/timestamp")
            .concurrency(concurrency)
            .build();
    try {
      for (int i = 1; i <= warmup; i++) {
        long started = System.nanoTime();
        sweep(source, resources);
        System.out.printf(
            Locale.ROOT,
            "warm-up sweep %d: %.0f resources/s%n",
            i,
            resources / ((System.nanoTime() - started) / 1e9));
      }

      Meters meters = new Meters();
      Meters.Snapshot before = meters.snapshot();
      List<Double> rates = new ArrayList<>();
      for (int i = 1; i <= sweeps; i++) {
        long started = System.nanoTime();
        sweep(source, resources);
        double rate = resources / ((System.nanoTime() - started) / 1e9);
        rates.add(rate);
        System.out.printf(Locale.ROOT, "sweep %d: %.0f resources/s%n", i, rate);
      }
      Meters.Snapshot after = meters.snapshot();

      long read = (long) resources * sweeps;
      double wallSeconds = (after.wallNanos() - before.wallNanos()) / 1e9;
      double cpuMicros = (after.cpuNanos() - before.cpuNanos()) / 1e3;
      long allocated = 0;
      int ended = 0;
      for (Map.Entry<Long, Long> t : after.allocatedByThread().entrySet()) {
        allocated += t.getValue() - before.allocatedByThread().getOrDefault(t.getKey(), 0L);
      }
      for (Long id : before.allocatedByThread().keySet()) {
        if (!after.allocatedByThread().containsKey(id)) ended++;
      }
      // Where the CPU time went: Java threads grouped by name (digits dropped); the rest of the
      // process CPU time is the JVM's own threads (GC, JIT compiler).
      Map<String, Double> cpuByGroup = new java.util.TreeMap<>();
      double javaThreads = 0;
      for (Map.Entry<Long, Long> t : after.cpuByThread().entrySet()) {
        double us = (t.getValue() - before.cpuByThread().getOrDefault(t.getKey(), 0L)) / 1e3;
        String group = after.names().getOrDefault(t.getKey(), "?").replaceAll("[0-9]+", "N");
        cpuByGroup.merge(group, us, Double::sum);
        javaThreads += us;
      }
      StringBuilder cpuSplit = new StringBuilder();
      cpuByGroup.forEach(
          (group, us) -> {
            if (us / read >= 0.5) {
              cpuSplit.append(String.format(Locale.ROOT, " [%s] %.1f", group, us / read));
            }
          });
      System.out.printf(
          Locale.ROOT,
          "client CPU µs per resource by thread:%s [JVM: GC, JIT] %.1f%n",
          cpuSplit,
          (cpuMicros - javaThreads) / read);
      Collections.sort(rates);
      System.out.printf(
          Locale.ROOT,
          "RESULT resources_per_s=%.0f median_sweep_resources_per_s=%.0f cpu_us_per_resource=%.2f"
              + " bytes_per_resource=%.0f cpu_cores_used=%.2f gc_count=%d gc_ms=%d"
              + " threads_started=%d threads_ended=%d%n",
          read / wallSeconds,
          rates.get(rates.size() / 2),
          cpuMicros / read,
          (double) allocated / read,
          cpuMicros / 1e6 / wallSeconds,
          after.gcCount() - before.gcCount(),
          after.gcMillis() - before.gcMillis(),
          after.threadsStarted() - before.threadsStarted(),
          ended);
    } finally {
      source.close();
    }
  }

  private static void sweep(HttpJsonSource source, int resources) throws Exception {
    Context context = new Context();
    List<Sample> samples = source.poll(context);
    Exception error = context.firstError.get();
    if (error != null) {
      throw new IllegalStateException(context.errors.get() + " resource(s) failed", error);
    }
    if (samples.size() != resources * 2) {
      throw new IllegalStateException(
          "expected " + resources * 2 + " samples but got " + samples.size());
    }
  }

  /** Counts the errors a sweep reports; there should be none. */
  private static final class Context implements PollContext {
    final AtomicInteger errors = new AtomicInteger();
    final AtomicReference<@Nullable Exception> firstError = new AtomicReference<>();

    @Override
    public String sourceName() {
      return "benchmark";
    }

    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public void reportError(String resource, Exception error) {
      errors.incrementAndGet();
      firstError.compareAndSet(null, error);
    }
  }
}
