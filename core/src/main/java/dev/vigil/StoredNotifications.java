package dev.vigil;

import dev.vigil.internal.Codec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link AlertNotification}s and {@link AlertGroup}s as records of a {@code StateStore}: version
 * {@code n2} (or {@code n1}, written before notifications carried their recent values) / {@code
 * g1}, then every component. Decoding fails with {@link IllegalArgumentException} on anything else,
 * so a record of an unknown format is reported, never half-read.
 */
final class StoredNotifications {
  private StoredNotifications() {}

  static String encode(AlertNotification n) {
    return Codec.join(fields(n));
  }

  private static List<String> fields(AlertNotification n) {
    List<String> f = new ArrayList<>();
    f.add("n2");
    f.add(n.rule());
    f.add(n.status().name());
    f.add(n.severity().name());
    f.add(n.resource());
    f.add(n.summary());
    f.add(Double.toString(n.value()));
    f.add(Double.toString(n.threshold()));
    f.add(n.startsAt().toString());
    Instant endsAt = n.endsAt();
    f.add(endsAt == null ? "" : endsAt.toString());
    f.add(n.fingerprint());
    f.add(n.type().name());
    f.add(n.description());
    f.add(n.at().toString());
    f.add(Integer.toString(n.labels().size()));
    n.labels()
        .forEach(
            (k, v) -> {
              f.add(k);
              f.add(v);
            });
    f.add(Integer.toString(n.recentValues().size()));
    for (AlertNotification.Point p : n.recentValues()) {
      f.add(Long.toString(p.at().toEpochMilli()));
      f.add(Double.toString(p.value()));
    }
    return f;
  }

  static AlertNotification decode(String record) {
    List<String> f = Codec.split(record);
    int[] at = {0};
    AlertNotification n = read(f, at);
    if (at[0] != f.size()) throw new IllegalArgumentException("trailing fields");
    return n;
  }

  private static AlertNotification read(List<String> f, int[] at) {
    String version = next(f, at);
    if (!version.equals("n1") && !version.equals("n2")) {
      throw new IllegalArgumentException("not a notification (n1, n2)");
    }
    String rule = next(f, at);
    AlertStatus status = AlertStatus.valueOf(next(f, at));
    Severity severity = Severity.valueOf(next(f, at));
    String resource = next(f, at);
    String summary = next(f, at);
    double value = Double.parseDouble(next(f, at));
    double threshold = Double.parseDouble(next(f, at));
    Instant startsAt = Instant.parse(next(f, at));
    String end = next(f, at);
    Instant endsAt = end.isEmpty() ? null : Instant.parse(end);
    String fingerprint = next(f, at);
    NotificationType type = NotificationType.valueOf(next(f, at));
    String description = next(f, at);
    Instant made = Instant.parse(next(f, at));
    int labels = Integer.parseInt(next(f, at));
    if (labels < 0 || labels > 10_000) throw new IllegalArgumentException("labels: " + labels);
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < labels; i++) map.put(next(f, at), next(f, at));
    List<AlertNotification.Point> points = new ArrayList<>();
    if (version.equals("n2")) { // n1: written before notifications carried recent values
      int count = Integer.parseInt(next(f, at));
      if (count < 0 || count > AlertNotification.MAX_RECENT_VALUES) {
        throw new IllegalArgumentException("recent values: " + count);
      }
      for (int i = 0; i < count; i++) {
        Instant t = Instant.ofEpochMilli(Long.parseLong(next(f, at)));
        points.add(new AlertNotification.Point(t, Double.parseDouble(next(f, at))));
      }
    }
    return new AlertNotification(
        rule,
        status,
        severity,
        resource,
        map,
        summary,
        value,
        threshold,
        startsAt,
        endsAt,
        fingerprint,
        type,
        description,
        made,
        points);
  }

  private static String next(List<String> f, int[] at) {
    if (at[0] >= f.size()) throw new IllegalArgumentException("record too short");
    return f.get(at[0]++);
  }

  /** A queued item: a notification alone, or a group with its notifications. */
  static String encodeItem(List<AlertNotification> notifications, @Nullable AlertGroup group) {
    List<String> f = new ArrayList<>();
    if (group == null) {
      f.add("i1");
      f.add("");
    } else {
      f.add("g1");
      f.add(group.kind().name());
      f.add(group.groupKey());
      f.add(group.at().toString());
      f.add(Integer.toString(group.groupLabels().size()));
      group
          .groupLabels()
          .forEach(
              (k, v) -> {
                f.add(k);
                f.add(v);
              });
    }
    f.add(Integer.toString(notifications.size()));
    for (AlertNotification n : notifications) f.addAll(fields(n));
    return Codec.join(f);
  }

  /** A decoded queued item. */
  record Item(List<AlertNotification> notifications, @Nullable AlertGroup group) {}

  static Item decodeItem(String record) {
    List<String> f = Codec.split(record);
    int[] at = {0};
    String version = next(f, at);
    AlertGroup.Kind kind = null;
    String key = null;
    Instant flushed = null;
    Map<String, String> labels = new LinkedHashMap<>();
    if (version.equals("i1")) {
      next(f, at);
    } else if (version.equals("g1")) {
      kind = AlertGroup.Kind.valueOf(next(f, at));
      key = next(f, at);
      flushed = Instant.parse(next(f, at));
      int n = Integer.parseInt(next(f, at));
      if (n < 0 || n > 10_000) throw new IllegalArgumentException("labels: " + n);
      for (int i = 0; i < n; i++) labels.put(next(f, at), next(f, at));
    } else {
      throw new IllegalArgumentException("not a queued item (i1, g1): " + version);
    }
    int count = Integer.parseInt(next(f, at));
    if (count < 1 || count > 1_000_000) throw new IllegalArgumentException("items: " + count);
    List<AlertNotification> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(read(f, at));
    if (at[0] != f.size()) throw new IllegalArgumentException("trailing fields");
    AlertGroup group =
        kind == null || key == null || flushed == null
            ? null
            : new AlertGroup(kind, key, labels, out, flushed);
    if (group == null && out.size() != 1) throw new IllegalArgumentException("item of " + count);
    return new Item(List.copyOf(out), group);
  }
}
