package dev.vigil;

import dev.vigil.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@link NotificationLog}'s record in the {@link StateStore}: for each alert a sink was told is
 * open, the last notification it was told and when. The claims are the store's atomic writes, so
 * that of several replicas sharing the store exactly one tells the sink: the opening ({@code
 * putIfAbsent}), each reminder ({@code replace} of the record it read), the resolution ({@code
 * remove}). A failing store is logged and the log goes on as if alone. Thread safe as its store.
 */
final class StoredLog {
  /** An alert restored from the store: what the sink was last told of it, and when. */
  record Told(AlertNotification notification, Instant at) {}

  private final StateStore store;
  private final String space;
  private final StateErrors errors;

  StoredLog(StateStore store, String space, StateErrors errors) {
    this.store = store;
    this.space = space;
    this.errors = errors;
  }

  /** What the store says this sink was told; unreadable records are reported and skipped. */
  Map<String, Told> restore() {
    Map<String, Told> out = new LinkedHashMap<>();
    Map<String, String> records;
    try {
      records = store.load(space);
    } catch (IOException e) {
      errors.failed("load", space, e);
      return out;
    }
    int bad = 0;
    for (Map.Entry<String, String> r : records.entrySet()) {
      Told t = decode(r.getValue());
      if (t == null) bad++;
      else out.put(r.getKey(), t);
    }
    if (bad > 0) {
      errors.failed(
          "read " + bad + " record(s) of", space, new IOException("unknown record format"));
    }
    return out;
  }

  /** Claims telling the sink that an alert is open; false if it was told already (elsewhere). */
  boolean claimOpen(String fingerprint, AlertNotification n, Instant now) {
    try {
      return store.putIfAbsent(space, fingerprint, encode(n, now));
    } catch (IOException e) {
      errors.failed("claim", space, e);
      return true;
    }
  }

  /**
   * Claims telling the sink of a change of an alert it was told is open (a severity change, no
   * data, a flap starting or stopping); false if the store shows the sink was told that state
   * already (by another replica that saw the same change): the record it read is replaced, so of
   * replicas racing for one change exactly one wins.
   */
  boolean claimChange(String fingerprint, AlertNotification n, Instant now) {
    try {
      String current = store.get(space, fingerprint);
      if (current == null) return store.putIfAbsent(space, fingerprint, encode(n, now));
      Told t = decode(current);
      if (t != null && toldState(t.notification()).equals(toldState(n))) return false;
      return store.replace(space, fingerprint, current, encode(n, now));
    } catch (IOException e) {
      errors.failed("claim", space, e);
      return true;
    }
  }

  /** The state of an open alert a notification tells: firing at a severity, no data, flapping. */
  private static String toldState(AlertNotification n) {
    return switch (n.type()) {
      case NO_DATA -> "no data";
      case FLAPPING_STARTED -> "flapping";
      default -> "firing " + n.severity();
    };
  }

  /**
   * Claims a reminder at {@code now}; false if the store shows one (from any replica) within the
   * last {@code repeatInterval}, or another replica took this one.
   */
  boolean claimReminder(
      String fingerprint, AlertNotification reminder, Instant now, Duration repeatInterval) {
    try {
      String current = store.get(space, fingerprint);
      if (current == null) return store.putIfAbsent(space, fingerprint, encode(reminder, now));
      Told t = decode(current);
      if (t != null && now.isBefore(t.at().plus(repeatInterval))) return false;
      return store.replace(space, fingerprint, current, encode(reminder, now));
    } catch (IOException e) {
      errors.failed("claim", space, e);
      return true;
    }
  }

  /** Claims telling the sink that an alert resolved; false if no one told it is open. */
  boolean claimResolved(String fingerprint) {
    try {
      return store.remove(space, fingerprint);
    } catch (IOException e) {
      errors.failed("claim", space, e);
      return true;
    }
  }

  /** Forgets an alert without a resolution (it left the snapshot). */
  void forget(String fingerprint) {
    try {
      store.remove(space, fingerprint);
    } catch (IOException e) {
      errors.failed("write", space, e);
    }
  }

  private static String encode(AlertNotification n, Instant at) {
    return "t1\t" + at + "\t" + StoredNotifications.encode(n); // an Instant holds no tab
  }

  private static @Nullable Told decode(String record) {
    try {
      if (!record.startsWith("t1\t")) return null;
      int tab = record.indexOf('\t', 3);
      if (tab < 0) return null;
      Instant at = Instant.parse(record.substring(3, tab));
      return new Told(StoredNotifications.decode(record.substring(tab + 1)), at);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
