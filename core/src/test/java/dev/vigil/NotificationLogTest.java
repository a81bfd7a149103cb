package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.internal.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-sink notification log: Alertmanager's dedup stage over its notification log ({@code
 * notify/dedup_stage.go}, {@code needsUpdate}), and the Suppression section of docs/rules.md.
 */
class NotificationLogTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final MuteStage.Muted SILENCED =
      new MuteStage.Muted(SuppressionKind.SILENCE, "silenced by s-1 (maintenance)");

  private final NotificationLog log = new NotificationLog();

  private static AlertNotification firing(String resource) {
    Map<String, String> labels =
        Map.of("alertname", "HighCpu", "resource", resource, "severity", "warning");
    return new AlertNotification(
        "HighCpu",
        AlertStatus.FIRING,
        Severity.WARNING,
        resource,
        labels,
        "HighCpu on " + resource,
        90,
        80,
        T0,
        null,
        Labels.fingerprint(labels));
  }

  private static AlertNotification resolved(AlertNotification f) {
    return new AlertNotification(
        f.rule(),
        AlertStatus.RESOLVED,
        f.severity(),
        f.resource(),
        f.labels(),
        f.summary(),
        70,
        80,
        f.startsAt(),
        T0.plusSeconds(60),
        f.fingerprint());
  }

  private static ActiveAlert active(AlertNotification f, Duration repeat) {
    return new ActiveAlert(f, AlertState.FIRING, false, repeat);
  }

  @Test
  void resolutionOfAMutedOpeningIsMutedWithTheOpeningsReason() {
    AlertNotification fired = firing("vm-1");
    assertThat(log.onTransition(fired, SILENCED, T0).send()).isFalse();

    NotificationLog.Decision d = log.onTransition(resolved(fired), null, T0.plusSeconds(3600));
    assertThat(d.muted())
        .isEqualTo(
            new MuteStage.Muted(
                SuppressionKind.SILENCE,
                "resolves a suppressed notification (silenced by s-1 (maintenance))"));
    // Forgotten: a second resolution of the same alert is sent.
    assertThat(log.onTransition(resolved(fired), null, T0.plusSeconds(3600)).send()).isTrue();
  }

  @Test
  void resolutionOfAToldAlertIsSentEvenWhenTheStagesMuteIt() {
    AlertNotification fired = firing("vm-1");
    assertThat(log.onTransition(fired, null, T0).send()).isTrue();

    assertThat(log.onTransition(resolved(fired), SILENCED, T0.plusSeconds(60)).send()).isTrue();
  }

  @Test
  void mutedFiringIsAnnouncedOnceNothingMutesItAndRemindersFollow() {
    AlertNotification fired = firing("vm-1");
    ActiveAlert a = active(fired, Duration.ofMinutes(2));
    log.onTransition(fired, SILENCED, T0);

    assertThat(log.due(a, T0.plusSeconds(60), n -> SILENCED, a.repeatInterval()))
        .as("still muted")
        .isNull();
    NotificationLog.Decision announced =
        log.due(a, T0.plusSeconds(120), n -> null, a.repeatInterval());
    assertThat(announced).isNotNull();
    assertThat(announced.notification().type()).isEqualTo(NotificationType.FIRING);
    assertThat(log.told(fired.fingerprint())).isTrue();

    assertThat(log.due(a, T0.plusSeconds(180), n -> null, a.repeatInterval())).isNull();
    NotificationLog.Decision reminder =
        log.due(a, T0.plusSeconds(240), n -> null, a.repeatInterval());
    assertThat(reminder).isNotNull();
    assertThat(reminder.notification().type()).isEqualTo(NotificationType.REMINDER);
    // Once told, the resolution goes out.
    assertThat(log.onTransition(resolved(fired), SILENCED, T0.plusSeconds(300)).send()).isTrue();
  }

  @Test
  void severityChangeOfAnAlertThisSinkNeverHeardIsSentAsFiring() {
    AlertNotification fired = firing("vm-1");
    log.onTransition(fired, SILENCED, T0);

    NotificationLog.Decision d =
        log.onTransition(
            fired.withType(NotificationType.SEVERITY_CHANGED), null, T0.plusSeconds(60));
    assertThat(d.send()).isTrue();
    assertThat(d.notification().type()).isEqualTo(NotificationType.FIRING);
  }

  @Test
  void alertsThatLeaveTheSnapshotAreForgotten() {
    AlertNotification fired = firing("vm-1");
    log.onTransition(fired, SILENCED, T0);
    log.retain(Set.of());

    assertThat(log.size()).isZero();
    assertThat(log.onTransition(resolved(fired), null, T0.plusSeconds(60)).send()).isTrue();
  }

  @Test
  void rememberedAlertsAreBounded() {
    AlertNotification first = firing("vm-0");
    log.onTransition(first, SILENCED, T0);
    for (int i = 1; i <= NotificationLog.MAX_TRACKED; i++) {
      log.onTransition(firing("vm-" + i), SILENCED, T0);
    }

    assertThat(log.size()).isEqualTo(NotificationLog.MAX_TRACKED);
    assertThat(log.onTransition(resolved(first), null, T0).send()).as("oldest forgotten").isTrue();
    assertThat(List.of(log.size())).containsExactly(NotificationLog.MAX_TRACKED);
  }
}
