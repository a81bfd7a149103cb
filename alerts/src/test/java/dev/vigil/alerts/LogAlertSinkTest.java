package dev.vigil.alerts;

import static dev.vigil.alerts.Notifications.firing;
import static dev.vigil.alerts.Notifications.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LogAlertSinkTest {
  private static final String LOGGER = "dev.vigil.alerts.test.LogAlertSinkTest";
  private final LogAlertSink sink = LogAlertSink.builder().logger(LOGGER).build();

  @Test
  void firingAlertIsOneKeyValueLine() {
    try (CapturedStderr err = new CapturedStderr()) {
      sink.deliver(firing(Severity.WARNING));

      assertThat(err.linesOf(LOGGER))
          .containsExactly(
              "[main] WARN "
                  + LOGGER
                  + " - alert status=FIRING type=FIRING rule=HighCpu severity=WARNING resource=vm-000001"
                  + " value=92.4 threshold=80 startsAt=2026-11-24T00:00:00Z"
                  + " fingerprint=8f3a6c0d1e2b4a59 summary=\"CPU usage on vm-000001 is 92.4%\""
                  + " labels={region=eu-west-1}");
    }
  }

  @Test
  void reminderLineSaysWhyItWasSentAndCarriesTheDescription() {
    try (CapturedStderr err = new CapturedStderr()) {
      sink.deliver(
          Notifications.ofType(
              NotificationType.REMINDER, Severity.WARNING, "Runbook: https://wiki/HighCpu"));

      assertThat(err.linesOf(LOGGER))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .startsWith(
                          "[main] WARN "
                              + LOGGER
                              + " - alert status=FIRING type=REMINDER rule=HighCpu ")
                      .contains(
                          " summary=\"CPU usage on vm-000001 is 92.4%\""
                              + " description=\"Runbook: https://wiki/HighCpu\" labels={"));
    }
  }

  @Test
  void multiLineDescriptionStaysOnOneLogLine() {
    String line =
        LogAlertSink.format(
            Notifications.ofType(
                NotificationType.SEVERITY_CHANGED,
                Severity.CRITICAL,
                "Check:\n1. top\r\n2. dmesg"));

    assertThat(line)
        .contains(" type=SEVERITY_CHANGED ")
        .contains(" description=\"Check:\\n1. top\\r\\n2. dmesg\" ")
        .doesNotContain("\n", "\r");
  }

  @Test
  void emptyDescriptionIsLeftOut() {
    assertThat(LogAlertSink.format(firing(Severity.WARNING))).doesNotContain("description=");
  }

  @Test
  void resolvedAlertLogsEndsAtAtInfo() {
    try (CapturedStderr err = new CapturedStderr()) {
      sink.deliver(resolved(Severity.CRITICAL));

      assertThat(err.linesOf(LOGGER))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .startsWith(
                          "[main] INFO " + LOGGER + " - alert status=RESOLVED type=RESOLVED ")
                      .contains(" startsAt=2026-11-24T00:00:00Z endsAt=2026-11-24T00:05:00Z "));
    }
  }

  @Test
  void levelFollowsSeverity() {
    try (CapturedStderr err = new CapturedStderr()) {
      sink.deliver(firing(Severity.CRITICAL));
      sink.deliver(firing(Severity.WARNING));
      sink.deliver(firing(Severity.INFO));

      assertThat(err.linesOf(LOGGER))
          .hasSize(3)
          .satisfiesExactly(
              l -> assertThat(l).startsWith("[main] ERROR " + LOGGER + " - alert status=FIRING"),
              l -> assertThat(l).startsWith("[main] WARN " + LOGGER + " - alert status=FIRING"),
              l -> assertThat(l).startsWith("[main] INFO " + LOGGER + " - alert status=FIRING"));
    }
  }

  @Test
  void everySeverityOfAFiringAlertHasItsOwnLevelAndResolvedIsInfo() {
    Map<Severity, Level> expected =
        Map.of(
            Severity.CRITICAL,
            Level.ERROR,
            Severity.WARNING,
            Level.WARN,
            Severity.INFO,
            Level.INFO);
    assertThat(expected).containsOnlyKeys(Severity.values());
    for (Severity severity : Severity.values()) {
      assertThat(LogAlertSink.level(firing(severity)))
          .as("%s", severity)
          .isEqualTo(expected.get(severity));
      assertThat(LogAlertSink.level(resolved(severity)))
          .as("resolved %s", severity)
          .isEqualTo(Level.INFO);
    }
  }

  @Test
  void severityLabelIsNotRepeatedWhateverItsCase() {
    for (String label : new String[] {"critical", "CRITICAL", "Critical"}) {
      AlertNotification n =
          new AlertNotification(
              "HighCpu",
              AlertStatus.FIRING,
              Severity.CRITICAL,
              "vm-000001",
              Map.of(
                  "alertname", "HighCpu", "resource", "vm-000001", "severity", label, "zone", "a"),
              "s",
              1,
              2,
              Notifications.STARTS_AT,
              null,
              Notifications.FINGERPRINT);

      assertThat(LogAlertSink.format(n))
          .as(label)
          .contains(" severity=CRITICAL ")
          .endsWith(" labels={zone=a}");
    }
  }

  @Test
  void aDifferentSeverityLabelIsKept() {
    AlertNotification n =
        Notifications.notification(AlertStatus.FIRING, Severity.CRITICAL, Map.of(), "s");
    AlertNotification relabelled =
        new AlertNotification(
            n.rule(),
            n.status(),
            n.severity(),
            n.resource(),
            Map.of("alertname", "HighCpu", "resource", "vm-000001", "severity", "page"),
            n.summary(),
            n.value(),
            n.threshold(),
            n.startsAt(),
            null,
            n.fingerprint());

    assertThat(LogAlertSink.format(relabelled)).endsWith(" labels={severity=page}");
  }

  @Test
  void labelWithLineBreakCannotForgeASecondLine() {
    String forged = "x\r\n[main] ERROR " + LOGGER + " - alert status=RESOLVED rule=Forged";
    try (CapturedStderr err = new CapturedStderr()) {
      sink.deliver(
          Notifications.notification(
              AlertStatus.FIRING,
              Severity.WARNING,
              Map.of("team", forged, "note", "bell\u0007 nel\u0085 ls\u2028 end"),
              "summary\nwith a break"));

      String text = err.text();
      assertThat(text.lines().filter(l -> l.contains(LOGGER))).hasSize(1);
      assertThat(text.lines().filter(l -> l.contains("rule=Forged"))).hasSize(1);
      assertThat(err.linesOf(LOGGER))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains(" summary=\"summary\\nwith a break\" ")
                      .contains("note=\"bell\\u0007 nel\\u0085 ls\\u2028 end\"")
                      .contains("team=\"x\\r\\n[main] ERROR ")
                      .doesNotContain("\r", "\u0007", "\u0085", "\u2028"));
    }
  }

  @Test
  void quotesAndBackslashesAreEscapedInsideQuotes() {
    assertThat(Text.logValue("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
    assertThat(Text.logValue("")).isEqualTo("\"\"");
    assertThat(Text.logValue("k=v")).isEqualTo("\"k=v\"");
    assertThat(Text.logValue("plain-value_1.0")).isEqualTo("plain-value_1.0");
  }

  @Test
  void defaultLoggerIsDevVigilAlerts() {
    try (CapturedStderr err = new CapturedStderr()) {
      LogAlertSink.create().deliver(firing(Severity.CRITICAL));

      assertThat(err.linesOf("dev.vigil.alerts"))
          .singleElement()
          .asString()
          .startsWith("[main] ERROR");
    }
  }

  @Test
  void builderRejectsBadLoggerName() {
    assertThatThrownBy(() -> LogAlertSink.builder().logger(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("logger == null");
    assertThatThrownBy(() -> LogAlertSink.builder().logger(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("logger is blank");
  }
}
