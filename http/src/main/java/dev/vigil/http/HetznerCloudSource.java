package dev.vigil.http;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;

/**
 * The servers of a Hetzner Cloud project and their CPU, disk and network metrics, from the Hetzner
 * Cloud API with a project's API token. Built on {@link RetrofitSource}, so every request has its
 * timeouts, retry, circuit breaker, rate limit, deadline, body cap and secret scrubbing.
 *
 * <pre>{@code
 * HetznerCloudSource hetzner = HetznerCloudSource.builder()
 *     .bearerToken(System.getenv("HCLOUD_TOKEN"))
 *     .labelSelector("env=prod")                       // optional
 *     .build();
 * }</pre>
 *
 * <p><b>What a poll does.</b> It lists the servers with {@code GET /v1/servers?page=N&per_page=50}
 * (and {@code label_selector}), following {@code meta.pagination.next_page} until it is null, then,
 * for every server whose {@code status} is {@code running}, asks {@code GET
 * /v1/servers/{id}/metrics?type=cpu,disk,network&start=..&end=..&step=60} for the last {@link
 * Builder#window} and takes the latest point of each time series. Requests per poll: the listing
 * pages plus one per running server; Hetzner allows 3,600 requests an hour per project (one more
 * each second), so a poll every minute fits about 55 servers; {@code requestsPerSecond(1)} keeps a
 * poll within Hetzner's steady refill however many servers there are.
 *
 * <p><b>Samples.</b> Resource: the server's name (unique in a project). Metrics: {@code cpu_usage},
 * the {@code cpu} series <em>divided by the server type's vCPU count</em> ({@code
 * server_type.cores}): Hetzner reports CPU per vCPU, 100 for one busy vCPU, up to {@code 100 ×
 * cores}; Vigil normalises it to percent of the whole server, 0 to 100. Every other series by its
 * name with dots as underscores: {@code disk_0_iops_read}, {@code disk_0_iops_write} (IO/s), {@code
 * disk_0_bandwidth_read}, {@code disk_0_bandwidth_write} (bytes/s), {@code network_0_pps_in},
 * {@code network_0_pps_out} (packets/s), {@code network_0_bandwidth_in}, {@code
 * network_0_bandwidth_out} (bytes/s). Timestamps: the point's. Labels: {@code server_id}, {@code
 * server_type}, {@code datacenter}, {@code location}, and each Hetzner label as {@code label_<key>}
 * (characters other than letters, digits and {@code _} as {@code _}).
 *
 * <p><b>Errors.</b> Values come as {@code [timestamp, "string"]} pairs; a string that is not a
 * decimal number is {@code BAD_DATA} naming the URL and the JSON path ({@code
 * $.metrics.time_series.cpu.values[4][1]}) for that series of that server. A series with no point
 * in the window gives no sample (missing data, never a zero). A listing failure fails the poll; a
 * server's failure is reported through {@link PollContext#reportError} under its name. HTTP 429 is
 * retried as {@code Retry-After} or {@code RateLimit-Reset} say within {@code maxRetryAfter} (30
 * s); Hetzner's error body {@code {"error":{"code":..,"message":..}}} joins the message.
 *
 * <p>Thread safe; {@link #close()} releases the connections. See {@code docs/sources.md}.
 */
public final class HetznerCloudSource implements MetricSource {
  /** Where the API is: {@value}. */
  public static final String DEFAULT_BASE_URL = "https://api.hetzner.cloud/v1/";

  /** The metric types asked for by default. */
  public static final List<String> TYPES = List.of("cpu", "disk", "network");

  private static final int PER_PAGE = 50;

  private final RetrofitSource<HetznerCloudApi> source;

  private HetznerCloudSource(RetrofitSource<HetznerCloudApi> source) {
    this.source = source;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lists the servers and reads each running server's metrics.
   *
   * @throws SourceException if the listing failed, or every server failed
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
    return "HetznerCloudSource{" + source + "}";
  }

