package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a notification is delivered to the sinks or suppressed, and why.
 *
 * <p>Checks, in this order (the first that applies gives the reason):
 *
 * <ol>
 *   <li><b>Startup grace period</b> ({@link SuppressionKind#GRACE}): notifications before {@code
 *       startedAt + grace} are suppressed, so a restart does not page for conditions that were
 *       already known. Reason: {@code startup grace period}.
 *   <li><b>Silences</b> ({@link SuppressionKind#SILENCE}): an active {@link Silence} whose matchers
 *       all match the alert's labels, as in <a
 *       href="https://prometheus.io/docs/alerting/latest/alertmanager/#silences">Alertmanager</a>.
 *       Reason: {@code silenced by <id> (<comment>)}. Expired silences are dropped lazily, on the
 *       next check or listing.
 *   <li><b>Mute windows</b> ({@link SuppressionKind#MUTE_WINDOW}): an active {@link MuteWindow}
 *       that matches the alert, like Alertmanager's {@code mute_time_intervals}. Reason: {@code
 *       muted by window <name>}.
 *   <li><b>Inhibition</b> ({@link SuppressionKind#INHIBITION}): a firing CRITICAL alert suppresses
 *       WARNING and INFO notifications of other alerts with the same {@code resource}; the
 *       Alertmanager <a
 *       href="https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule">inhibit
 *       rule</a> {@code source_matchers: [severity="critical"], target_matchers:
 *       [severity=~"warning|info"], equal: [resource]}. An alert never inhibits itself (same
 *       fingerprint). A silenced or muted CRITICAL alert still inhibits, as in Alertmanager.
 *       Reason: {@code inhibited by CRITICAL <rule> on <resource>}.
 * </ol>
 *
 * <p><b>Resolutions follow what the sinks were told.</b> A notification that opens an incident
 * (types FIRING, NO_DATA and FLAPPING_STARTED) goes through these checks; when it is delivered the
 * alert counts as open in the sinks. A RESOLVED notification (or a FLAPPING_STOPPED with status
 * RESOLVED) of an alert open in the sinks is always delivered, so an incident a sink was told about
 * is always closed, even if a silence started in between. A resolution of an alert whose opening
 * was suppressed and never delivered is suppressed too, so a sink never hears of an alert only when
 * it ends; its reason is {@code resolves a suppressed notification (<reason of the opening>)} and
 * it is counted under that kind. Reminders and severity changes go through the checks without
 * changing any of this. Memory stays bounded: only alerts open in the sinks or with a suppressed
 * opening are remembered, at most {@value #MAX_TRACKED} of each (the oldest are forgotten first;
 * their resolution is then delivered).
 *
 * <p>Thread safe: every method may be called from any thread.
 */
final class Suppressor {
  /** Upper bound on remembered fingerprints of suppressed firing notifications. */
  static final int MAX_TRACKED = 10_000;

  private final Clock clock;
  private final Duration grace;
  private final List<MuteWindow> muteWindows;
  private volatile Instant graceEndsAt;
  private final ConcurrentMap<String, Silence> silences = new ConcurrentHashMap<>();
  private final Map<SuppressionKind, AtomicLong> counts = new EnumMap<>(SuppressionKind.class);

  /** Fingerprint to why its opening notification was suppressed. Guarded by {@code this}. */
  private final Map<String, Suppression> suppressedOpenings = bounded();

  /**
   * Fingerprints whose opening notification was delivered and not yet resolved. Guarded by {@code
   * this}.
   */
  private final Map<String, Boolean> openInSinks = bounded();

  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_TRACKED;
      }
    };
  }

  private static boolean opens(AlertNotification n) {
    return n.status() == AlertStatus.FIRING
        && (n.type() == NotificationType.FIRING
            || n.type() == NotificationType.NO_DATA
            || n.type() == NotificationType.FLAPPING_STARTED);
  }

  private static final class Suppression {
    final SuppressionKind kind;
    final String reason;

    Suppression(SuppressionKind kind, String reason) {
      this.kind = kind;
      this.reason = reason;
    }
  }

  /**
   * Creates a suppressor whose grace period runs from now ({@code clock.instant()}) until {@link
   * #started} moves it.
   *
   * @param clock the wall clock, used to start silences and the grace period
   * @param grace how long after start notifications are suppressed; zero for none
   * @param muteWindows the mute windows, with distinct names
   * @throws NullPointerException if an argument or window is null
   * @throws IllegalArgumentException if {@code grace} is negative or two windows share a name
   */
  Suppressor(Clock clock, Duration grace, List<MuteWindow> muteWindows) {
    this.clock = requireNonNull(clock, "clock == null");
    this.grace = requireNonNull(grace, "grace == null");
    if (grace.isNegative())
      throw new IllegalArgumentException("grace period is negative: " + grace);
    this.muteWindows = List.copyOf(requireNonNull(muteWindows, "muteWindows == null"));
    Set<String> names = new HashSet<>();
    for (MuteWindow w : this.muteWindows) {
      if (!names.add(w.name())) {
        throw new IllegalArgumentException("two mute windows are named " + w.name());
      }
    }
    for (SuppressionKind kind : SuppressionKind.values()) counts.put(kind, new AtomicLong());
    this.graceEndsAt = clock.instant().plus(grace);
  }

  /**
   * Restarts the grace period: notifications before {@code startedAt + grace} are suppressed. Call
   * from {@code ResourceMonitor.start()}.
   */
  void started(Instant startedAt) {
    requireNonNull(startedAt, "startedAt == null");
    graceEndsAt = startedAt.plus(grace);
  }

  /** Returns the end of the grace period (exclusive). */
  Instant graceEndsAt() {
    return graceEndsAt;
  }

  /**
   * Creates, adds and returns a silence that starts now and lasts {@code duration}.
   *
   * @throws NullPointerException if an argument other than {@code createdBy} is null
   * @throws IllegalArgumentException as {@link Silence#create} does
   */
  Silence silence(
      List<Matcher> matchers, Duration duration, String comment, @Nullable String createdBy) {
    Silence s = Silence.create(clock, matchers, duration, comment, createdBy);
    silences.put(s.id(), s);
    return s;
  }

  /** As {@link #silence(List, Duration, String, String)} without a creator. */
  Silence silence(List<Matcher> matchers, Duration duration, String comment) {
    return silence(matchers, duration, comment, null);
  }

  /**
   * Adds a silence made elsewhere (for example restored from storage); replaces one with the same
   * id.
   */
  void add(Silence silence) {
    requireNonNull(silence, "silence == null");
    silences.put(silence.id(), silence);
  }

  /**
   * Returns the silences that are active at {@code now}, earliest start first, and forgets the
   * expired ones.
   */
  List<Silence> activeSilences(Instant now) {
    requireNonNull(now, "now == null");
    prune(now);
    List<Silence> active = new ArrayList<>();
    for (Silence s : silences.values()) {
      if (s.isActiveAt(now)) active.add(s);
    }
    active.sort(Comparator.comparing(Silence::startsAt).thenComparing(Silence::id));
    return active;
  }

  /**
   * Expires the silence with {@code id} now and forgets it.
   *
   * @return false if no silence with that id is known (never added, or already expired and
   *     forgotten)
   */
  boolean expire(String id) {
    requireNonNull(id, "id == null");
    Silence s = silences.remove(id);
    if (s == null) return false;
    s.expire();
    return true;
  }

  /** Returns the mute windows. */
  List<MuteWindow> muteWindows() {
    return muteWindows;
  }

  /**
   * Returns why {@code notification} must not be delivered, or null to deliver it. Counts every
   * suppressed notification and remembers suppressed firing notifications (see the class comment).
   *
   * @param notification the notification about to be delivered
   * @param now the current time
   * @param firing the alerts firing now; CRITICAL ones may inhibit others
   * @return a reason such as {@code muted by window nightly}, or null
   * @throws NullPointerException if an argument is null
   */
  @Nullable String suppressReason(
      AlertNotification notification, Instant now, Collection<Alert> firing) {
    requireNonNull(notification, "notification == null");
    requireNonNull(now, "now == null");
    requireNonNull(firing, "firing == null");
    String fingerprint = notification.fingerprint();
    if (notification.status() == AlertStatus.RESOLVED) {
      Suppression opening;
      synchronized (this) {
        if (openInSinks.remove(fingerprint) != null) {
          suppressedOpenings.remove(fingerprint);
          return null;
        }
        opening = suppressedOpenings.remove(fingerprint);
      }
      if (opening == null) return null;
      counter(opening.kind).incrementAndGet();
      return "resolves a suppressed notification (" + opening.reason + ")";
    }
    Suppression s = check(notification, now, firing);
    synchronized (this) {
      if (s == null) {
        // Any delivered notification of a firing alert (also a reminder or a FLAPPING_STOPPED
        // with status FIRING) tells the sinks it is open: its resolution must follow.
        suppressedOpenings.remove(fingerprint);
        openInSinks.put(fingerprint, Boolean.TRUE);
      } else if (opens(notification) && !openInSinks.containsKey(fingerprint)) {
        suppressedOpenings.put(fingerprint, s);
      }
    }
    if (s == null) return null;
    counter(s.kind).incrementAndGet();
    return s.reason;
  }

  /**
   * Returns why {@code notification} would be suppressed now, like {@link #suppressReason}, but
   * counts and remembers nothing: to ask whether a held-back alert may be announced yet.
   *
   * @throws NullPointerException if an argument is null
   */
  @Nullable String peekReason(
      AlertNotification notification, Instant now, Collection<Alert> firing) {
    Suppression s = check(requireNonNull(notification, "notification == null"), now, firing);
    return s == null ? null : s.reason;
  }

  private @Nullable Suppression check(AlertNotification n, Instant now, Collection<Alert> firing) {
    if (now.isBefore(graceEndsAt)) {
      return new Suppression(SuppressionKind.GRACE, "startup grace period");
    }
    Map<String, String> labels = n.labels();
    for (Silence s : activeSilences(now)) {
      if (s.matches(labels)) {
        return new Suppression(
            SuppressionKind.SILENCE, "silenced by " + s.id() + " (" + s.comment() + ")");
      }
    }
    for (MuteWindow w : muteWindows) {
      if (w.isActiveAt(now) && w.matches(labels)) {
        return new Suppression(SuppressionKind.MUTE_WINDOW, "muted by window " + w.name());
      }
    }
    if (n.severity().compareTo(Severity.CRITICAL) < 0) {
      for (Alert a : firing) {
        if (a.severity() == Severity.CRITICAL
            && !a.fingerprint().equals(n.fingerprint())
            && a.resource().equals(n.resource())) {
          return new Suppression(
              SuppressionKind.INHIBITION,
              "inhibited by " + a.severity() + " " + a.rule() + " on " + a.resource());
        }
      }
    }
    return null;
  }

  private void prune(Instant now) {
    silences.values().removeIf(s -> s.isExpired(now));
  }

  /** Returns how many notifications were suppressed, for any reason. */
  long suppressedCount() {
    long total = 0;
    for (AtomicLong c : counts.values()) total += c.get();
    return total;
  }

  /** Returns how many notifications were suppressed for {@code kind}. */
  long suppressedCount(SuppressionKind kind) {
    return counter(requireNonNull(kind, "kind == null")).get();
  }

  /** The counter of {@code kind}: the constructor puts one for every kind. */
  private AtomicLong counter(SuppressionKind kind) {
    return requireNonNull(counts.get(kind), "no counter for " + kind);
  }

  /** Returns a snapshot of the counts of every kind, in enum order (zero counts included). */
  Map<SuppressionKind, Long> suppressedCounts() {
    Map<SuppressionKind, Long> snapshot = new EnumMap<>(SuppressionKind.class);
    counts.forEach((k, v) -> snapshot.put(k, v.get()));
    return java.util.Collections.unmodifiableMap(snapshot);
  }

  /** Returns how many alerts with a suppressed opening are remembered for their resolution. */
  synchronized int trackedSuppressedFiring() {
    return suppressedOpenings.size();
  }
}
