package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A recurring time of day, on some days of the week, during which notifications are muted; like a
 * <a href="https://prometheus.io/docs/alerting/latest/configuration/#time_interval">{@code
 * time_interval} used as {@code mute_time_intervals} in Prometheus Alertmanager</a>.
 *
 * <pre>{@code
 * MuteWindow nightly = MuteWindow.builder("nightly")
 *     .days(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY)
 *     .between(LocalTime.of(22, 0), LocalTime.of(6, 0))
 *     .zone(ZoneId.of("Europe/Berlin"))
 *     .matching(Matcher.notEqual("severity", "CRITICAL"))
 *     .build();
 * }</pre>
 *
 * <p><b>Time range.</b> As in Alertmanager, the range includes its start and excludes its end:
 * {@code between(09:00, 17:00)} is active from 09:00:00 up to 16:59:59.999. Without {@code between}
 * the window lasts the whole day.
 *
 * <p><b>Crossing midnight.</b> Unlike Alertmanager, which rejects a range whose end is not after
 * its start (and needs two ranges, {@code 22:00-24:00} and {@code 00:00-06:00}, each checked
 * against the weekday of the moment), an end before the start here means the window crosses
 * midnight, and the days of the week name the day the window <em>starts</em>: {@code
 * days(FRIDAY).between(22:00, 06:00)} mutes from Friday 22:00 to Saturday 06:00, and not Friday
 * 00:00 to 06:00. The Alertmanager equivalent is {@code weekdays: [friday]} with {@code
 * 22:00-24:00} plus {@code weekdays: [saturday]} with {@code 00:00-06:00}.
 *
 * <p><b>Time zone and daylight saving time.</b> A zone is required; there is no implicit system
 * zone. Like Alertmanager's {@code location}, the window is evaluated on the local wall-clock time
 * and local day of the week of each instant in that zone. So on the day clocks go forward, local
 * times in the skipped hour never occur (a window of {@code 02:00-02:30} in Europe/Berlin is not
 * active at all that night, and {@code 22:00-06:00} lasts one hour less); on the day clocks go
 * back, local times in the repeated hour occur twice and the window is active both times (a window
 * of {@code 02:00-03:00} then lasts two real hours, {@code 22:00-06:00} one hour more).
 *
 * <p><b>Alerts.</b> Without {@link Builder#matching matchers} the window mutes every alert;
 * otherwise only alerts whose labels match all of them.
 *
 * <p>Immutable and thread safe; equal when all settings are equal.
 */
public final class MuteWindow {
  private final String name;
  private final Set<DayOfWeek> days;
  private final LocalTime start;
  private final LocalTime end;
  private final boolean allDay;
  private final ZoneId zone;
  private final List<Matcher> matchers;
  private final Set<Integer> daysOfMonth;
  private final Set<Month> months;
  private final Set<Integer> years;

  private MuteWindow(Builder b) {
    this.name = b.name;
    this.days = Collections.unmodifiableSet(EnumSet.copyOf(b.days));
    this.start = b.start;
    this.end = b.end;
    this.allDay = b.allDay;
    this.zone = requireNonNull(b.zone);
    this.matchers = List.copyOf(b.matchers);
    this.daysOfMonth = Set.copyOf(b.daysOfMonth);
    this.months = Set.copyOf(b.months);
    this.years = Set.copyOf(b.years);
  }

  /**
   * Returns a builder for a window named {@code name}, active all day on every day until configured
   * otherwise. The zone must be set.
   *
   * @param name the name used in logs and suppression reasons, such as {@code nightly}
   * @return a new builder
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Returns a builder with the settings of this window, to make a variation. */
  public Builder newBuilder() {
    Builder b = new Builder(name);
    b.days = EnumSet.copyOf(days);
    b.start = start;
    b.end = end;
    b.allDay = allDay;
    b.zone = zone;
    b.matchers = matchers;
    b.daysOfMonth = daysOfMonth;
    b.months = months;
    b.years = years;
    return b;
  }

  /** Returns the name. */
  public String name() {
    return name;
  }

  /** Returns the days of the week on which the window starts; never empty. */
  public Set<DayOfWeek> days() {
    return days;
  }

  /** Returns the local time at which the window starts (inclusive); midnight if all day. */
  public LocalTime start() {
    return start;
  }

  /**
   * Returns the local time at which the window ends (exclusive). Before or equal to {@link
   * #start()} when the window crosses midnight; equal to it (midnight) when it lasts all day.
   */
  public LocalTime end() {
    return end;
  }

  /** Returns the zone in which the days and times are evaluated. */
  public ZoneId zone() {
    return zone;
  }

  /** Returns the matchers; empty if the window mutes every alert. */
  public List<Matcher> matchers() {
    return matchers;
  }

  /**
   * Returns whether the window is active at {@code instant}, judged by the local date and time of
   * the instant in {@link #zone()}.
   *
   * @param instant the time to check
   * @return true if notifications are muted at that time (for matching alerts)
   * @throws NullPointerException if {@code instant} is null
   */
  public boolean isActiveAt(Instant instant) {
    requireNonNull(instant, "instant == null");
    ZonedDateTime local = instant.atZone(zone);
    LocalDate day = local.toLocalDate();
    if (allDay) return onDay(day);
    LocalTime time = local.toLocalTime();
    if (start.isBefore(end)) {
      return onDay(day) && !time.isBefore(start) && time.isBefore(end);
    }
    // Crosses midnight: the evening part belongs to today, the morning part to yesterday.
    return (onDay(day) && !time.isBefore(start)) || (onDay(day.minusDays(1)) && time.isBefore(end));
  }

  /** Whether the window starts on local date {@code d}: weekday, day of month, month and year. */
  private boolean onDay(LocalDate d) {
    if (!days.contains(d.getDayOfWeek())) return false;
    if (!daysOfMonth.isEmpty()
        && !daysOfMonth.contains(d.getDayOfMonth())
        && !daysOfMonth.contains(d.getDayOfMonth() - d.lengthOfMonth() - 1)) {
      return false;
    }
    if (!months.isEmpty() && !months.contains(d.getMonth())) return false;
    return years.isEmpty() || years.contains(d.getYear());
  }

  /** Returns the days of the month (1 to 31, or -1 for the last to -31); empty for every day. */
  public Set<Integer> daysOfMonth() {
    return daysOfMonth;
  }

  /** Returns the months; empty for every month. */
  public Set<Month> months() {
    return months;
  }

  /** Returns the years; empty for every year. */
  public Set<Integer> years() {
    return years;
  }

  /**
   * Returns whether the window applies to an alert with {@code labels}: true if it has no matchers,
   * else if all match. Does not look at time; see {@link #isActiveAt}.
   *
   * @param labels the labels of an alert
   * @return true if the window mutes that alert while active
   * @throws NullPointerException if {@code labels} is null
   */
  public boolean matches(Map<String, String> labels) {
    requireNonNull(labels, "labels == null");
    for (Matcher m : matchers) {
      if (!m.matches(labels)) return false;
    }
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof MuteWindow w)) return false;
    return name.equals(w.name)
        && days.equals(w.days)
        && start.equals(w.start)
        && end.equals(w.end)
        && allDay == w.allDay
        && zone.equals(w.zone)
        && matchers.equals(w.matchers)
        && daysOfMonth.equals(w.daysOfMonth)
        && months.equals(w.months)
        && years.equals(w.years);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        name, days, start, end, allDay, zone, matchers, daysOfMonth, months, years);
  }

  /** Returns a description such as {@code MuteWindow{nightly MONDAY,FRIDAY 22:00-06:00 UTC}}. */
  @Override
  public String toString() {
    String dayList = days.stream().map(DayOfWeek::name).collect(Collectors.joining(","));
    return "MuteWindow{"
        + name
        + " "
        + dayList
        + " "
        + (allDay ? "all day" : start + "-" + end)
        + " "
        + zone
        + (daysOfMonth.isEmpty() ? "" : " days of month " + new java.util.TreeSet<>(daysOfMonth))
        + (months.isEmpty() ? "" : " months " + new java.util.TreeSet<>(months))
        + (years.isEmpty() ? "" : " years " + new java.util.TreeSet<>(years))
        + (matchers.isEmpty() ? "" : " " + matchers)
        + "}";
  }

  /**
   * Builds a {@link MuteWindow}. Setters validate their arguments at once; {@link #build()}
   * requires a {@link #zone}. Not thread safe.
   */
  public static final class Builder {
    private final String name;
    private Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
    private LocalTime start = LocalTime.MIDNIGHT;
    private LocalTime end = LocalTime.MIDNIGHT;
    private boolean allDay = true;
    private @Nullable ZoneId zone;
    private List<Matcher> matchers = List.of();
    private Set<Integer> daysOfMonth = Set.of();
    private Set<Month> months = Set.of();
    private Set<Integer> years = Set.of();

    private Builder(String name) {
      requireNonNull(name, "name == null");
      if (name.isBlank()) throw new IllegalArgumentException("mute window name is blank");
      this.name = name;
    }

    /**
     * Sets the days of the week on which the window starts (default: every day). For a window
     * crossing midnight, the morning part belongs to the day before.
     *
     * @param days one or more days
     * @return this builder
     * @throws NullPointerException if {@code days} or an element is null
     * @throws IllegalArgumentException if no day is given
     */
    public Builder days(DayOfWeek... days) {
      requireNonNull(days, "days == null");
      return days(Arrays.asList(days));
    }

    /**
     * Sets the days of the week on which the window starts (default: every day).
     *
     * @param days one or more days
     * @return this builder
     * @throws NullPointerException if {@code days} or an element is null
     * @throws IllegalArgumentException if {@code days} is empty
     */
    public Builder days(Set<DayOfWeek> days) {
      requireNonNull(days, "days == null");
      return days((java.util.Collection<DayOfWeek>) days);
    }

    private Builder days(java.util.Collection<DayOfWeek> days) {
      if (days.isEmpty()) {
        throw new IllegalArgumentException("mute window " + name + " needs at least one day");
      }
      EnumSet<DayOfWeek> copy = EnumSet.noneOf(DayOfWeek.class);
      for (DayOfWeek d : days) copy.add(requireNonNull(d, "day == null"));
      this.days = copy;
      return this;
    }

    /**
     * Sets the local time range {@code [start, end)} (default: the whole day). An {@code end}
     * before {@code start} crosses midnight: {@code between(22:00, 06:00)}; {@code end} midnight
     * means until the end of the day: {@code between(17:00, 00:00)}.
     *
     * @param start the first local time of the window (inclusive)
     * @param end the local time at which the window ends (exclusive)
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code start} equals {@code end} (for a whole day, do not
     *     call this method)
     */
    public Builder between(LocalTime start, LocalTime end) {
      requireNonNull(start, "start == null");
      requireNonNull(end, "end == null");
      if (start.equals(end)) {
        throw new IllegalArgumentException(
            "mute window " + name + " start == end (" + start + "); omit between() for all day");
      }
      this.start = start;
      this.end = end;
      this.allDay = false;
      return this;
    }

    /**
     * Restricts the window to days of the month, like Alertmanager's {@code days_of_month}: 1 to
     * 31, or negative to count from the end ({@code -1} is the last day of the month). A day that a
     * month does not have (31 in April) never matches. For a window crossing midnight, the day the
     * window starts counts.
     *
     * @throws IllegalArgumentException if no day is given, or a day is 0 or outside [-31, 31]
     */
    public Builder daysOfMonth(int... days) {
      if (days.length == 0) {
        throw new IllegalArgumentException("mute window " + name + ": daysOfMonth is empty");
      }
      Set<Integer> copy = new java.util.HashSet<>();
      for (int d : days) {
        if (d == 0 || d < -31 || d > 31) {
          throw new IllegalArgumentException(
              "mute window " + name + ": daysOfMonth must be in [-31, -1] or [1, 31]: " + d);
        }
        copy.add(d);
      }
      this.daysOfMonth = copy;
      return this;
    }

    /**
     * Restricts the window to months, like Alertmanager's {@code months}.
     *
     * @throws NullPointerException if a month is null
     * @throws IllegalArgumentException if no month is given
     */
    public Builder months(Month... months) {
      if (months.length == 0) {
        throw new IllegalArgumentException("mute window " + name + ": months is empty");
      }
      EnumSet<Month> copy = EnumSet.noneOf(Month.class);
      for (Month m : months) copy.add(requireNonNull(m, "month == null"));
      this.months = copy;
      return this;
    }

    /**
     * Restricts the window to years, like Alertmanager's {@code years}.
     *
     * @throws IllegalArgumentException if no year is given or one is outside [1970, 9999]
     */
    public Builder years(int... years) {
      if (years.length == 0) {
        throw new IllegalArgumentException("mute window " + name + ": years is empty");
      }
      Set<Integer> copy = new java.util.HashSet<>();
      for (int y : years) {
        if (y < 1970 || y > 9999) {
          throw new IllegalArgumentException(
              "mute window " + name + ": years must be in [1970, 9999]: " + y);
        }
        copy.add(y);
      }
      this.years = copy;
      return this;
    }

    /**
     * Sets the zone in which days and times are evaluated. Required: there is no implicit system
     * zone.
     *
     * @param zone such as {@code ZoneId.of("Europe/Berlin")} or {@code ZoneOffset.UTC}
     * @return this builder
     * @throws NullPointerException if {@code zone} is null
     */
    public Builder zone(ZoneId zone) {
      this.zone = requireNonNull(zone, "zone == null");
      return this;
    }

    /**
     * Restricts the window to alerts whose labels match all {@code matchers}, replacing earlier
     * ones. With none (the default) it mutes every alert.
     *
     * @param matchers the matchers
     * @return this builder
     * @throws NullPointerException if {@code matchers} or an element is null
     */
    public Builder matching(Matcher... matchers) {
      requireNonNull(matchers, "matchers == null");
      return matching(Arrays.asList(matchers));
    }

    /**
     * Restricts the window to alerts whose labels match all {@code matchers}, replacing earlier
     * ones. With none (the default) it mutes every alert.
     *
     * @param matchers the matchers
     * @return this builder
     * @throws NullPointerException if {@code matchers} or an element is null
     */
    public Builder matching(List<Matcher> matchers) {
      requireNonNull(matchers, "matchers == null");
      this.matchers = List.copyOf(matchers);
      return this;
    }

    /**
     * Returns the window.
     *
     * @return a new immutable window
     * @throws IllegalStateException if no {@link #zone} was set
     */
    public MuteWindow build() {
      if (zone == null) {
        throw new IllegalStateException(
            "mute window " + name + " needs a zone, such as zone(ZoneId.of(\"Europe/Berlin\"))");
      }
      return new MuteWindow(this);
    }
  }
}