  /** One poll, as the source's Retrofit poll function. */
  private static final class Poll implements RetrofitSource.Poller<HetznerCloudApi> {
    private final @Nullable String labelSelector;
    private final String types;
    private final Duration window;
    private final int maxPages;

    Poll(@Nullable String labelSelector, String types, Duration window, int maxPages) {
      this.labelSelector = labelSelector;
      this.types = types;
      this.window = window;
      this.maxPages = maxPages;
    }

    @Override
    public List<Sample> poll(HetznerCloudApi api, RetrofitSource.Calls calls, PollContext context)
        throws SourceException, InterruptedException {
      List<Listed> servers = list(api, calls);
      Instant end = context.now().truncatedTo(ChronoUnit.SECONDS);
      String start = end.minus(window).toString();
      return CloudPreset.readEach(
          servers,
          Listed::name,
          List.of(
              s -> {
                Call<HetznerCloudApi.MetricsAnswer> call =
                    api.metrics(s.id(), types, start, end.toString(), 60);
                return read(s, call, calls.execute(call), calls, context);
              }),
          context);
    }

    private List<Listed> list(HetznerCloudApi api, RetrofitSource.Calls calls)
        throws SourceException, InterruptedException {
      List<Listed> listed = new ArrayList<>();
      Set<String> names = new HashSet<>();
      int[] page = {1};
      CloudPreset.pages(
          calls,
          api.servers(1, PER_PAGE, labelSelector),
          maxPages,
          "$.meta.pagination.next_page",
          (call, answer) -> {
            List<HetznerCloudApi.Server> servers = answer.servers();
            if (servers == null) throw calls.badData(call, "$.servers", "expected an array");
            for (int i = 0; i < servers.size(); i++) {
              Listed s = listed(servers.get(i), "$.servers[" + i + "]", call, calls);
              if (s != null && names.add(s.name())) listed.add(s);
            }
            HetznerCloudApi.Meta meta = answer.meta();
            HetznerCloudApi.Pagination pagination = meta == null ? null : meta.pagination();
            Integer next = pagination == null ? null : pagination.nextPage();
            if (next == null) return null;
            if (next <= page[0]) {
              throw calls.badData(
                  call,
                  "$.meta.pagination.next_page",
                  "the next page (" + next + ") is not after this one (" + page[0] + ")");
            }
            page[0] = next;
            return api.servers(next, PER_PAGE, labelSelector);
          });
      return listed;
    }

    /** The server if it is running and readable; throws for a server that cannot be named. */
    private static @Nullable Listed listed(
        HetznerCloudApi.@Nullable Server s, String path, Call<?> call, RetrofitSource.Calls calls)
        throws SourceException {
      if (s == null) throw calls.badData(call, path, "expected a server object but was null");
      if (s.id() == null) throw calls.badData(call, path + ".id", "missing");
      String name = s.name();
      if (name == null || name.isBlank()) throw calls.badData(call, path + ".name", "missing");
      if (!"running".equals(s.status())) return null; // no metrics to read
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("server_id", Long.toString(s.id()));
      HetznerCloudApi.ServerType type = s.serverType();
      if (type != null && type.name() != null) labels.put("server_type", type.name());
      HetznerCloudApi.Datacenter dc = s.datacenter();
      if (dc != null && dc.name() != null) labels.put("datacenter", dc.name());
      if (dc != null && dc.location() != null && dc.location().name() != null) {
        labels.put("location", dc.location().name());
      }
      Map<String, String> own = s.labels();
      if (own != null) {
        own.forEach(
            (k, v) -> {
              if (k != null && v != null) labels.put("label_" + labelName(k), v);
            });
      }
      Integer cores = type == null ? null : type.cores();
      return new Listed(s.id(), name, labels, cores, path);
    }

