package dev.vigil;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MuteWindowTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** Friday 22:00 to Saturday 06:00, Berlin time. */
  private static final MuteWindow FRIDAY_NIGHT =
      MuteWindow.builder("friday-night")
          .days(FRIDAY)
          .between(LocalTime.of(22, 0), LocalTime.of(6, 0))
          .zone(BERLIN)
          .build();

  private static Instant berlin(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // 2026-11-23 is a Monday.
    "2026-11-23T08:59:59, false",
    "2026-11-23T09:00:00, true",
    "2026-11-23T12:30:00, true",
    "2026-11-23T16:59:59, true",
    "2026-11-23T17:00:00, false",
    "2026-11-24T12:00:00, false", // Tuesday
    "2026-11-27T12:00:00, true", // Friday
    "2026-11-28T12:00:00, false", // Saturday
  })
  void activeOnItsDaysFromStartInclusiveToEndExclusive(String local, boolean expected) {
    MuteWindow businessHours =
        MuteWindow.builder("business-hours")
            .days(MONDAY, DayOfWeek.WEDNESDAY, FRIDAY)
            .between(LocalTime.of(9, 0), LocalTime.of(17, 0))
            .zone(BERLIN)
            .build();
    assertThat(businessHours.isActiveAt(berlin(local))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // 2026-11-20 is a Friday.
    "2026-11-20T00:30:00, false", // Friday early morning belongs to Thursday's window
    "2026-11-20T21:59:59, false",
    "2026-11-20T22:00:00, true",
    "2026-11-20T23:59:59, true",
    "2026-11-21T00:00:00, true", // Saturday morning belongs to Friday's window
    "2026-11-21T05:59:59, true",
    "2026-11-21T06:00:00, false",
    "2026-11-21T22:30:00, false", // Saturday evening: Saturday is not a day of the window
    "2026-11-22T02:00:00, false",
  })
  void windowCrossingMidnightBelongsToTheDayItStarts(String local, boolean expected) {
    assertThat(FRIDAY_NIGHT.isActiveAt(berlin(local))).isEqualTo(expected);
  }

  @Test
  void windowUntilMidnightEndsAtTheEndOfTheDay() {
    MuteWindow evening =
        MuteWindow.builder("evening")
            .days(SUNDAY)
            .between(LocalTime.of(17, 0), LocalTime.MIDNIGHT)
            .zone(ZoneOffset.UTC)
            .build();
    assertThat(evening.isActiveAt(Instant.parse("2026-11-22T23:59:59Z"))).isTrue();
    assertThat(evening.isActiveAt(Instant.parse("2026-11-23T00:00:00Z"))).isFalse();
    assertThat(evening.isActiveAt(Instant.parse("2026-11-22T16:59:59Z"))).isFalse();
  }

  @Test
  void withoutBetweenTheWindowLastsTheWholeDay() {
    MuteWindow weekend = MuteWindow.builder("weekend").days(SATURDAY, SUNDAY).zone(BERLIN).build();
    assertThat(weekend.isActiveAt(berlin("2026-11-21T00:00:00"))).isTrue();
    assertThat(weekend.isActiveAt(berlin("2026-11-22T23:59:59"))).isTrue();
    assertThat(weekend.isActiveAt(berlin("2026-11-23T00:00:00"))).isFalse();
    assertThat(weekend.isActiveAt(berlin("2026-11-20T23:59:59"))).isFalse();
  }

  @Test
  void daysAndTimesAreJudgedInTheWindowsZone() {
    // Friday 22:30 in Berlin (CET, UTC+1) is Friday 21:30 UTC and Saturday 06:30 in Tokyo.
    Instant instant = Instant.parse("2026-11-20T21:30:00Z");
    MuteWindow tokyo = FRIDAY_NIGHT.newBuilder().zone(ZoneId.of("Asia/Tokyo")).build();
    MuteWindow utc = FRIDAY_NIGHT.newBuilder().zone(ZoneOffset.UTC).build();

    assertThat(FRIDAY_NIGHT.isActiveAt(instant)).isTrue();
    assertThat(utc.isActiveAt(instant)).isFalse();
    assertThat(tokyo.isActiveAt(instant)).isFalse();
  }

  @Test
  void springForwardSkippedHourNeverOccurs() {
    // Europe/Berlin, Sunday 2026-03-29: at 01:00 UTC local time jumps from 02:00 CET to 03:00 CEST.
    MuteWindow inSkippedHour =
        MuteWindow.builder("skipped")
            .between(LocalTime.of(2, 0), LocalTime.of(2, 30))
            .zone(BERLIN)
            .build();
    MuteWindow acrossTheJump =
        MuteWindow.builder("across")
            .between(LocalTime.of(1, 0), LocalTime.of(3, 30))
            .zone(BERLIN)
            .build();

    assertThat(inSkippedHour.isActiveAt(Instant.parse("2026-03-29T00:59:59Z")))
        .isFalse(); // 01:59:59 CET
    assertThat(inSkippedHour.isActiveAt(Instant.parse("2026-03-29T01:00:00Z")))
        .isFalse(); // 03:00 CEST
    assertThat(inSkippedHour.isActiveAt(Instant.parse("2026-03-29T01:15:00Z")))
        .isFalse(); // 03:15 CEST
    assertThat(inSkippedHour.isActiveAt(Instant.parse("2026-03-30T00:15:00Z")))
        .isTrue(); // next day 02:15

    // 01:00 CET (00:00 UTC) to 03:30 CEST (01:30 UTC): 1.5 real hours instead of 2.5.
    assertThat(acrossTheJump.isActiveAt(Instant.parse("2026-03-28T23:59:59Z"))).isFalse();
    assertThat(acrossTheJump.isActiveAt(Instant.parse("2026-03-29T00:00:00Z"))).isTrue();
    assertThat(acrossTheJump.isActiveAt(Instant.parse("2026-03-29T01:29:59Z"))).isTrue();
    assertThat(acrossTheJump.isActiveAt(Instant.parse("2026-03-29T01:30:00Z"))).isFalse();
  }

  @Test
  void fallBackRepeatedHourIsMutedBothTimes() {
    // Europe/Berlin, Sunday 2026-10-25: at 01:00 UTC local time goes back from 03:00 CEST to 02:00
    // CET.
    MuteWindow repeatedHour =
        MuteWindow.builder("repeated")
            .between(LocalTime.of(2, 0), LocalTime.of(3, 0))
            .zone(BERLIN)
            .build();

    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-24T23:59:59Z")))
        .isFalse(); // 01:59:59 CEST
    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-25T00:00:00Z")))
        .isTrue(); // 02:00 CEST
    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-25T00:59:59Z")))
        .isTrue(); // 02:59:59 CEST
    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-25T01:00:00Z")))
        .isTrue(); // 02:00 CET again
    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-25T01:59:59Z")))
        .isTrue(); // 02:59:59 CET
    assertThat(repeatedHour.isActiveAt(Instant.parse("2026-10-25T02:00:00Z")))
        .isFalse(); // 03:00 CET
  }

  @Test
  void nightWindowAcrossFallBackLastsAnHourLonger() {
    // Saturday 22:00 CEST (20:00 UTC) to Sunday 06:00 CET (05:00 UTC): nine real hours.
    MuteWindow night =
        MuteWindow.builder("night")
            .days(SATURDAY)
            .between(LocalTime.of(22, 0), LocalTime.of(6, 0))
            .zone(BERLIN)
            .build();
    assertThat(night.isActiveAt(Instant.parse("2026-10-24T19:59:59Z"))).isFalse();
    assertThat(night.isActiveAt(Instant.parse("2026-10-24T20:00:00Z"))).isTrue();
    assertThat(night.isActiveAt(Instant.parse("2026-10-25T04:59:59Z"))).isTrue();
    assertThat(night.isActiveAt(Instant.parse("2026-10-25T05:00:00Z"))).isFalse();
  }

  @Test
  void matchesEveryAlertWithoutMatchersElseOnlyMatchingOnes() {
    MuteWindow all = MuteWindow.builder("all").zone(BERLIN).build();
    MuteWindow testVms =
        all.newBuilder()
            .matching(
                Matcher.regex("resource", "test-.*"), Matcher.notEqual("severity", "CRITICAL"))
            .build();

    assertThat(all.matches(Map.of())).isTrue();
    assertThat(all.matches(Map.of("resource", "vm-1"))).isTrue();
    assertThat(testVms.matches(Map.of("resource", "test-1", "severity", "WARNING"))).isTrue();
    assertThat(testVms.matches(Map.of("resource", "test-1", "severity", "CRITICAL"))).isFalse();
    assertThat(testVms.matches(Map.of("resource", "vm-1", "severity", "WARNING"))).isFalse();
  }

  @Test
  void defaultsToEveryDayAndKeepsItsSettings() {
    MuteWindow w =
        MuteWindow.builder("nightly")
            .between(LocalTime.of(22, 0), LocalTime.of(6, 0))
            .zone(BERLIN)
            .build();

    assertThat(w.name()).isEqualTo("nightly");
    assertThat(w.days()).isEqualTo(EnumSet.allOf(DayOfWeek.class));
    assertThat(w.start()).isEqualTo(LocalTime.of(22, 0));
    assertThat(w.end()).isEqualTo(LocalTime.of(6, 0));
    assertThat(w.zone()).isEqualTo(BERLIN);
    assertThat(w.matchers()).isEmpty();
    assertThat(w)
        .hasToString(
            "MuteWindow{nightly MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY,SATURDAY,SUNDAY 22:00-06:00 Europe/Berlin}");
    assertThat(w.newBuilder().build()).isEqualTo(w).hasSameHashCodeAs(w);
    assertThat(w.newBuilder().days(MONDAY).build()).isNotEqualTo(w);
  }

  @Test
  void daysAreCopied() {
    EnumSet<DayOfWeek> days = EnumSet.of(MONDAY);
    MuteWindow w = MuteWindow.builder("w").days(days).zone(BERLIN).build();
    days.add(SUNDAY);
    assertThat(w.days()).containsExactly(MONDAY);
    assertThatThrownBy(() -> w.days().add(SUNDAY))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsBadSettingsAtTheBuilder() {
    assertThatThrownBy(() -> MuteWindow.builder("nightly").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nightly")
        .hasMessageContaining("zone");
    assertThatThrownBy(() -> MuteWindow.builder("nightly").between(LocalTime.NOON, LocalTime.NOON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nightly")
        .hasMessageContaining("12:00");
    assertThatThrownBy(() -> MuteWindow.builder("nightly").days())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one day");
    assertThatThrownBy(() -> MuteWindow.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MuteWindow.builder(null)).hasMessage("name == null");
    assertThatThrownBy(() -> MuteWindow.builder("w").zone(null)).hasMessage("zone == null");
    assertThatThrownBy(() -> MuteWindow.builder("w").days(MONDAY, null)).hasMessage("day == null");
  }
}
