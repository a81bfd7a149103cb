package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.internal.Durations;
import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Throwables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands alerts to Prometheus Alertmanager, which groups, de-duplicates, silences and routes them:
 * the way to run Vigil in several replicas of one application and get one notification, not one per
 * replica. Each replica posts the same alert (same labels) and Alertmanager merges them.
 *
 * <pre>{@code
 * AlertmanagerSink am = AlertmanagerSink.builder()
 *     .instances("http://alertmanager-0:9093", "http://alertmanager-1:9093")
 *     .generatorUrl("https://app.example.com/vigil")
 *     .build();
 * }</pre>
 *
 * <p><b>Protocol.</b> Posts a JSON array of alerts to {@code /api/v2/alerts} of every configured
 * instance, as Prometheus does (list each instance of an Alertmanager cluster, never a load
 * balancer in front of them: the cluster de-duplicates across instances). Each alert has the
 * notification's {@code labels} (names that Alertmanager would reject are rewritten to {@code
 * [a-zA-Z_][a-zA-Z0-9_]*}, empty values dropped), {@code annotations} ({@code summary}, {@code
 * description} when not empty, {@code value}, {@code threshold}), {@code startsAt}, {@code endsAt}
 * and {@code generatorURL} when configured. A firing alert's {@code endsAt} lies 4 resend intervals
 * ahead (Prometheus' rule); a resolved alert's is its resolution time.
 *
 * <p><b>Re-sending.</b> Alertmanager resolves an alert it has not heard of by its {@code endsAt}.
 * The sink therefore re-posts every alert it knows to fire every {@link Builder#resendInterval} (1
 * minute by default) on one daemon thread, {@code vigil-alertmanager-resend-N}, started with the
 * first firing alert. When an alert's labels change (a new severity), the old label set is posted
 * as resolved.
 *
 * <p><b>Failure.</b> The instances are posted to in parallel, each bounded by {@link HttpSettings},
 * so one that hangs or fails never blocks the others. A delivery succeeds when at least one
 * instance accepted it (Prometheus' rule; the cluster spreads it, and the next re-send heals a
 * missed instance); failures of the others are logged at WARN, at most once a minute per instance.
 * When every instance fails the sink throws: {@link PermanentDeliveryException} if every one
 * answered a permanent status (a 400 for an invalid alert), else an {@link IOException}.
 *
 * <p><b>Threading and lifecycle.</b> Thread safe. {@link #close()} stops the re-send thread and the
 * HTTP threads; it does not resolve the alerts (another replica may still see them fire:
 * Alertmanager resolves them by their {@code endsAt}).
 */
public final class AlertmanagerSink implements AlertGroupSink {
  private static final Logger log = LoggerFactory.getLogger(AlertmanagerSink.class);
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern LABEL_UNSAFE = Pattern.compile("[^a-zA-Z0-9_]");

  private final List<Endpoint> instances;
  private final String generatorUrl;
  private final Duration resendInterval;
  private final Clock clock;
  private final HttpSettings settings;
  private final HttpTransport http;
  private final ExecutorService posters;
  private final LogThrottle throttle;

  private final Object lock = new Object();

  /** Firing alerts by Vigil fingerprint: the last notification and the labels posted for it. */
  private final Map<String, Active> active = new LinkedHashMap<>(); // guarded by lock

  private @Nullable ScheduledExecutorService resender; // guarded by lock
  private boolean closed; // guarded by lock

  private record Active(AlertNotification notification, Map<String, String> labels) {}

  private AlertmanagerSink(Builder b) {
    this.instances = List.copyOf(b.instances);
    this.generatorUrl = b.generatorUrl;
    this.resendInterval = b.resendInterval;
    this.clock = b.clock;
    this.settings = b.http;
    this.http = new HttpTransport("alertmanager", b.http, clock);
    this.posters = Executors.newCachedThreadPool(new NamedThreadFactory("alertmanager"));
    this.throttle = LogThrottle.perMinute(System::nanoTime);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Posts the group's alerts to every instance.
   *
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if this sink is closed
   * @throws PermanentDeliveryException if every instance refused the alerts for good
   * @throws IOException if no instance accepted them
   */
  @Override
  public void deliverGroup(AlertGroup group) throws IOException, PermanentDeliveryException {
    requireNonNull(group, "group == null");
    Instant now = clock.instant();
    List<Object> alerts = new ArrayList<>();
    boolean firing = false;
    synchronized (lock) {
      if (closed) throw new IllegalStateException("AlertmanagerSink is closed");
      for (AlertNotification n : group.notifications()) {
        Map<String, String> labels = labels(n);
        Active before = active.get(n.fingerprint());
        if (before != null && !before.labels().equals(labels)) {
          // New labels (a new severity) make a new alert in Alertmanager: end the old one.
          alerts.add(alert(before.notification(), before.labels(), now, now));
        }
        if (n.status() == AlertStatus.FIRING) {
          active.put(n.fingerprint(), new Active(n, labels));
          firing = true;
        } else {
          active.remove(n.fingerprint());
        }
        alerts.add(alert(n, labels, now, null));
      }
      if (firing) startResender();
    }
    postToAll(Json.write(alerts).getBytes(StandardCharsets.UTF_8), true);
  }

  /** Re-posts every firing alert; run by the re-send thread, and by tests. */
  void resendNow() {
    Instant now = clock.instant();
    List<Object> alerts = new ArrayList<>();
    synchronized (lock) {
      if (closed) return;
      for (Active a : active.values()) alerts.add(alert(a.notification(), a.labels(), now, null));
    }
    if (alerts.isEmpty()) return;
    try {
      postToAll(Json.write(alerts).getBytes(StandardCharsets.UTF_8), false);
    } catch (Exception e) {
      long n = throttle.admit("resend");
      if (n >= 0) {
        log.warn(
            "Could not re-send {} firing alerts to Alertmanager: {}{}",
            alerts.size(),
            Throwables.message(e),
            LogThrottle.repeats(n));
      }
    }
  }

  private void resendSafely() {
    try {
      resendNow();
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      log.warn("Alertmanager re-send failed: {}", Throwables.message(t));
    }
  }

  private void startResender() {
    if (resender != null) return;
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("alertmanager-resend"));
    s.setRemoveOnCancelPolicy(true);
    long every = resendInterval.toMillis();
    // resendSafely catches everything, so the future holds nothing worth reading.
    var unused = s.scheduleWithFixedDelay(this::resendSafely, every, every, TimeUnit.MILLISECONDS);
    resender = s;
  }

  /**
   * Posts {@code body} to every instance in parallel and waits for all, each bounded by the HTTP
   * deadline (and one short {@code Retry-After}).
   */
  private void postToAll(byte[] body, boolean report)
      throws IOException, PermanentDeliveryException {
    List<CompletableFuture<@Nullable Exception>> calls = new ArrayList<>();
    for (Endpoint instance : instances) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  http.post(instance, Map.of(), body, List.of());
                  return null;
                } catch (Exception e) {
                  return e;
                }
              },
              posters));
    }
    long deadline =
        System.nanoTime()
            + 2 * settings.timeout.toNanos()
            + settings.maxRetryAfter.toNanos()
            + TimeUnit.SECONDS.toNanos(1);
    List<Exception> failures = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Exception e;
      try {
        e = calls.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted posting to Alertmanager");
      } catch (ExecutionException | TimeoutException te) {
        calls.get(i).cancel(true);
        e = new IOException("POST " + instances.get(i) + ": no answer in time");
      }
      if (e != null) failures.add(e);
    }
    if (failures.size() < instances.size()) {
      if (report) {
        for (Exception e : failures) {
          long n = throttle.admit(e.getClass().getName() + instanceOf(e));
          if (n >= 0) {
            log.warn(
                "Alertmanager instance failed, the others took the alerts: {}{}",
                Throwables.message(e),
                LogThrottle.repeats(n));
          }
        }
      }
      return;
    }
    boolean allPermanent = failures.stream().allMatch(e -> e instanceof PermanentDeliveryException);
    StringBuilder text = new StringBuilder("no Alertmanager instance accepted the alerts: ");
    for (int i = 0; i < failures.size(); i++) {
      if (i > 0) text.append("; ");
      text.append(Throwables.message(failures.get(i)));
    }
    if (allPermanent) throw new PermanentDeliveryException(text.toString(), failures.get(0));
    IOException e = new IOException(text.toString(), failures.get(0));
    for (Exception f : failures.subList(1, failures.size())) e.addSuppressed(f);
    throw e;
  }

  private String instanceOf(Exception e) {
    String m = String.valueOf(e.getMessage());
    for (Endpoint i : instances) if (m.contains(i.shown)) return i.shown;
    return "";
  }

  /** One postable alert, with {@code endsAt} overridden when given. */
  private Map<String, @Nullable Object> alert(
      AlertNotification n, Map<String, String> labels, Instant now, @Nullable Instant endsAt) {
    Map<String, @Nullable Object> a = AlertJson.object();
    a.put("labels", labels);
    a.put("annotations", AlertJson.annotations(n));
    a.put("startsAt", AlertJson.time(n.startsAt()));
    Instant end = endsAt;
    if (end == null) {
      Instant resolvedAt = n.endsAt();
      end = resolvedAt != null ? resolvedAt : now.plus(resendInterval.multipliedBy(4));
    }
    a.put("endsAt", AlertJson.time(end));
    if (!generatorUrl.isEmpty()) a.put("generatorURL", generatorUrl);
    return a;
  }

  /** The labels as Alertmanager accepts them: valid names, no empty values. */
  static Map<String, String> labels(AlertNotification n) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : n.labels().entrySet()) {
      if (e.getValue().isEmpty()) continue;
      String name = e.getKey();
      if (!LABEL_NAME.matcher(name).matches()) {
        name = LABEL_UNSAFE.matcher(name).replaceAll("_");
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) name = "_" + name;
      }
      out.putIfAbsent(name, e.getValue());
    }
    out.put("alertname", n.rule());
    return out;
  }

  /** Stops the re-send thread and the HTTP threads. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (lock) {
      closed = true;
      s = resender;
      resender = null;
    }
    if (s != null) s.shutdownNow();
    posters.shutdownNow();
    http.close();
  }

  /** How many alerts the sink re-sends; for tests. */
  int firingCount() {
    synchronized (lock) {
      return active.size();
    }
  }

  @Override
  public String toString() {
    return "AlertmanagerSink{instances=" + instances + ", resendInterval=" + resendInterval + "}";
  }

  /** Builds an {@link AlertmanagerSink}. Not thread safe. At least one instance is required. */
  public static final class Builder {
    private final List<Endpoint> instances = new ArrayList<>();
    private String generatorUrl = "";
    private Duration resendInterval = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private HttpSettings http = HttpSettings.ofDefaults();

    private Builder() {}

    /**
     * Adds Alertmanager instances by base URL ({@code http://alertmanager-0:9093}, or with a path
     * prefix for {@code --web.route-prefix}); repeatable. Plain http is allowed: Alertmanager
     * usually runs inside the cluster.
     *
     * @throws NullPointerException if {@code urls} or one of them is null
     * @throws IllegalArgumentException if a URL is not http(s) or holds user info
     */
    public Builder instances(String... urls) {
      requireNonNull(urls, "instances == null");
      List<Endpoint> parsed = new ArrayList<>();
      for (String url : urls) {
        parsed.add(Endpoint.parse("instances", url, false, true).resolve("/api/v2/alerts"));
      }
      instances.addAll(parsed);
      return this;
    }

    /**
     * Sets every alert's {@code generatorURL}, a link back to the application; none by default.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL
     */
    public Builder generatorUrl(String url) {
      requireNonNull(url, "generatorUrl == null");
      Endpoint.parse("generatorUrl", url, false, true);
      this.generatorUrl = url.strip();
      return this;
    }

    /**
     * Sets how often firing alerts are posted again; 1 minute by default. A firing alert's {@code
     * endsAt} is 4 intervals ahead, so Alertmanager keeps it firing through 3 missed re-sends.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is under 1 second
     */
    public Builder resendInterval(Duration interval) {
      Durations.positive(interval, "resendInterval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("resendInterval must be at least 1s: " + interval);
      }
      this.resendInterval = interval;
      return this;
    }

    /**
     * Sets the clock for {@code endsAt}; UTC system time by default.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets the HTTP timeouts, {@code Retry-After} limit and client.
     *
     * @throws NullPointerException if {@code http} is null
     */
    public Builder http(HttpSettings http) {
      this.http = requireNonNull(http, "http == null");
      return this;
    }

    /**
     * Returns a new sink.
     *
     * @throws IllegalStateException if no instance is set, or one is listed twice
     */
    public AlertmanagerSink build() {
      if (instances.isEmpty()) {
        throw new IllegalStateException(
            "instances is not set: list every Alertmanager instance, such as"
                + " instances(\"http://alertmanager-0:9093\", \"http://alertmanager-1:9093\")");
      }
      if (instances.stream().map(e -> e.uri).distinct().count() < instances.size()) {
        throw new IllegalStateException("instances lists an Alertmanager twice: " + instances);
      }
      return new AlertmanagerSink(this);
    }
  }
}
