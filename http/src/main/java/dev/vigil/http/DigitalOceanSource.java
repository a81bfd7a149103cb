package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;

/**
 * The droplets of a DigitalOcean account and their CPU and memory use, from the DigitalOcean API
 * with a personal access token (read scope). Built on {@link RetrofitSource}, so every request has
 * its timeouts, retry, circuit breaker, rate limit, deadline, body cap and secret scrubbing.
 *
 * <pre>{@code
 * DigitalOceanSource digitalOcean = DigitalOceanSource.builder()
 *     .bearerToken(System.getenv("DIGITALOCEAN_TOKEN"))
 *     .tag("production")                               // optional
 *     .build();
 * }</pre>
 *
 * <p><b>What a poll does.</b> It lists the droplets with {@code GET
 * /v2/droplets?page=1&per_page=200} (and {@code tag_name}), following the absolute URL in {@code
 * links.pages.next} (only on the API's origin), then, for every droplet whose {@code status} is
 * {@code active}, asks {@code GET /v2/monitoring/metrics/droplet/cpu}, {@code .../memory_available}
 * and {@code .../memory_total} with {@code host_id} (the droplet id) and {@code start} and {@code
 * end} (epoch seconds) spanning the last {@link Builder#window}. The answers are Prometheus-style
 * matrices ({@code {"status":"success","data":{"resultType":"matrix","result":[{"metric":{..},
 * "values":[[1635386880,"122901.18"],..]}]}}}). Requests per poll: the pages plus three per active
 * droplet ({@link Builder#metrics} picks fewer); DigitalOcean allows 5,000 an hour (about 83 a
 * minute) and 250 a minute per token, so a poll every minute fits about 27 droplets, or about 80
 * with {@code metrics("cpu")}.
 *
 * <p><b>Samples.</b> Resource: the droplet's name (a name that several droplets share becomes
 * {@code name/id} for each of them). {@code cpu_usage}: DigitalOcean reports CPU as cumulative
 * seconds per mode ({@code idle}, {@code user}, {@code system}, {@code iowait}, {@code steal},
 * ...), like {@code /proc/stat}, so Vigil takes the rate: {@code 100 × (1 − Δidle / Δall modes)}
 * between the first and the last point of the window, the average use of all vCPUs together over
 * it, 0 to 100, timestamped at the last point. {@code memory_usage}: {@code 100 × (1 − available /
 * total)} at the latest points, with {@code memory_available_bytes} and {@code memory_total_bytes}.
 * Labels: {@code droplet_id}, {@code region} (its slug), {@code size} (the size slug) and {@code
 * tags} (comma-separated, as listed).
 *
 * <p><b>Errors.</b> A value that is not a decimal number in a string, a counter that went down (a
 * reboot within the window), counters that did not move, a missing {@code idle} series, or a {@code
 * status} other than {@code success} is {@code BAD_DATA} naming the URL and JSON path, for that
 * metric of that droplet. An empty result (no DigitalOcean agent on the droplet, or no point in the
 * window) gives no sample: missing data, never a zero. A listing failure fails the poll; a
 * droplet's failures are reported through {@link PollContext#reportError} under its name. HTTP 429
 * is retried as {@code Retry-After} or {@code RateLimit-Reset} say within {@code maxRetryAfter} (30
 * s); DigitalOcean's error body {@code {"id":..,"message":..}} joins the message.
 *
 * <p>Thread safe; {@link #close()} releases the connections. See {@code docs/sources.md}.
 */
public final class DigitalOceanSource implements MetricSource {
  /** Where the API is: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.digitalocean.com/v2/";

  /** The metrics read by default. */
  public static final List<String> METRICS = List.of("cpu", "memory");

  private static final int PER_PAGE = 200;

  private final RetrofitSource<DigitalOceanApi> source;

