package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.internal.Labels;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SuppressorTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z"); // Tuesday
  private static final List<Alert> NONE_FIRING = List.of();

  private final SteppedClock clock = new SteppedClock(T0);

  /** The instant the test asks about, as a ticker reading: grace is measured on the ticker. */
  private volatile Instant tickerAt = T0;

  private final Ticker ticker =
      () -> tickerAt.getEpochSecond() * 1_000_000_000L + tickerAt.getNano();

  private final Suppressor suppressor =
      new Suppressor(clock, ticker, Duration.ZERO, List.of(), List.of(InhibitRule.DEFAULT));

  private static AlertNotification firing(String rule, Severity severity, String resource) {
    Map<String, String> labels = labels(rule, severity, resource);
    return new AlertNotification(
        rule,
        AlertStatus.FIRING,
        severity,
        resource,
        labels,
        rule + " on " + resource,
        90,
        80,
        T0,
        null,
        Labels.fingerprint(labels));
  }

  private static Alert alert(String rule, Severity severity, String resource) {
    Map<String, String> labels = labels(rule, severity, resource);
    return new Alert(
        rule,
        severity,
        resource,
        labels,
        rule + " on " + resource,
        95,
        90,
        T0,
        T0,
        Labels.fingerprint(labels));
  }

  private static Map<String, String> labels(String rule, Severity severity, String resource) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", rule);
    labels.put("resource", resource);
    labels.put("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
    return labels;
  }

  /** Asks the mute stages, and counts like delivery does when a notification is muted. */
  private @Nullable String reason(
      Suppressor s, AlertNotification n, Instant now, List<Alert> firing) {
    tickerAt = now;
    List<ActiveAlert> active =
        firing.stream()
            .map(
                a ->
                    new ActiveAlert(
                        new AlertNotification(
                            a.rule(),
                            AlertStatus.FIRING,
                            a.severity(),
                            a.resource(),
                            a.labels(),
                            a.summary(),
                            a.value(),
                            a.threshold(),
                            a.startsAt(),
                            null,
                            a.fingerprint()),
                        AlertState.FIRING,
                        false,
                        Duration.ZERO))
            .toList();
    MuteStage.Muted m = s.check(n, now, active);
    if (m == null) return null;
    s.count(m.kind());
    return m.reason();
  }

  @Test
  void deliversWhenNothingApplies() {
    assertThat(reason(suppressor, firing("HighCpu", Severity.WARNING, "vm-1"), T0, NONE_FIRING))
        .isNull();
    assertThat(suppressor.suppressedCount()).isZero();
  }

  @Test
  void activeSilenceSuppressesMatchingAlertsOnly() {
    Silence s =
        suppressor.silence(
            List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "maintenance of vm-1");

    assertThat(reason(suppressor, firing("HighCpu", Severity.WARNING, "vm-1"), T0, NONE_FIRING))
        .isEqualTo("silenced by " + s.id() + " (maintenance of vm-1)");
    assertThat(reason(suppressor, firing("HighCpu", Severity.WARNING, "vm-2"), T0, NONE_FIRING))
        .isNull();
    assertThat(suppressor.suppressedCount(SuppressionKind.SILENCE)).isEqualTo(1);
  }

  @Test
  void silenceStopsSuppressingWhenItEndsOrIsExpired() {
    Silence twoHours =
        suppressor.silence(
            List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(2), "maintenance", "ops");
    Silence oneHour =
        suppressor.silence(
            List.of(Matcher.equal("resource", "vm-2")), Duration.ofHours(1), "maintenance");
    assertThat(suppressor.activeSilences(T0)).containsExactlyInAnyOrder(twoHours, oneHour);

    clock.advance(Duration.ofMinutes(30));
    assertThat(suppressor.expire(twoHours.id())).isTrue();
    assertThat(suppressor.expire(twoHours.id())).isFalse();
    assertThat(twoHours.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(
            reason(
                suppressor,
                firing("HighCpu", Severity.WARNING, "vm-1"),
                clock.instant(),
                NONE_FIRING))
        .isNull();

    // Alertmanager's getState: active through endsAt inclusive, expired just after it.
    Instant end = T0.plus(Duration.ofHours(1));
    assertThat(reason(suppressor, firing("HighCpu", Severity.WARNING, "vm-2"), end, NONE_FIRING))
        .startsWith("silenced by " + oneHour.id());
    Instant later = end.plusNanos(1);
    assertThat(reason(suppressor, firing("HighCpu", Severity.WARNING, "vm-2"), later, NONE_FIRING))
        .isNull();
    assertThat(suppressor.activeSilences(later)).isEmpty();
    assertThat(suppressor.expire(oneHour.id())).as("pruned once expired").isFalse();
  }

  @Test
  void silenceExpiredDirectlyIsPrunedLazily() {
    Silence s =
        suppressor.silence(
            List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "maintenance");
    clock.advance(Duration.ofMinutes(1));
    s.expire();

    assertThat(suppressor.activeSilences(clock.instant())).isEmpty();
    assertThat(suppressor.expire(s.id())).isFalse();
  }

  @Test
  void activeMuteWindowSuppressesMatchingAlerts() {
    MuteWindow office =
        MuteWindow.builder("office-hours")
            .between(LocalTime.of(9, 0), LocalTime.of(17, 0))
            .zone(ZoneOffset.UTC)
            .matching(Matcher.notEqual("severity", "critical"))
            .build();
    Suppressor s =
        new Suppressor(clock, ticker, Duration.ZERO, List.of(office), List.of(InhibitRule.DEFAULT));

    assertThat(reason(s, firing("HighCpu", Severity.WARNING, "vm-1"), T0, NONE_FIRING))
        .isEqualTo("muted by window office-hours");
    assertThat(reason(s, firing("HighCpu", Severity.CRITICAL, "vm-1"), T0, NONE_FIRING)).isNull();
    assertThat(
            reason(
                s,
                firing("DiskFull", Severity.WARNING, "vm-1"),
                T0.plus(Duration.ofHours(8)),
                NONE_FIRING))
        .isNull();
    assertThat(s.suppressedCount(SuppressionKind.MUTE_WINDOW)).isEqualTo(1);
  }

  @Test
  void criticalAlertInhibitsWarningAndInfoOnTheSameResource() {
    List<Alert> firing = List.of(alert("HighCpu", Severity.CRITICAL, "vm-1"));

    assertThat(reason(suppressor, firing("HighMemory", Severity.WARNING, "vm-1"), T0, firing))
        .isEqualTo("inhibited by CRITICAL HighCpu on vm-1");
    assertThat(reason(suppressor, firing("SlowDisk", Severity.INFO, "vm-1"), T0, firing))
        .isEqualTo("inhibited by CRITICAL HighCpu on vm-1");
    assertThat(suppressor.suppressedCount(SuppressionKind.INHIBITION)).isEqualTo(2);
  }

  @Test
  void criticalAlertDoesNotInhibitOtherResourcesOrOtherCriticals() {
    List<Alert> firing = List.of(alert("HighCpu", Severity.CRITICAL, "vm-1"));

    assertThat(reason(suppressor, firing("HighMemory", Severity.WARNING, "vm-2"), T0, firing))
        .isNull();
    assertThat(reason(suppressor, firing("DiskFull", Severity.CRITICAL, "vm-1"), T0, firing))
        .isNull();
  }

  @Test
  void warningAlertInhibitsNothing() {
    List<Alert> firing = List.of(alert("HighCpu", Severity.WARNING, "vm-1"));

    assertThat(reason(suppressor, firing("SlowDisk", Severity.INFO, "vm-1"), T0, firing)).isNull();
  }

  @Test
  void alertNeverInhibitsItself() {
    // A firing alert whose fingerprint equals the notification's: the same alert, even if the
    // snapshot already shows it escalated to CRITICAL.
    AlertNotification warning = firing("HighCpu", Severity.WARNING, "vm-1");
    Alert self =
        new Alert(
            "HighCpu",
            Severity.CRITICAL,
            "vm-1",
            warning.labels(),
            "s",
            95,
            90,
            T0,
            T0,
            warning.fingerprint());

    assertThat(reason(suppressor, warning, T0, List.of(self))).isNull();
  }

  @Test
  void notificationsDuringTheStartupGracePeriodAreSuppressed() {
    Suppressor s =
        new Suppressor(
            clock, ticker, Duration.ofMinutes(5), List.of(), List.of(InhibitRule.DEFAULT));
    Instant startedAt = T0.plus(Duration.ofMinutes(1));
    tickerAt = startedAt;
    s.started(startedAt);

    assertThat(s.graceEndsAt()).isEqualTo(startedAt.plus(Duration.ofMinutes(5)));
    assertThat(reason(s, firing("HighCpu", Severity.WARNING, "vm-1"), startedAt, NONE_FIRING))
        .isEqualTo("startup grace period");
    assertThat(
            reason(
                s,
                firing("HighCpu", Severity.WARNING, "vm-2"),
                startedAt.plus(Duration.ofMinutes(5)).minusMillis(1),
                NONE_FIRING))
        .isEqualTo("startup grace period");
    assertThat(
            reason(
                s,
                firing("HighCpu", Severity.WARNING, "vm-3"),
                startedAt.plus(Duration.ofMinutes(5)),
                NONE_FIRING))
        .isNull();
    assertThat(s.suppressedCount(SuppressionKind.GRACE)).isEqualTo(2);
  }

  @Test
  void checksRunInOrderGraceSilenceMuteWindowInhibition() {
    MuteWindow always = MuteWindow.builder("always").zone(ZoneOffset.UTC).build();
    Suppressor s =
        new Suppressor(
            clock, ticker, Duration.ofMinutes(5), List.of(always), List.of(InhibitRule.DEFAULT));
    Silence silence =
        s.silence(List.of(Matcher.equal("resource", "vm-1")), Duration.ofHours(1), "maintenance");
    List<Alert> firing = List.of(alert("HighCpu", Severity.CRITICAL, "vm-1"));
    AlertNotification warning = firing("HighMemory", Severity.WARNING, "vm-1");

    assertThat(reason(s, warning, T0, firing)).isEqualTo("startup grace period");
    Instant afterGrace = T0.plus(Duration.ofMinutes(10));
    assertThat(reason(s, warning, afterGrace, firing)).startsWith("silenced by " + silence.id());
    s.expire(silence.id());
    assertThat(reason(s, warning, afterGrace, firing)).isEqualTo("muted by window always");

    Suppressor inhibitOnly =
        new Suppressor(clock, ticker, Duration.ZERO, List.of(), List.of(InhibitRule.DEFAULT));
    assertThat(reason(inhibitOnly, warning, afterGrace, firing))
        .isEqualTo("inhibited by CRITICAL HighCpu on vm-1");
  }

  @Test
  void countsEverySuppressionByKind() {
    MuteWindow always =
        MuteWindow.builder("always")
            .zone(ZoneOffset.UTC)
            .matching(Matcher.equal("resource", "vm-3"))
            .build();
    Suppressor s =
        new Suppressor(
            clock, ticker, Duration.ofMinutes(1), List.of(always), List.of(InhibitRule.DEFAULT));
    s.silence(List.of(Matcher.equal("resource", "vm-2")), Duration.ofHours(1), "maintenance");
    List<Alert> firing = List.of(alert("HighCpu", Severity.CRITICAL, "vm-4"));
    Instant afterGrace = T0.plus(Duration.ofMinutes(1));

    reason(s, firing("A", Severity.WARNING, "vm-1"), T0, firing);
    reason(s, firing("A", Severity.WARNING, "vm-2"), afterGrace, firing);
    reason(s, firing("B", Severity.WARNING, "vm-2"), afterGrace, firing);
    reason(s, firing("A", Severity.WARNING, "vm-3"), afterGrace, firing);
    reason(s, firing("A", Severity.WARNING, "vm-4"), afterGrace, firing);
    reason(s, firing("A", Severity.WARNING, "vm-5"), afterGrace, firing);

    assertThat(s.suppressedCount()).isEqualTo(5);
    assertThat(s.suppressedCounts())
        .containsExactly(
            Map.entry(SuppressionKind.SILENCE, 2L),
            Map.entry(SuppressionKind.MUTE_WINDOW, 1L),
            Map.entry(SuppressionKind.INHIBITION, 1L),
            Map.entry(SuppressionKind.GRACE, 1L));
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(
            () ->
                new Suppressor(
                    clock, ticker, Duration.ofSeconds(-1), List.of(), List.of(InhibitRule.DEFAULT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
    MuteWindow w = MuteWindow.builder("nightly").zone(ZoneOffset.UTC).build();
    assertThatThrownBy(
            () ->
                new Suppressor(
                    clock,
                    Duration.ZERO,
                    List.of(w, w.newBuilder().days(java.time.DayOfWeek.MONDAY).build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nightly");
    assertThatThrownBy(() -> suppressor.check(null, T0, List.of()))
        .hasMessage("notification == null");
  }
}