    private List<Sample> read(
        Listed s,
        Call<HetznerCloudApi.MetricsAnswer> call,
        HetznerCloudApi.MetricsAnswer answer,
        RetrofitSource.Calls calls,
        PollContext context)
        throws SourceException {
      HetznerCloudApi.Metrics metrics = answer.metrics();
      Map<String, HetznerCloudApi.TimeSeries> series =
          metrics == null ? null : metrics.timeSeries();
      if (series == null) throw calls.badData(call, "$.metrics.time_series", "missing");
      List<Sample> samples = new ArrayList<>();
      for (Map.Entry<String, HetznerCloudApi.TimeSeries> e : series.entrySet()) {
        String path = "$.metrics.time_series." + e.getKey() + ".values";
        List<List<Object>> values = e.getValue() == null ? null : e.getValue().values();
        if (values == null) throw calls.badData(call, path, "missing");
        if (values.isEmpty()) continue; // no point in the window: missing data, never a zero
        TimeValuePoints.Point p;
        try {
          p = TimeValuePoints.read(values, values.size() - 1, calls, call, path);
        } catch (SourceException bad) {
          context.reportError(s.name(), bad); // this series only: the others still give samples
          continue;
        }
        double value = p.value();
        String metric;
        if (e.getKey().equals("cpu")) {
          Integer cores = s.cores();
          if (cores == null || cores < 1) {
            // Reported, not thrown: the other series of this server still give samples.
            context.reportError(
                s.name(),
                calls.badData(
                    call,
                    "$.metrics.time_series.cpu",
                    "cannot normalise: the server type's cores is "
                        + cores
                        + " in the listing at "
                        + s.path()
                        + ".server_type.cores"));
            continue;
          }
          metric = "cpu_usage";
          value = value / cores;
        } else {
          metric = e.getKey().replace('.', '_');
        }
        samples.add(new Sample(metric, s.name(), s.labels(), value, p.time()));
      }
      return samples;
    }
  }

  /** A label name from a Hetzner label key such as {@code kubernetes.io/role}. */
  static String labelName(String key) {
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  /** A listed, running server. */
  private record Listed(
      long id, String name, Map<String, String> labels, @Nullable Integer cores, String path) {}

  /**
   * Configures a {@link HetznerCloudSource}. Not thread safe. Setters reject bad values at once
   * naming the setting; {@link #build()} rejects a missing token.
   */
  public static final class Builder
      extends CloudPreset.Builder<HetznerCloudSource.Builder, HetznerCloudApi> {
    private @Nullable String labelSelector;
    private Set<String> types = new LinkedHashSet<>(TYPES);
    private Duration window = Duration.ofMinutes(5);

    private Builder() {
      super(HetznerCloudApi.class, DEFAULT_BASE_URL, "/error/code", "/error/message");
    }

    /**
     * Reads only the servers matching Hetzner's label selector, such as {@code env=prod,tier!=db};
     * default all.
     *
     * @throws NullPointerException if {@code selector} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder labelSelector(String selector) {
      requireNonNull(selector, "labelSelector == null");
      if (selector.isBlank()) throw new IllegalArgumentException("labelSelector is blank");
      this.labelSelector = selector;
      return this;
    }

    /**
     * Sets the metric types asked for, of {@code cpu}, {@code disk} and {@code network}; default
     * all three.
     *
     * @throws NullPointerException if {@code types} or one of them is null
     * @throws IllegalArgumentException if none is given or one is unknown
     */
    public Builder types(String... types) {
      this.types = choose(types, TYPES, "types", "type");
      return this;
    }

    /**
     * Sets how far back each poll asks for points (the latest is taken); default 5 minutes.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if it is shorter than a minute (Hetzner's step) or longer
     *     than a day
     */
    public Builder window(Duration window) {
      this.window = window(window, Duration.ofMinutes(1), "1 minute");
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if no token is set
     */
    public HetznerCloudSource build() {
      return new HetznerCloudSource(
          build(
              new Poll(labelSelector, String.join(",", types), window, maxPages),
              "a Hetzner Cloud API token of the project (Security → API Tokens)"));
    }

    @Override
    public String toString() {
      return "HetznerCloudSource.Builder{" + http + ", types=" + types + "}";
    }
  }
}
