package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

  @Test
  void aboveAndBelowAreStrict() {
    AlertRule above = AlertRule.builder("High").metric("cpu").above(80).build();
    AlertRule below = AlertRule.builder("Low").metric("disk_free").below(10).build();
    assertThat(((Condition.Comparison) above.condition()).holds(80)).isFalse();
    assertThat(((Condition.Comparison) above.condition()).holds(80.01)).isTrue();
    assertThat(((Condition.Comparison) below.condition()).holds(10)).isFalse();
    assertThat(((Condition.Comparison) below.condition()).holds(9.99)).isTrue();
  }

  @Test
  void aggregateMayBeSetAfterTheThresholds() {
    AlertRule rule =
        AlertRule.builder("R")
            .above(80)
            .criticalAbove(95)
            .metric("cpu")
            .aggregate(Aggregation.avg(Window.last(3)))
            .build();
    assertThat(rule.condition()).hasToString("avg(last(3)) of cpu > 80");
    assertThat(rule.criticalCondition()).hasToString("avg(last(3)) of cpu > 95");
  }

  @Test
  void summaryRendersPlaceholdersWithValuesForPeople() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .severity(Severity.CRITICAL)
            .summary(
                "{severity}: {metric} on {resource} ({labels.region}) is {value}%, over {threshold}%")
            .build();
    List<AlertNotification> out = new java.util.ArrayList<>();
    Evaluator evaluator = new Evaluator(List.of(rule));

    out.addAll(
        evaluator
            .ingest(
                "s",
                List.of(
                    new Sample(
                        "cpu_usage", "vm-1", Map.of("region", "eu-west-1"), 92.39999999, T0)),
                Set.of(),
                T0)
            .notifications());

    assertThat(out)
        .singleElement()
        .extracting(AlertNotification::summary)
        .isEqualTo("CRITICAL: cpu_usage on vm-1 (eu-west-1) is 92.4%, over 80%");
  }

  @Test
  void unknownPlaceholderFailsAtTheBuilder() {
    assertThatThrownBy(() -> AlertRule.builder("R").summary("CPU is {valeu}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("summary")
        .hasMessageContaining("{valeu}");
    assertThatThrownBy(() -> AlertRule.builder("R").summary("CPU is {value"))
        .hasMessageContaining("unclosed");
  }

  @Test
  void incompleteRuleFailsAtBuildNamingTheSetting() {
    assertThatThrownBy(() -> AlertRule.builder("R").above(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("metric");
    assertThatThrownBy(() -> AlertRule.builder("R").metric("m").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> AlertRule.builder("R").above(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> AlertRule.builder(" ")).hasMessageContaining("name");
    assertThatThrownBy(() -> AlertRule.builder("R").label("resource", "x"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> AlertRule.builder("R").metric("m").above(90).clearBelow(95).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clearBelow 95 must not exceed the firing threshold 90");
    assertThatThrownBy(
            () ->
                AlertRule.builder("R")
                    .metric("m")
                    .above(1)
                    .severity(Severity.CRITICAL)
                    .criticalAbove(2)
                    .build())
        .hasMessageContaining("base severity below CRITICAL");
    assertThatThrownBy(
            () ->
                AlertRule.builder("R")
                    .metric("m")
                    .above(1)
                    .heartbeat(java.time.Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("heartbeat excludes thresholds");
    assertThatThrownBy(
            () ->
                AlertRule.builder("R")
                    .metric("m")
                    .above(1)
                    .absent(java.time.Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("absent excludes thresholds");
    assertThatThrownBy(() -> AlertRule.builder("R").absent(java.time.Duration.ofMinutes(-1)))
        .hasMessageContaining("absent grace");
    assertThatThrownBy(() -> AlertRule.builder("R").datapoints(3, 2))
        .hasMessageContaining("3 of 2");
    assertThatThrownBy(() -> AlertRule.builder("R").flapDetection(30, 20))
        .hasMessageContaining("flapDetection");
    assertThatThrownBy(() -> AlertRule.builder("R").forDuration(java.time.Duration.ofSeconds(-1)))
        .hasMessageContaining("forDuration");
  }

  @Test
  void eachResourceAndLabelSetIsItsOwnAlert() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).label("team", "infra").build();
    List<AlertNotification> out = new java.util.ArrayList<>();
    Evaluator evaluator = new Evaluator(List.of(rule));

    out.addAll(
        evaluator
            .ingest(
                "s",
                List.of(
                    Sample.of("cpu_usage", "vm-1", 90, T0),
                    Sample.of("cpu_usage", "vm-2", 90, T0),
                    new Sample("cpu_usage", "vm-1", Map.of("core", "1"), 90, T0),
                    Sample.of("memory_usage", "vm-1", 99, T0)), // no rule for it
                Set.of(),
                T0)
            .notifications());

    assertThat(out).hasSize(3);
    assertThat(out).extracting(AlertNotification::fingerprint).doesNotHaveDuplicates();
    assertThat(out.get(0).labels()).containsEntry("team", "infra");
    assertThat(evaluator.activeAlerts()).hasSize(3);
  }

  @Test
  void fingerprintIsStableAndIgnoresSeverity() {
    Map<String, String> warning =
        Map.of("alertname", "HighCpu", "resource", "vm-1", "severity", "warning");
    Map<String, String> critical =
        Map.of("alertname", "HighCpu", "resource", "vm-1", "severity", "critical");
    assertThat(Evaluator.fingerprint(warning))
        .isEqualTo(Evaluator.fingerprint(critical))
        .hasSize(16);
    assertThat(Evaluator.fingerprint(warning))
        .isNotEqualTo(Evaluator.fingerprint(Map.of("alertname", "HighCpu", "resource", "vm-2")));
    // The separator keeps ("ab","c") and ("a","bc") apart.
    assertThat(dev.vigil.internal.Labels.fingerprint(Map.of("ab", "c")))
        .isNotEqualTo(dev.vigil.internal.Labels.fingerprint(Map.of("a", "bc")));
  }

  @Test
  void incoherentRulesFailAtBuildNamingTheConflict() {
    assertThatThrownBy(() -> AlertRule.builder("R").metric("m").above(90).criticalAbove(80).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("critical level m > 80 must lie beyond the firing condition m > 90");
    assertThatThrownBy(() -> AlertRule.builder("R").metric("m").above(90).criticalBelow(95).build())
        .hasMessageContaining("same direction");
    assertThatThrownBy(
            () -> AlertRule.builder("R").metric("m").outside(10, 90).clearBelow(80).build())
        .hasMessageContaining("clearWhen");
    assertThatThrownBy(() -> AlertRule.builder("R").metric("m").above(90).clearAbove(95).build())
        .hasMessageContaining("clearBelow goes with above()");
    assertThatThrownBy(
            () ->
                AlertRule.builder("R")
                    .metric("m")
                    .aggregate(Aggregation.avg(Window.last(3)))
                    .heartbeat(java.time.Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("a heartbeat has none");
    assertThatThrownBy(
            () ->
                AlertRule.builder("R")
                    .aggregate(Aggregation.max(Window.last(3)))
                    .condition(Condition.metric("m").above(1))
                    .build())
        .hasMessageContaining("put it in the Condition instead");
    assertThatThrownBy(() -> AlertRule.builder("SourceHealth"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void coherentLevelsAndHysteresisBuild() {
    assertThat(AlertRule.builder("R").metric("m").outside(10, 90).criticalAbove(95).build().name())
        .isEqualTo("R");
    assertThat(
            AlertRule.builder("R")
                .metric("m")
                .below(10)
                .criticalBelow(5)
                .clearAbove(15)
                .build()
                .name())
        .isEqualTo("R");
  }

  @Test
  void seriesReplacedByANewLabelSetResolvesAsSeriesGoneInsteadOfNoData() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build(); // staleAfter 5m
    List<AlertNotification> out = new java.util.ArrayList<>();
    Evaluator evaluator = new Evaluator(List.of(rule));
    out.addAll(
        evaluator
            .ingest(
                "s",
                List.of(new Sample("cpu_usage", "vm-1", Map.of("version", "1"), 90, T0)),
                Set.of(),
                T0)
            .notifications());
    for (int minute = 1; minute <= 6; minute++) {
      Instant now = T0.plus(java.time.Duration.ofMinutes(minute));
      out.addAll(
          evaluator
              .ingest(
                  "s",
                  List.of(new Sample("cpu_usage", "vm-1", Map.of("version", "2"), 90, now)),
                  Set.of(),
                  now)
              .notifications());
    }

    assertThat(out)
        .extracting(
            n ->
                n.labels().get("version")
                    + " "
                    + n.type()
                    + " "
                    + n.summary().endsWith("(series gone)"))
        .containsExactly("1 FIRING false", "2 FIRING false", "1 RESOLVED true");
    assertThat(out.get(2).endsAt()).isEqualTo(T0.plus(java.time.Duration.ofMinutes(5)));
    assertThat(evaluator.activeAlerts())
        .extracting(a -> a.labels().get("version"))
        .containsExactly("2");
  }
}
