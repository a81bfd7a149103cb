package dev.vigil;

import dev.vigil.internal.Codec;
import dev.vigil.state.StateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the monitor's silences in its {@link StateStore}, space {@code silences}, so they survive a
 * restart and replicas sharing the store share them: a silence made or expired on one is in force,
 * or ended, on the others after their next evaluation. The earlier end wins: expiring is never
 * undone. Ended silences are forgotten a day after their end. Thread safe.
 */
final class SilenceSync {
  static final String SPACE = "silences";
  private static final Duration FORGET_AFTER = Duration.ofDays(1);

  private final StateStore store;
  private final Suppressor suppressor;
  private final Clock clock;
  private final StateErrors errors;

  /** The silences this monitor knows, by id. */
  private final Map<String, Silence> known = new HashMap<>();

  SilenceSync(StateStore store, Suppressor suppressor, Clock clock, StateErrors errors) {
    this.store = store;
    this.suppressor = suppressor;
    this.clock = clock;
    this.errors = errors;
  }

  /** Writes a silence made on this monitor. */
  synchronized void saved(Silence s) {
    known.put(s.id(), s);
    try {
      store.put(SPACE, s.id(), encode(s));
    } catch (IOException e) {
      errors.failed("write", SPACE, e);
    }
  }

  /** Exchanges silences with the store: new ones in, expiries both ways. */
  synchronized void sync() {
    Instant now = clock.instant();
    Map<String, String> records;
    try {
      records = store.load(SPACE);
    } catch (IOException e) {
      errors.failed("load", SPACE, e);
      return;
    }
    for (Map.Entry<String, String> r : records.entrySet()) {
      Silence stored = decode(r.getValue());
      if (stored == null) continue;
      Silence local = known.get(r.getKey());
      if (local == null) {
        if (!stored.isExpired(now)) {
          suppressor.add(stored);
          known.put(stored.id(), stored);
        }
      } else if (local.endsAt().isBefore(stored.endsAt())) {
        write(local); // expired here: the others learn it
      } else if (stored.endsAt().isBefore(local.endsAt())) {
        local.expire(); // expired elsewhere
      }
      if (stored.endsAt().plus(FORGET_AFTER).isBefore(now)) remove(r.getKey());
    }
    List<String> gone = new ArrayList<>();
    for (Silence local : known.values()) {
      if (!records.containsKey(local.id())) {
        if (local.endsAt().plus(FORGET_AFTER).isBefore(now)) gone.add(local.id());
        else write(local); // the store lost it (or never had it): write it again
      }
    }
    known.keySet().removeAll(gone);
  }

  private void write(Silence s) {
    known.put(s.id(), s);
    try {
      store.put(SPACE, s.id(), encode(s));
    } catch (IOException e) {
      errors.failed("write", SPACE, e);
    }
  }

  private void remove(String id) {
    known.remove(id);
    try {
      store.remove(SPACE, id);
    } catch (IOException e) {
      errors.failed("write", SPACE, e);
    }
  }

  private static String encode(Silence s) {
    List<String> f = new ArrayList<>();
    f.add("s1");
    f.add(s.id());
    f.add(s.startsAt().toString());
    f.add(s.endsAt().toString());
    f.add(s.comment());
    String by = s.createdBy();
    f.add(by == null ? "" : by);
    f.add(Integer.toString(s.matchers().size()));
    for (Matcher m : s.matchers()) f.add(m.toString());
    return Codec.join(f);
  }

  private @Nullable Silence decode(String record) {
    try {
      List<String> f = Codec.split(record);
      if (f.size() < 7 || !f.get(0).equals("s1")) return null;
      int n = Integer.parseInt(f.get(6));
      if (n < 1 || f.size() != 7 + n) return null;
      List<Matcher> matchers = new ArrayList<>();
      for (int i = 0; i < n; i++) matchers.add(Matcher.parse(f.get(7 + i)));
      Instant startsAt = Instant.parse(f.get(2));
      Instant endsAt = Instant.parse(f.get(3));
      if (!endsAt.isAfter(startsAt)) endsAt = startsAt.plusNanos(1); // expired before it started
      return new Silence(
          f.get(1),
          matchers,
          startsAt,
          endsAt,
          f.get(4),
          f.get(5).isEmpty() ? null : f.get(5),
          clock);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
