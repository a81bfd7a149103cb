package dev.vigil.alerts;

import static java.util.Objects.requireNonNull;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.PermanentDeliveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Posts one JSON document per notification or per {@link AlertGroup} to a URL: the payload of
 * Alertmanager's webhook receiver ({@code "version": "4"}), so receivers written for Alertmanager
 * work unchanged, plus Vigil's fields ({@code "vigilVersion": "1"}).
 *
 * <pre>{@code
 * WebhookAlertSink webhook = WebhookAlertSink.builder()
 *     .url("https://hooks.example.com/vigil")
 *     .signingSecret(secret)              // optional: X-Vigil-Signature
 *     .header("Authorization", "Bearer " + token)
 *     .build();
 * }</pre>
 *
 * <p><b>Payload</b> ({@code docs/sinks.md} has a full example): {@code version} "4", {@code
 * vigilVersion} "1", {@code groupKey}, {@code truncatedAlerts}, {@code status} ({@code firing} if
 * one alert fires), {@code receiver}, {@code groupLabels}, {@code commonLabels}, {@code
 * commonAnnotations}, {@code externalURL}, {@code kind} ({@code GROUP} or {@code DIGEST}), {@code
 * idempotencyKey}, and {@code alerts}: each with {@code status}, {@code labels}, {@code
 * annotations} ({@code summary}, {@code description}, {@code value}, {@code threshold}), {@code
 * startsAt}, {@code endsAt} ({@code 0001-01-01T00:00:00Z} while firing, as Alertmanager writes),
 * {@code generatorURL}, {@code fingerprint}, and Vigil's {@code type}, {@code severity}, {@code
 * value}, {@code threshold} and {@code idempotencyKey}. Fields are only ever added within {@code
 * vigilVersion} 1.
 *
 * <p><b>Headers.</b> {@code Idempotency-Key} is the group's {@link AlertGroup#idempotencyKey()} (a
 * notification alone travels as a group of one), the same on every attempt: receivers de-duplicate
 * on it. With a signing secret, {@code X-Vigil-Timestamp} holds the Unix time in seconds of the
 * attempt and {@code X-Vigil-Signature} is {@code v1=} followed by the lower-case hex HMAC-SHA256,
 * keyed with the secret's UTF-8 bytes, of {@code <timestamp>.<body>}; a receiver recomputes it over
 * the raw body, compares in constant time and rejects timestamps more than a few minutes old, which
 * defeats replays.
 *
 * <p><b>Failure.</b> 2xx is delivered. 408, 429 and 5xx throw {@link HttpStatusException}
 * (transient: the monitor retries; a short {@code Retry-After} is waited out first, see {@link
 * HttpSettings}). Any other status, a 3xx included (redirects are never followed), throws {@link
 * PermanentDeliveryException}. Connection failures and timeouts throw {@link IOException}. No
 * message, log line or {@link #toString()} holds the URL's query, a header value or the secret.
 *
 * <p><b>Threading and lifecycle.</b> Thread safe; each call posts on the caller's thread. {@link
 * #close()} stops the HTTP client's threads (unless the host passed its own client); a closed sink
 * refuses to deliver.
 */
public final class WebhookAlertSink implements AlertGroupSink {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> RESERVED =
      Set.of(
          "content-type",
          "content-length",
          "host",
          "connection",
          "expect",
          "upgrade",
          "idempotency-key",
          "user-agent");

  private final Endpoint url;
  private final String receiver;
  private final String externalUrl;
  private final String generatorUrl;
  private final int maxAlerts;
  private final Map<String, String> headers;
  private final byte @Nullable [] secret;
  private final Clock clock;
  private final HttpTransport http;
  private volatile boolean closed;

  private WebhookAlertSink(Builder b, Endpoint url) {
    this.url = url;
    this.receiver = b.receiver;
    this.externalUrl = b.externalUrl;
    this.generatorUrl = b.generatorUrl;
    this.maxAlerts = b.maxAlerts;
    this.headers = Map.copyOf(b.headers);
    this.secret = b.secret == null ? null : b.secret.clone();
    this.clock = b.clock;
    this.http = new HttpTransport("webhook", b.http, clock);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Posts {@code group} as one JSON document.
   *
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if this sink is closed
   * @throws HttpStatusException if the receiver answered 408, 429 or 5xx
   * @throws PermanentDeliveryException if it answered another status that is not 2xx
   * @throws IOException if the request failed or timed out
   */
  @Override
  public void deliverGroup(AlertGroup group) throws IOException, PermanentDeliveryException {
    requireNonNull(group, "group == null");
    if (closed) throw new IllegalStateException("WebhookAlertSink is closed");
    byte[] body = payload(group).getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Idempotency-Key", group.idempotencyKey());
    byte[] key = secret;
    if (key != null) {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      h.put("X-Vigil-Timestamp", timestamp);
      h.put("X-Vigil-Signature", "v1=" + sign(key, timestamp, body));
    }
    List<String> secrets = new ArrayList<>();
    if (key != null) secrets.add(new String(key, StandardCharsets.UTF_8));
    // Only configured header values are secret; the signature and key are not.
    Map<String, String> shownFree = new LinkedHashMap<>(h);
    http.post(url, shownFree, body, secrets);
  }

  /**
   * Returns the lower-case hex HMAC-SHA256 of {@code <timestamp>.<body>} keyed with {@code key}:
   * the value after {@code v1=} in {@code X-Vigil-Signature}.
   */
  static String sign(byte[] key, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  /** Returns the JSON document for {@code group}. */
  String payload(AlertGroup group) {
    List<AlertNotification> all = group.notifications();
    List<AlertNotification> sent =
        maxAlerts > 0 && all.size() > maxAlerts ? all.subList(0, maxAlerts) : all;
    List<Map<String, String>> labels = new ArrayList<>();
    List<Map<String, String>> annotations = new ArrayList<>();
    List<Object> alerts = new ArrayList<>();
    for (AlertNotification n : sent) {
      Map<String, String> a = AlertJson.annotations(n);
      labels.add(n.labels());
      annotations.add(a);
      Map<String, @Nullable Object> alert = AlertJson.object();
      alert.put("status", AlertJson.status(n.status()));
      alert.put("labels", n.labels());
      alert.put("annotations", a);
      alert.put("startsAt", AlertJson.time(n.startsAt()));
      Instant endsAt = n.endsAt();
      alert.put("endsAt", endsAt == null ? AlertJson.ZERO_TIME : AlertJson.time(endsAt));
      alert.put("generatorURL", generatorUrl);
      alert.put("fingerprint", n.fingerprint());
      alert.put("type", n.type().name());
      alert.put("severity", n.severity().name());
      alert.put("value", n.value());
      alert.put("threshold", n.threshold());
      alert.put("idempotencyKey", n.idempotencyKey());
      alerts.add(alert);
    }
    Map<String, @Nullable Object> doc = AlertJson.object();
    doc.put("version", "4");
    doc.put("vigilVersion", "1");
    doc.put("groupKey", group.groupKey());
    doc.put("truncatedAlerts", all.size() - sent.size());
    doc.put("status", AlertJson.status(group));
    doc.put("receiver", receiver);
    doc.put("groupLabels", group.groupLabels());
    doc.put("commonLabels", AlertJson.common(labels));
    doc.put("commonAnnotations", AlertJson.common(annotations));
    doc.put("externalURL", externalUrl);
    doc.put("kind", group.kind().name());
    doc.put("idempotencyKey", group.idempotencyKey());
    doc.put("alerts", alerts);
    return Json.write(doc);
  }

  /** Stops the HTTP client's threads and forgets the signing secret. Idempotent. */
  @Override
  public void close() {
    closed = true;
    byte[] key = secret;
    if (key != null) Arrays.fill(key, (byte) 0);
    http.close();
  }

  /** Returns the URL without query, the receiver and the header names; never a secret. */
  @Override
  public String toString() {
    return "WebhookAlertSink{"
        + url
        + ", receiver="
        + receiver
        + (headers.isEmpty() ? "" : ", headers=" + new java.util.TreeSet<>(headers.keySet()))
        + (secret != null ? ", signed" : "")
        + "}";
  }

  /** Builds a {@link WebhookAlertSink}. Not thread safe. {@link #url} is required. */
  public static final class Builder {
    private @Nullable Endpoint url;
    private String receiver = "vigil";
    private String externalUrl = "";
    private String generatorUrl = "";
    private int maxAlerts;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte @Nullable [] secret;
    private Clock clock = Clock.systemUTC();
    private HttpSettings http = HttpSettings.ofDefaults();

    private Builder() {}

    /**
     * Sets the URL to post to. Required. Must be {@code https}, but for a loopback host.
     *
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an http(s) URL, holds user info, or is
     *     plain http to a host that is not loopback
     */
    public Builder url(String url) {
      this.url = Endpoint.parse("url", url, false, false);
      return this;
    }

    /**
     * Sets the payload's {@code receiver}; {@code "vigil"} by default.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Builder receiver(String name) {
      this.receiver = requireNonNull(name, "receiver == null");
      return this;
    }

    /**
     * Sets the payload's {@code externalURL}, a link back to the application; empty by default.
     *
     * @throws NullPointerException if {@code url} is null
     */
    public Builder externalUrl(String url) {
      this.externalUrl = requireNonNull(url, "externalUrl == null");
      return this;
    }

    /**
     * Sets every alert's {@code generatorURL}, such as a dashboard link; empty by default.
     *
     * @throws NullPointerException if {@code url} is null
     */
    public Builder generatorUrl(String url) {
      this.generatorUrl = requireNonNull(url, "generatorUrl == null");
      return this;
    }

    /**
     * Sets the most alerts one payload carries, the rest counted in {@code truncatedAlerts} (as
     * Alertmanager's {@code max_alerts}); 0, the default, for no limit.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Builder maxAlerts(int max) {
      if (max < 0) throw new IllegalArgumentException("maxAlerts is negative: " + max);
      this.maxAlerts = max;
      return this;
    }

    /**
     * Adds a request header, such as {@code Authorization}. Its value is treated as a secret: it
     * never appears in {@code toString()}, logs or exception messages.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is not an HTTP token or is set by the sink
     *     ({@code Content-Type}, {@code Idempotency-Key}, {@code X-Vigil-*}, ...), or {@code value}
     *     holds control characters
     */
    public Builder header(String name, String value) {
      requireNonNull(name, "header name == null");
      requireNonNull(value, "header value == null");
      String lower = name.toLowerCase(Locale.ROOT);
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "header name is not an HTTP token: " + Text.escape(name));
      }
      if (RESERVED.contains(lower) || lower.startsWith("x-vigil-")) {
        throw new IllegalArgumentException("header " + name + " is set by the sink");
      }
      if (Text.hasUnsafe(value)) {
        throw new IllegalArgumentException("header " + name + " holds control characters");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * Signs every request with HMAC-SHA256 ({@code X-Vigil-Timestamp}, {@code X-Vigil-Signature});
     * the array is copied.
     *
     * @throws NullPointerException if {@code secret} is null
     * @throws IllegalArgumentException if {@code secret} has fewer than 16 characters
     */
    public Builder signingSecret(char[] secret) {
      requireNonNull(secret, "signingSecret == null");
      if (secret.length < 16) {
        throw new IllegalArgumentException(
            "signingSecret must have at least 16 characters, has " + secret.length);
      }
      byte[] bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(secret)).array();
      int n = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(secret)).limit();
      this.secret = Arrays.copyOf(bytes, n);
      Arrays.fill(bytes, (byte) 0);
      return this;
    }

    /**
     * Signs every request, as {@link #signingSecret(char[])} does.
     *
     * @throws NullPointerException if {@code secret} is null
     * @throws IllegalArgumentException if {@code secret} has fewer than 16 characters
     */
    public Builder signingSecret(String secret) {
      requireNonNull(secret, "signingSecret == null");
      return signingSecret(secret.toCharArray());
    }

    /**
     * Sets the HTTP timeouts, {@code Retry-After} limit and client; {@link
     * HttpSettings#ofDefaults()} by default.
     *
     * @throws NullPointerException if {@code http} is null
     */
    public Builder http(HttpSettings http) {
      this.http = requireNonNull(http, "http == null");
      return this;
    }

    /**
     * Sets the clock for {@code X-Vigil-Timestamp} and {@code Retry-After} dates; UTC system time
     * by default.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Returns a new sink.
     *
     * @throws IllegalStateException if {@code url} is not set
     */
    public WebhookAlertSink build() {
      Endpoint u = url;
      if (u == null) throw new IllegalStateException("url is not set: call url(\"https://...\")");
      return new WebhookAlertSink(this, u);
    }
  }
}
