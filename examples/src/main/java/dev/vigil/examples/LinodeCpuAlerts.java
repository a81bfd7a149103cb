package dev.vigil.examples;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.SourceException;
import dev.vigil.alerts.LogAlertSink;
import dev.vigil.http.RetrofitSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Path;
import retrofit2.http.Query;

/**
 * Bring your own Retrofit API: a provider Vigil has no preset for, here one shaped like Linode's
 * API v4, declared as a Retrofit interface with a poll function from its answers to samples. Vigil
 * supplies the Retrofit instance and runs every call through its timeouts, retry, circuit breaker,
 * rate limit, sweep deadline, body cap and secret scrubbing.
 *
 * <pre>{@code
 * LINODE_TOKEN=... ./mvnw -q -pl examples -am compile exec:java \
 *     -Dexec.mainClass=dev.vigil.examples.LinodeCpuAlerts
 * }</pre>
 */
public final class LinodeCpuAlerts {
  private LinodeCpuAlerts() {}

  /** The provider's API as the user declares it: only the fields used. */
  public interface LinodeApi {
    /** {@code GET /v4/linode/instances?page=N&page_size=M}. */
    @GET("v4/linode/instances")
    Call<InstancePage> instances(@Query("page") int page, @Query("page_size") int pageSize);

    /** {@code GET /v4/linode/instances/{id}/stats}: the last 24 hours, 5-minute averages. */
    @GET("v4/linode/instances/{id}/stats")
    Call<StatsAnswer> stats(@Path("id") long id);
  }

  /** A page of instances; {@code pages} is the number of pages. */
  public record InstancePage(
      @Nullable List<Instance> data, @Nullable Integer page, @Nullable Integer pages) {}

  /** An instance. */
  public record Instance(
      @Nullable Long id,
      @Nullable String label,
      @Nullable String region,
      @Nullable String status,
      @Nullable Specs specs) {}

  /** What an instance has: {@code vcpus} normalises its CPU, reported per vCPU up to 100 each. */
  public record Specs(@Nullable Integer vcpus) {}

  /** The stats answer. */
  public record StatsAnswer(@Nullable Stats data) {}

  /** CPU as {@code [epoch milliseconds, percent]} points. */
  public record Stats(@Nullable List<List<Double>> cpu) {}

  /** The source: every running instance's latest CPU, as percent of the whole instance. */
  public static RetrofitSource<LinodeApi> source(String baseUrl, Supplier<String> token) {
    return RetrofitSource.builder(LinodeApi.class)
        .baseUrl(baseUrl)
        .bearerToken(token)
        .errorBody("/errors/0/reason", "/errors/0/field") // {"errors":[{"reason":"..."}]}
        .requestsPerSecond(10) // stay well inside the provider's quota
        .poll(
            (api, calls, context) -> {
              List<Sample> samples = new ArrayList<>();
              for (Running i : instances(api, calls)) {
                Call<StatsAnswer> call = api.stats(i.id());
                try {
                  Stats stats = calls.execute(call).data();
                  List<List<Double>> cpu = stats == null ? null : stats.cpu();
                  if (cpu == null) throw calls.badData(call, "$.data.cpu", "missing");
                  if (cpu.isEmpty()) continue; // no point yet: missing data, never a zero
                  List<Double> last = cpu.get(cpu.size() - 1);
                  if (last == null
                      || last.size() != 2
                      || last.get(0) == null
                      || last.get(1) == null) {
                    String at = "$.data.cpu[" + (cpu.size() - 1) + "]";
                    throw calls.badData(call, at, "expected a [time, value] pair");
                  }
                  samples.add(
                      new Sample(
                          "cpu_usage",
                          i.label(),
                          i.labels(),
                          last.get(1) / i.vcpus(),
                          Instant.ofEpochMilli(last.get(0).longValue())));
                } catch (SourceException e) {
                  context.reportError(i.label(), e); // the other instances still give samples
                }
              }
              return samples;
            })
        .build();
  }

  /** A running instance to read. */
  private record Running(long id, String label, Map<String, String> labels, int vcpus) {}

  /** Every running instance, page by page. */
  private static List<Running> instances(LinodeApi api, RetrofitSource.Calls calls)
      throws SourceException, InterruptedException {
    List<Running> running = new ArrayList<>();
    for (int page = 1; page <= 100; page++) {
      Call<InstancePage> call = api.instances(page, 100);
      InstancePage answer = calls.execute(call);
      List<Instance> data = answer.data();
      if (data == null) throw calls.badData(call, "$.data", "missing");
      for (Instance i : data) {
        if (i == null || !"running".equals(i.status())) continue;
        Long id = i.id();
        String label = i.label();
        if (id == null || label == null) continue;
        Specs specs = i.specs();
        Integer vcpus = specs == null ? null : specs.vcpus();
        String region = i.region();
        running.add(
            new Running(
                id,
                label,
                region == null ? Map.of() : Map.of("region", region),
                vcpus == null || vcpus < 1 ? 1 : vcpus));
      }
      Integer pages = answer.pages();
      if (pages == null || page >= pages) break;
    }
    return running;
  }

  /** The monitor: poll every minute, warn when an instance's CPU is above 80%. */
  public static ResourceMonitor monitor(
      RetrofitSource<LinodeApi> linode, AlertSink sink, Duration pollEvery) {
    return ResourceMonitor.builder()
        .source("linode", Schedule.every(pollEvery), linode)
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu_usage")
                .above(80)
                .severity(Severity.WARNING)
                .summary("CPU usage on {resource} is {value}%")
                .build())
        .sink("log", sink)
        .build();
  }

  /**
   * Polls the real API every minute with {@code LINODE_TOKEN} and logs the alerts, until stopped.
   *
   * @throws IllegalStateException if {@code LINODE_TOKEN} is not set
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    String token = System.getenv("LINODE_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("set LINODE_TOKEN to a personal access token (read only)");
    }
    try (ResourceMonitor monitor =
        monitor(
            source("https://api.linode.com/", () -> token),
            LogAlertSink.create(),
            Duration.ofMinutes(1))) {
      monitor.start();
      Thread.currentThread().join();
    }
  }
}
