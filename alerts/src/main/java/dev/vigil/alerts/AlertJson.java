package dev.vigil.alerts;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.internal.Templates;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping of a notification onto Alertmanager's alert fields, shared by {@link
 * WebhookAlertSink} (its payload follows Alertmanager's webhook) and {@link AlertmanagerSink}
 * (which posts Alertmanager's own API): labels as they are, annotations {@code summary}, {@code
 * description} (when not empty), {@code value} and {@code threshold}, times in RFC 3339 UTC.
 */
final class AlertJson {
  private AlertJson() {}

  /** What Alertmanager writes for an alert without {@code endsAt}: Go's zero time. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** {@code firing} or {@code resolved}, as Alertmanager spells them. */
  static String status(AlertStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /** {@code firing} if one notification of the group fires, else {@code resolved}. */
  static String status(AlertGroup g) {
    return g.firing() > 0 ? "firing" : "resolved";
  }

  static Map<String, String> annotations(AlertNotification n) {
    Map<String, String> a = new TreeMap<>();
    a.put("summary", n.summary());
    if (!n.description().isEmpty()) a.put("description", n.description());
    a.put("value", Templates.formatNumber(n.value()));
    a.put("threshold", Templates.formatNumber(n.threshold()));
    return a;
  }

  /** The entries that every map of {@code maps} holds with the same value, sorted by name. */
  static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> common = new TreeMap<>(maps.get(0));
    for (Map<String, String> m : maps.subList(1, maps.size())) {
      common.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return common;
  }

  /** A fresh ordered map, for building payloads. */
  static Map<String, @Nullable Object> object() {
    return new LinkedHashMap<>();
  }

  /**
   * An ordered map of {@code name, value} pairs: payloads must never be built with {@code Map.of},
   * whose iteration order changes from one JVM run to the next.
   */
  static Map<String, @Nullable Object> object(Object... pairs) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
    return m;
  }
}