  private DigitalOceanSource(RetrofitSource<DigitalOceanApi> source) {
    this.source = source;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lists the droplets and reads each active droplet's metrics.
   *
   * @throws SourceException if the listing failed, or every droplet failed
   * @throws InterruptedException if the polling thread is interrupted
   */
  @Override
  public List<Sample> poll(PollContext context) throws SourceException, InterruptedException {
    return source.poll(context);
  }

  /** Cancels the requests in flight and releases the connections. Idempotent. */
  @Override
  public void close() {
    source.close();
  }

  @Override
  public String toString() {
    return "DigitalOceanSource{" + source + "}";
  }

  /** A listed, active droplet. */
  private record Listed(String hostId, String name, Map<String, String> labels) {}

  /** One poll, as the source's Retrofit poll function. */
  private static final class Poll implements RetrofitSource.Poller<DigitalOceanApi> {
    private final @Nullable String tag;
    private final Set<String> metrics;
    private final Duration window;
    private final int maxPages;

    Poll(@Nullable String tag, Set<String> metrics, Duration window, int maxPages) {
      this.tag = tag;
      this.metrics = metrics;
      this.window = window;
      this.maxPages = maxPages;
    }

    @Override
    public List<Sample> poll(DigitalOceanApi api, RetrofitSource.Calls calls, PollContext context)
        throws SourceException, InterruptedException {
      long end = context.now().getEpochSecond();
      long start = end - window.toSeconds();
      List<CloudPreset.Part<Listed>> parts = new ArrayList<>();
      if (metrics.contains("cpu")) {
        parts.add(
            d -> {
              Call<DigitalOceanApi.MetricAnswer> call = api.metric("cpu", d.hostId(), start, end);
              Sample s = cpu(d, call, calls.execute(call), calls);
              return s == null ? List.of() : List.of(s);
            });
      }
      if (metrics.contains("memory")) parts.add(d -> memory(api, d, start, end, calls));
      return CloudPreset.readEach(list(api, calls), Listed::name, parts, context);
    }

    private List<Listed> list(DigitalOceanApi api, RetrofitSource.Calls calls)
        throws SourceException, InterruptedException {
      List<DigitalOceanApi.Droplet> active = new ArrayList<>();
      Map<String, Integer> names = new HashMap<>();
      Set<String> seen = new HashSet<>();
      CloudPreset.pages(
          calls,
          api.droplets(1, PER_PAGE, tag),
          maxPages,
          "$.links.pages.next",
          (call, page) -> {
            List<DigitalOceanApi.Droplet> droplets = page.droplets();
            if (droplets == null) throw calls.badData(call, "$.droplets", "expected an array");
            for (int i = 0; i < droplets.size(); i++) {
              DigitalOceanApi.Droplet d = droplets.get(i);
              String path = "$.droplets[" + i + "]";
              if (d == null) {
                throw calls.badData(call, path, "expected a droplet object but was null");
              }
              if (d.id() == null) throw calls.badData(call, path + ".id", "missing");
              String name = d.name();
              if (name == null || name.isBlank()) {
                throw calls.badData(call, path + ".name", "missing");
              }
              if (!seen.add(Long.toString(d.id()))) continue; // listed twice while paging
              names.merge(name, 1, Integer::sum);
              if ("active".equals(d.status())) active.add(d);
            }
            DigitalOceanApi.Links links = page.links();
            String next = links == null || links.pages() == null ? null : links.pages().next();
            return next == null ? null : api.page(next);
          });
      List<Listed> listed = new ArrayList<>();
      for (DigitalOceanApi.Droplet d : active) {
        String id = Long.toString(requireNonNull(d.id()));
        String name = requireNonNull(d.name());
        if (names.getOrDefault(name, 1) > 1) name = name + "/" + id;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("droplet_id", id);
        if (d.region() != null && d.region().slug() != null)
          labels.put("region", d.region().slug());
        if (d.sizeSlug() != null) labels.put("size", d.sizeSlug());
        List<String> tags = d.tags();
        if (tags != null && !tags.isEmpty()) {
          List<String> present = new ArrayList<>();
          for (String t : tags) if (t != null) present.add(t);
          labels.put("tags", String.join(",", present));
        }
        listed.add(new Listed(id, name, labels));
      }
      return listed;
    }

    /** The matrix of an answer, checked; empty when the droplet has no data. */
    private static List<DigitalOceanApi.Series> matrix(
        Call<?> call, DigitalOceanApi.MetricAnswer answer, RetrofitSource.Calls calls)
        throws SourceException {
      if (!"success".equals(answer.status())) {
        throw calls.badData(
            call,
            "$.status",
            "expected \"success\" but was " + TimeValuePoints.describe(answer.status()));
      }
      DigitalOceanApi.MatrixData data = answer.data();
      List<DigitalOceanApi.Series> result = data == null ? null : data.result();
      if (result == null) throw calls.badData(call, "$.data.result", "missing");
      return result;
    }

    /** CPU use from the mode counters over the window; null if there is no data. */
    private @Nullable Sample cpu(
        Listed d,
        Call<DigitalOceanApi.MetricAnswer> call,
        DigitalOceanApi.MetricAnswer answer,
        RetrofitSource.Calls calls)
        throws SourceException {
      List<DigitalOceanApi.Series> result = matrix(call, answer, calls);
      if (result.isEmpty()) return null;
      double all = 0;
      Double idle = null;
      Instant last = Instant.EPOCH;
      for (int i = 0; i < result.size(); i++) {
        DigitalOceanApi.Series s = result.get(i);
        String path = "$.data.result[" + i + "]";
        String mode = s == null || s.metric() == null ? null : s.metric().get("mode");
        if (mode == null) throw calls.badData(call, path + ".metric.mode", "missing");
        List<List<Object>> values = s.values();
        if (values == null || values.size() < 2) {
          // A rate needs two points.
          if (values != null && values.isEmpty()) continue;
          throw calls.badData(
              call,
              path + ".values",
              "need two points in the window (window=" + window + ") to take the rate of " + mode);
        }
        TimeValuePoints.Point first =
            TimeValuePoints.read(values, 0, calls, call, path + ".values");
        TimeValuePoints.Point end =
            TimeValuePoints.read(values, values.size() - 1, calls, call, path + ".values");
        double delta = end.value() - first.value();
        if (delta < 0) {
          throw calls.badData(
              call,
              path + ".values",
              "the " + mode + " counter went down in the window (a reboot?); no rate this poll");
        }
        all += delta;
        if (mode.equals("idle")) idle = delta;
        if (end.time().isAfter(last)) last = end.time();
      }
      if (idle == null) throw calls.badData(call, "$.data.result", "no series with mode idle");
      if (all <= 0) {
        throw calls.badData(
            call, "$.data.result", "the CPU counters did not advance in the window");
      }
      double usage = 100 * (all - idle) / all;
      return new Sample("cpu_usage", d.name(), d.labels(), usage, last);
    }

    private List<Sample> memory(
        DigitalOceanApi api, Listed d, long start, long end, RetrofitSource.Calls calls)
        throws SourceException, InterruptedException {
      Call<DigitalOceanApi.MetricAnswer> availableCall =
          api.metric("memory_available", d.hostId(), start, end);
      TimeValuePoints.Point available = latest(availableCall, calls.execute(availableCall), calls);
      Call<DigitalOceanApi.MetricAnswer> totalCall =
          api.metric("memory_total", d.hostId(), start, end);
      TimeValuePoints.Point total = latest(totalCall, calls.execute(totalCall), calls);
      if (available == null || total == null) return List.of();
      if (total.value() <= 0) {
        throw calls.badData(
            totalCall, "$.data.result[0].values", "memory_total is " + total.value());
      }
      return List.of(
          new Sample(
              "memory_usage",
              d.name(),
              d.labels(),
              100 * (1 - available.value() / total.value()),
              total.time()),
          new Sample(
              "memory_available_bytes", d.name(), d.labels(), available.value(), available.time()),
          new Sample("memory_total_bytes", d.name(), d.labels(), total.value(), total.time()));
    }

    /** The latest point of the first series; null if there is none. */
    private static TimeValuePoints.@Nullable Point latest(
        Call<?> call, DigitalOceanApi.MetricAnswer answer, RetrofitSource.Calls calls)
        throws SourceException {
      List<DigitalOceanApi.Series> result = matrix(call, answer, calls);
      if (result.isEmpty()) return null;
      DigitalOceanApi.Series s = result.get(0);
      List<List<Object>> values = s == null ? null : s.values();
      if (values == null) throw calls.badData(call, "$.data.result[0].values", "missing");
      if (values.isEmpty()) return null;
      return TimeValuePoints.read(
          values, values.size() - 1, calls, call, "$.data.result[0].values");
    }
  }

  /**
   * Configures a {@link DigitalOceanSource}. Not thread safe. Setters reject bad values at once
   * naming the setting; {@link #build()} rejects a missing token.
   */
  public static final class Builder
      extends CloudPreset.Builder<DigitalOceanSource.Builder, DigitalOceanApi> {
    private @Nullable String tag;
    private Set<String> metrics = new LinkedHashSet<>(METRICS);
    private Duration window = Duration.ofMinutes(5);

    private Builder() {
      super(DigitalOceanApi.class, DEFAULT_BASE_URL, "/id", "/message");
    }

    /**
     * Reads only the droplets with this tag ({@code tag_name}); default all.
     *
     * @throws NullPointerException if {@code tag} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder tag(String tag) {
      requireNonNull(tag, "tag == null");
      if (tag.isBlank()) throw new IllegalArgumentException("tag is blank");
      this.tag = tag;
      return this;
    }

    /**
     * Sets the metrics read, of {@code cpu} (one request per droplet) and {@code memory} (two);
     * default both.
     *
     * @throws NullPointerException if {@code metrics} or one of them is null
     * @throws IllegalArgumentException if none is given or one is unknown
     */
    public Builder metrics(String... metrics) {
      this.metrics = choose(metrics, METRICS, "metrics", "metric");
      return this;
    }

    /**
     * Sets the window each poll asks for: the CPU rate is taken over it, memory at its latest
     * point; default 5 minutes.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if it is shorter than 2 minutes (two points are needed) or
     *     longer than a day
     */
    public Builder window(Duration window) {
      this.window = window(window, Duration.ofMinutes(2), "2 minutes");
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if no token is set
     */
    public DigitalOceanSource build() {
      return new DigitalOceanSource(
          build(
              new Poll(tag, Set.copyOf(metrics), window, maxPages),
              "a DigitalOcean personal access token (API → Tokens)"));
    }

    @Override
    public String toString() {
      return "DigitalOceanSource.Builder{" + http + ", metrics=" + metrics + "}";
    }
  }
}
