package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Mutes the notifications of every alert whose labels match all of its {@link Matcher}s, from
 * {@link #startsAt()} until {@link #endsAt()}, like a <a
 * href="https://prometheus.io/docs/alerting/latest/alertmanager/#silences">silence in Prometheus
 * Alertmanager</a>. Create one with {@code ResourceMonitor.silence(matchers, duration, comment)};
 * end it early with {@link #expire()}.
 *
 * <pre>{@code
 * Silence s = monitor.silence(
 *     List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(2), "maintenance of vm-1");
 * // ...
 * s.expire(); // maintenance done early
 * }</pre>
 *
 * <p>As in Alertmanager, a silence is active from {@code startsAt} to {@code endsAt}, both
 * inclusive (Alertmanager's {@code silence/silence.go} {@code getState}: pending while {@code
 * ts.Before(StartsAt)}, expired once {@code ts.After(EndsAt)}, active in between), and at least one
 * of its matchers must not match the empty string, so a silence can never mute every alert by
 * accident. A silence ended with {@link #expire()} mutes nothing from the instant it was expired.
 *
 * <p>Thread safe. Everything but {@link #endsAt()} is immutable; {@link #expire()} may be called
 * from any thread. Two silences are equal only if they are the same object.
 */
public final class Silence {
  private final String id;
  private final List<Matcher> matchers;
  private final String comment;
  private final @Nullable String createdBy;
  private final Clock clock;

  /** Start and end are replaced together, so readers never see an expired silence half-updated. */
  /** Replaced whole, under this object's lock, by {@link #expire()}; read without a lock. */
  private volatile Span span;

  private static final class Span {
    final Instant startsAt;
    final Instant endsAt;

    /** Expired by hand: the end instant itself is no longer muted. */
    final boolean endExclusive;

    Span(Instant startsAt, Instant endsAt, boolean endExclusive) {
      this.startsAt = startsAt;
      this.endsAt = endsAt;
      this.endExclusive = endExclusive;
    }
  }

  Silence(
      String id,
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String comment,
      @Nullable String createdBy,
      Clock clock) {
    this.id = requireNonNull(id, "id == null");
    requireNonNull(matchers, "matchers == null");
    requireNonNull(startsAt, "startsAt == null");
    requireNonNull(endsAt, "endsAt == null");
    this.comment = requireNonNull(comment, "comment == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.matchers = List.copyOf(matchers);
    if (this.matchers.isEmpty()) {
      throw new IllegalArgumentException("a silence needs at least one matcher");
    }
    if (this.matchers.stream().allMatch(Matcher::matchesEmpty)) {
      throw new IllegalArgumentException(
          "at least one matcher of a silence must not match the empty string: " + this.matchers);
    }
    if (!endsAt.isAfter(startsAt)) {
      throw new IllegalArgumentException(
          "silence endsAt " + endsAt + " is not after startsAt " + startsAt);
    }
    if (comment.isBlank()) throw new IllegalArgumentException("silence comment is blank");
    if (createdBy != null && createdBy.isBlank()) {
      throw new IllegalArgumentException("silence createdBy is blank");
    }
    this.createdBy = createdBy;
    this.span = new Span(startsAt, endsAt, false);
  }

  /**
   * Creates a silence with a random UUID as its id from {@code startsAt} (possibly in the future)
   * until {@code endsAt}.
   *
   * @throws NullPointerException if an argument other than {@code createdBy} is null
   * @throws IllegalArgumentException as the constructor does, or if {@code endsAt} is not after now
   */
  static Silence create(
      Clock clock,
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String comment,
      @Nullable String createdBy) {
    requireNonNull(clock, "clock == null");
    requireNonNull(endsAt, "endsAt == null");
    if (!endsAt.isAfter(clock.instant())) {
      throw new IllegalArgumentException("silence endsAt " + endsAt + " is not in the future");
    }
    return new Silence(
        UUID.randomUUID().toString(), matchers, startsAt, endsAt, comment, createdBy, clock);
  }

  /**
   * Creates a silence with a random UUID as its id that starts now and lasts {@code duration}.
   *
   * @throws NullPointerException if an argument other than {@code createdBy} is null
   * @throws IllegalArgumentException if {@code matchers} is empty or every matcher matches the
   *     empty string, {@code duration} is not positive, or {@code comment} (or a given {@code
   *     createdBy}) is blank
   */
  static Silence create(
      Clock clock,
      List<Matcher> matchers,
      Duration duration,
      String comment,
      @Nullable String createdBy) {
    requireNonNull(clock, "clock == null");
    requireNonNull(duration, "duration == null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("silence duration must be positive: " + duration);
    }
    Instant now = clock.instant();
    return new Silence(
        UUID.randomUUID().toString(), matchers, now, now.plus(duration), comment, createdBy, clock);
  }

  /** Returns the id: a random UUID string, unique to this silence. */
  public String id() {
    return id;
  }

  /** Returns the matchers; all must match for an alert to be silenced. Never empty. */
  public List<Matcher> matchers() {
    return matchers;
  }

  /** Returns when the silence starts (inclusive). Moves to the expiry time if expired early. */
  public Instant startsAt() {
    return span.startsAt;
  }

  /** Returns when the silence ends (exclusive); earlier than planned after {@link #expire()}. */
  public Instant endsAt() {
    return span.endsAt;
  }

  /** Returns why the silence was created. */
  public String comment() {
    return comment;
  }

  /** Returns who created the silence, or null if not recorded. */
  public @Nullable String createdBy() {
    return createdBy;
  }

  /**
   * Returns whether the silence mutes notifications at {@code instant}: {@code startsAt <= instant
   * <= endsAt}, as in Alertmanager; after {@link #expire()}, {@code startsAt <= instant < endsAt}.
   *
   * @param instant the time to check
   * @return true if the silence is active then
   * @throws NullPointerException if {@code instant} is null
   */
  public boolean isActiveAt(Instant instant) {
    requireNonNull(instant, "instant == null");
    Span s = span;
    return !instant.isBefore(s.startsAt) && !ended(s, instant);
  }

  private static boolean ended(Span s, Instant instant) {
    return s.endExclusive ? !instant.isBefore(s.endsAt) : instant.isAfter(s.endsAt);
  }

  /**
   * Returns whether the silence has ended at {@code instant}: {@code instant > endsAt}, as in
   * Alertmanager; after {@link #expire()}, {@code instant >= endsAt}.
   *
   * @param instant the time to check
   * @return true if the silence no longer mutes anything at that time or later
   * @throws NullPointerException if {@code instant} is null
   */
  public boolean isExpired(Instant instant) {
    requireNonNull(instant, "instant == null");
    return ended(span, instant);
  }

  /**
   * Returns whether every matcher of this silence matches {@code labels}. Does not look at time;
   * see {@link #isActiveAt}.
   *
   * @param labels the labels of an alert
   * @return true if the labels match all matchers
   * @throws NullPointerException if {@code labels} is null
   */
  public boolean matches(Map<String, String> labels) {
    requireNonNull(labels, "labels == null");
    for (Matcher m : matchers) {
      if (!m.matches(labels)) return false;
    }
    return true;
  }

  /**
   * Ends the silence now, as Alertmanager's expire does: {@link #endsAt()} becomes the clock's
   * current time (and a silence that had not started yet ends before it starts), and from that
   * instant on it mutes nothing: Alertmanager sets {@code EndsAt} to now on a nanosecond clock,
   * which has moved on by the next notification; a virtual clock may not have. Idempotent: expiring
   * an expired silence changes nothing. Thread safe.
   */
  public synchronized void expire() {
    Instant now = clock.instant();
    Span s = span;
    if (ended(s, now)) return; // already over
    span = now.isBefore(s.startsAt) ? new Span(now, now, true) : new Span(s.startsAt, now, true);
  }

  /** Returns a description with the id, matchers, start, end, comment and creator. */
  @Override
  public String toString() {
    Span s = span;
    return "Silence{id="
        + id
        + ", matchers="
        + matchers
        + ", startsAt="
        + s.startsAt
        + ", endsAt="
        + s.endsAt
        + ", comment="
        + comment
        + (createdBy != null ? ", createdBy=" + createdBy : "")
        + "}";
  }
}
