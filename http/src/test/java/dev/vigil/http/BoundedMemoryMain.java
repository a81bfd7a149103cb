package dev.vigil.http;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.testing.RecordingPollContext;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.util.Map;

/**
 * Run by {@link BoundedMemoryTest} in a JVM of its own with a small heap: polls the fake cloud at
 * {@code args[0]} with {@code maxBodyBytes = args[1]} and prints one line per sample, per reported
 * error and per poll failure, then {@code DONE}.
 */
final class BoundedMemoryMain {
  private BoundedMemoryMain() {}

  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    for (int i = 1; i < args.length; i++) {
      long maxBodyBytes = Long.parseLong(args[i]);
      System.out.println("SOURCE maxBodyBytes=" + maxBodyBytes);
      HttpJsonSource source =
          HttpJsonSource.builder()
              .baseUrl(baseUrl)
              .bearerToken(FakeCloud.TOKEN)
              .resourcesPath("/v1/resources/page-1.json")
              .resourceLabel("region", "/region")
              .metricsPath("/v1/resources/{id}/metrics")
              .metric("cpu_usage", "/metrics/cpu_usage")
              .timestampPointer("/timestamp")
              .maxBodyBytes(maxBodyBytes)
              .concurrency(8)
              .readTimeout(java.time.Duration.ofSeconds(60))
              .callTimeout(java.time.Duration.ofSeconds(120))
              .retry(Retry.of("once", RetryConfig.custom().maxAttempts(1).build()))
              .build();
      try {
        RecordingPollContext context = RecordingPollContext.create("cloud", Clock.systemUTC());
        try {
          for (Sample s : source.poll(context)) {
            System.out.println("SAMPLE " + s.resource() + " " + s.metric() + " " + s.value());
          }
          for (Map.Entry<String, Exception> e : context.errors()) {
            print("ERROR " + e.getKey(), (SourceException) e.getValue());
          }
        } catch (SourceException e) {
          print("POLL-FAILED", e);
          for (Throwable s : e.getSuppressed()) print("SUPPRESSED", (SourceException) s);
        }
      } finally {
        source.close();
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
    }
    System.out.println(
        "HEAP max="
            + Runtime.getRuntime().maxMemory() / 1024
            + " KiB, peak="
            + peak / 1024
            + " KiB");
    System.out.println("DONE");
  }

  private static void print(String what, SourceException e) {
    System.out.println(what + " " + e.kind() + " " + e.jsonPath() + " " + e.getMessage());
  }
}
