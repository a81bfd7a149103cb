package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertNotification;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import dev.vigil.internal.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Sends one PagerDuty Events API v2 event per notification: {@code trigger} while the alert fires
 * (a reminder or a new severity re-triggers the same incident), {@code resolve} when it is
 * resolved, both with {@code dedup_key} = the alert's fingerprint, so PagerDuty keeps one incident
 * per alert and the resolution closes it.
 *
 * <pre>{@code
 * PagerDutyAlertSink pd = PagerDutyAlertSink.builder()
 *     .routingKey(System.getenv("PAGERDUTY_ROUTING_KEY")) // the integration key
 *     .build();
 * }</pre>
 *
 * <p><b>Event.</b> POST {@code https://events.pagerduty.com/v2/enqueue} (or {@link Builder#url},
 * for the EU service region) with {@code routing_key}, {@code event_action}, {@code dedup_key},
 * {@code client} {@code "Vigil"} (and {@code client_url}), and for a trigger a {@code payload}:
 * {@code summary} (the headline and summary, at most 1024 characters), {@code source} (the
 * resource), {@code severity} ({@link Severity#CRITICAL} → {@code critical}, {@link
 * Severity#WARNING} → {@code warning}, {@link Severity#INFO} → {@code info}), {@code timestamp},
 * {@code component} (the resource), {@code group} and {@code class} (the rule), and {@code
 * custom_details} (labels, value, threshold, description, type).
 *
 * <p><b>Failure.</b> PagerDuty answers 202; 429 and 5xx are transient (honouring {@code
 * Retry-After}), 400 (invalid event) and other statuses permanent. The routing key never appears in
 * messages, logs or {@link #toString()}.
 *
 * <p><b>Threading and lifecycle.</b> Thread safe; {@link #close()} stops the HTTP threads and
 * forgets the routing key.
 */
public final class PagerDutyAlertSink implements AlertSink {
  /** The Events API v2 endpoint of PagerDuty's US service region. */
  public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

  private static final int MAX_SUMMARY = 1024;

  private final Endpoint url;
  private final char[] routingKey;
  private final String clientUrl;
  private final HttpTransport http;
  private volatile boolean closed;

  private PagerDutyAlertSink(Builder b, char[] routingKey) {
    this.url = requireNonNull(b.url);
    this.routingKey = routingKey.clone();
    this.clientUrl = b.clientUrl;
    this.http = new HttpTransport("pagerduty", b.http, Clock.systemUTC());
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends the trigger or resolve event for {@code notification}.
   *
   * @throws NullPointerException if {@code notification} is null
   * @throws IllegalStateException if this sink is closed
   * @throws HttpStatusException if PagerDuty answered 429 or 5xx
   * @throws PermanentDeliveryException if it answered another status that is not 2xx
   * @throws IOException if the request failed or timed out
   */
  @Override
  public void deliver(AlertNotification notification)
      throws IOException, PermanentDeliveryException {
    requireNonNull(notification, "notification == null");
    String key;
    synchronized (routingKey) {
      if (closed) throw new IllegalStateException("PagerDutyAlertSink is closed");
      key = new String(routingKey);
    }
    byte[] body = event(notification, key, clientUrl).getBytes(StandardCharsets.UTF_8);
    http.post(url, Map.of(), body, List.of(key));
  }

  /** Returns the event for {@code n}. */
  static String event(AlertNotification n, String routingKey, String clientUrl) {
    Map<String, @Nullable Object> e = AlertJson.object();
    e.put("routing_key", routingKey);
    boolean resolve = n.status() == AlertStatus.RESOLVED;
    e.put("event_action", resolve ? "resolve" : "trigger");
    e.put("dedup_key", n.fingerprint());
    if (!resolve) {
      Map<String, @Nullable Object> p = AlertJson.object();
      p.put("summary", Summaries.cut(Summaries.headline(n) + ": " + n.summary(), MAX_SUMMARY));
      p.put("source", n.resource());
      p.put("severity", severity(n.severity()));
      p.put("timestamp", AlertJson.time(n.at()));
      p.put("component", n.resource());
      p.put("group", n.rule());
      p.put("class", n.rule());
      Map<String, Object> details = new TreeMap<>(n.labels());
      details.put("value", Templates.formatNumber(n.value()));
      details.put("threshold", Templates.formatNumber(n.threshold()));
      details.put("type", n.type().name());
      if (!n.description().isEmpty()) details.put("description", n.description());
      p.put("custom_details", details);
      e.put("payload", p);
      e.put("client", "Vigil");
      if (!clientUrl.isEmpty()) e.put("client_url", clientUrl);
    }
    return Json.write(e);
  }

  /**
   * Maps a severity onto PagerDuty's {@code critical}, {@code error}, {@code warning}, {@code
   * info}.
   */
  static String severity(Severity s) {
    // No default: a new Severity constant must be mapped here or this does not compile.
    return switch (s) {
      case CRITICAL -> "critical";
      case WARNING -> "warning";
      case INFO -> "info";
    };
  }

  /** Stops the HTTP threads and forgets the routing key. Idempotent. */
  @Override
  public void close() {
    synchronized (routingKey) {
      closed = true;
      Arrays.fill(routingKey, '\0');
    }
    http.close();
  }

  /** Returns the endpoint; never the routing key. */
  @Override
  public String toString() {
    return "PagerDutyAlertSink{" + url + "}";
  }

  /** Builds a {@link PagerDutyAlertSink}. Not thread safe. {@link #routingKey} is required. */
  public static final class Builder {
    private Endpoint url = Endpoint.parse("url", DEFAULT_URL, false, false);
    private char @Nullable [] routingKey;
    private String clientUrl = "";
    private HttpSettings http = HttpSettings.ofDefaults();

    private Builder() {}

    /**
     * Sets the integration's routing key (the "Integration Key" of an Events API v2 integration).
     * Required.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is blank or holds whitespace or controls
     */
    public Builder routingKey(String key) {
      requireNonNull(key, "routingKey == null");
      if (key.isBlank() || key.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException("routingKey is blank or holds whitespace");
      }
      this.routingKey = key.toCharArray();
      return this;
    }

    /**
     * Sets the Events API URL; {@value PagerDutyAlertSink#DEFAULT_URL} by default ({@code
     * https://events.eu.pagerduty.com/v2/enqueue} for the EU service region).
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an https URL
     */
    public Builder url(String url) {
      this.url = Endpoint.parse("url", url, false, false);
      return this;
    }

    /**
     * Sets {@code client_url}, the link PagerDuty shows next to "Vigil"; none by default.
     *
     * @throws NullPointerException if {@code url} is null
     */
    public Builder clientUrl(String url) {
      this.clientUrl = requireNonNull(url, "clientUrl == null");
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
     * @throws IllegalStateException if {@code routingKey} is not set
     */
    public PagerDutyAlertSink build() {
      char[] key = routingKey;
      if (key == null) {
        throw new IllegalStateException(
            "routingKey is not set: pass the Integration Key of an Events API v2 integration");
      }
      return new PagerDutyAlertSink(this, key);
    }
  }
}
