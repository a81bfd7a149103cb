package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The mute stages of delivery, in order, and their counters. The first stage that mutes gives the
 * reason:
 *
 * <ol>
 *   <li>{@link GraceStage}: {@code startup grace period};
 *   <li>{@link SilenceStage}: {@code silenced by <id> (<comment>)};
 *   <li>{@link MuteWindowStage}: {@code muted by window <name>};
 *   <li>{@link InhibitStage} over the {@link InhibitRule}s (by default {@link
 *       InhibitRule#DEFAULT}): {@code inhibited by CRITICAL <rule> on <resource>}.
 * </ol>
 *
 * <p>Stateless about sinks: what each sink was told is kept by its {@link NotificationLog}. Thread
 * safe.
 */
final class Suppressor {
  private final Clock clock;
  private final GraceStage grace;
  private final SilenceStage silences = new SilenceStage();
  private final MuteWindowStage muteWindows;
  private final List<MuteStage> stages;
  private final Map<SuppressionKind, AtomicLong> counts = new EnumMap<>(SuppressionKind.class);

  Suppressor(Clock clock, Duration grace, List<MuteWindow> muteWindows) {
    this(clock, Ticker.system(), grace, muteWindows, List.of(InhibitRule.DEFAULT));
  }

  Suppressor(
      Clock clock, Duration grace, List<MuteWindow> muteWindows, List<InhibitRule> inhibitRules) {
    this(clock, Ticker.system(), grace, muteWindows, inhibitRules);
  }

  /**
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if {@code grace} is negative or two windows share a name
   */
  Suppressor(
      Clock clock,
      Ticker ticker,
      Duration grace,
      List<MuteWindow> muteWindows,
      List<InhibitRule> inhibitRules) {
    this.clock = requireNonNull(clock, "clock == null");
    this.grace = new GraceStage(ticker, clock.instant(), requireNonNull(grace, "grace == null"));
    this.muteWindows = new MuteWindowStage(requireNonNull(muteWindows, "muteWindows == null"));
    this.stages =
        List.of(
            this.grace,
            silences,
            this.muteWindows,
            new InhibitStage(requireNonNull(inhibitRules, "inhibitRules == null")));
    for (SuppressionKind kind : SuppressionKind.values()) counts.put(kind, new AtomicLong());
  }

  void started(Instant startedAt) {
    grace.started(startedAt);
  }

  Instant graceEndsAt() {
    return grace.endsAt();
  }

  /** Creates and adds a silence from now for {@code duration}. */
  Silence silence(
      List<Matcher> matchers, Duration duration, String comment, @Nullable String createdBy) {
    Silence s = Silence.create(clock, matchers, duration, comment, createdBy);
    silences.add(s);
    return s;
  }

  Silence silence(List<Matcher> matchers, Duration duration, String comment) {
    return silence(matchers, duration, comment, null);
  }

  /**
   * Creates and adds a silence from {@code startsAt} (possibly in the future) to {@code endsAt}.
   */
  Silence silence(List<Matcher> matchers, Instant startsAt, Instant endsAt, String comment) {
    return silence(matchers, startsAt, endsAt, comment, null);
  }

  /** As above, recording who created it. */
  Silence silence(
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String comment,
      @Nullable String createdBy) {
    Silence s = Silence.create(clock, matchers, startsAt, endsAt, comment, createdBy);
    silences.add(s);
    return s;
  }

  /** Adds a silence made elsewhere (it may start in the future); replaces one with its id. */
  void add(Silence silence) {
    silences.add(silence);
  }

  /** Silences active at {@code now} or yet to start, earliest start first. */
  List<Silence> activeSilences(Instant now) {
    return silences.current(requireNonNull(now, "now == null"));
  }

  boolean expire(String id) {
    return silences.expire(id);
  }

  List<MuteWindow> muteWindows() {
    return muteWindows.windows();
  }

  /**
   * Returns why {@code notification} is muted at {@code now}, or null. Counts nothing.
   *
   * @throws NullPointerException if an argument is null
   */
  MuteStage.@Nullable Muted check(
      AlertNotification notification, Instant now, List<ActiveAlert> active) {
    requireNonNull(notification, "notification == null");
    requireNonNull(now, "now == null");
    requireNonNull(active, "active == null");
    for (MuteStage stage : stages) {
      MuteStage.Muted m = stage.mute(notification, now, active);
      if (m != null) return m;
    }
    return null;
  }

  /** Counts one notification suppressed for {@code kind}. */
  void count(SuppressionKind kind) {
    counter(kind).incrementAndGet();
  }

  long suppressedCount() {
    long total = 0;
    for (AtomicLong c : counts.values()) total += c.get();
    return total;
  }

  long suppressedCount(SuppressionKind kind) {
    return counter(requireNonNull(kind, "kind == null")).get();
  }

  private AtomicLong counter(SuppressionKind kind) {
    return requireNonNull(counts.get(kind), "no counter for " + kind);
  }

  Map<SuppressionKind, Long> suppressedCounts() {
    Map<SuppressionKind, Long> snapshot = new EnumMap<>(SuppressionKind.class);
    counts.forEach((k, v) -> snapshot.put(k, v.get()));
    return Collections.unmodifiableMap(snapshot);
  }
}
