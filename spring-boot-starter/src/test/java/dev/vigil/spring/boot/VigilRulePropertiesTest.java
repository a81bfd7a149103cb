package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Each setting of {@code vigil.rules.<name>.*} changes what a sink hears: a scripted source bean
 * polled once a minute in virtual time, a recording sink bean, and the notifications it received
 * after each poll. Every test would pass with the setting left out only if it said nothing.
 */
class VigilRulePropertiesTest {
  private static ApplicationContextRunner runner(Supplier<ScriptedSource> script) {
    return TestApps.runner()
        .withUserConfiguration(TestApps.Time.class)
        .withBean("cloud", ScriptedSource.class, script)
        .withBean("ops", RecordingSink.class, RecordingSink::create)
        .withPropertyValues("vigil.sources.cloud.interval=1m");
  }

  private static ApplicationContextRunner runner(String values) {
    return runner(() -> ScriptedSource.of("cpu_usage", "vm-1", values));
  }

  /** Plays {@code polls} more steps, one a minute, and returns the sink. */
  private static RecordingSink play(AssertableApplicationContext context, int polls)
      throws Exception {
    TestApps.play(context, polls);
    return context.getBean(RecordingSink.class);
  }

  private static List<NotificationType> types(RecordingSink sink) {
    return sink.notifications().stream().map(AlertNotification::type).toList();
  }

  @Test
  void aggregateOverADurationWindowComparesTheWindowsAverage() {
    runner("60 100 100")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.aggregate=avg",
            "vigil.rules.Hot.window=90s",
            "vigil.rules.Hot.above=90")
        .run(
            context -> {
              assertThat(play(context, 2).firing()).as("avg(60, 100) = 80").isEmpty();
              List<AlertNotification> firing = play(context, 1).firing();
              assertThat(firing).hasSize(1);
              assertThat(firing.get(0).value()).isEqualTo(100.0);
            });
  }

  @Test
  void maxAggregateOverSamplesKeepsTheWorstValue() {
    runner("95 10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.aggregate=max",
            "vigil.rules.Hot.window-samples=2",
            "vigil.rules.Hot.above=90")
        .run(context -> assertThat(play(context, 2).resolved()).isEmpty());
  }

  @Test
  void rateAggregateComparesTheIncreasePerSecond() {
    runner("0 60 120")
        .withPropertyValues(
            "vigil.rules.Busy.metric=cpu_usage",
            "vigil.rules.Busy.aggregate=rate",
            "vigil.rules.Busy.window-samples=2",
            "vigil.rules.Busy.above=0.5")
        .run(
            context -> {
              List<AlertNotification> firing = play(context, 2).firing();
              assertThat(firing).hasSize(1);
              assertThat(firing.get(0).value()).isEqualTo(1.0);
            });
  }

  @Test
  void percentileAggregateComparesThatPercentileOfTheWindow() {
    runner("10 95 20")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.aggregate=percentile",
            "vigil.rules.Hot.percentile=50",
            "vigil.rules.Hot.window-samples=3",
            "vigil.rules.Hot.above=15")
        .run(
            context -> {
              // the median of 10, 95 and 20; at the second poll, of 10 and 95
              List<AlertNotification> firing = play(context, 3).firing();
              assertThat(firing).isNotEmpty();
              assertThat(firing.get(firing.size() - 1).value()).isLessThan(95.0);
            });
  }

  @Test
  void predictLinearFiresBeforeTheValueGetsThere() {
    runner(() -> ScriptedSource.of("disk_free_percent", "vm-1", "30 25 20"))
        .withPropertyValues(
            "vigil.rules.DiskFull.metric=disk_free_percent",
            "vigil.rules.DiskFull.aggregate=predict-linear",
            "vigil.rules.DiskFull.window-samples=3",
            "vigil.rules.DiskFull.predict-ahead=10m",
            "vigil.rules.DiskFull.below=0")
        .run(
            context -> {
              List<AlertNotification> firing = play(context, 3).firing();
              assertThat(firing).hasSize(1);
              assertThat(firing.get(0).value())
                  .isCloseTo(-30.0, org.assertj.core.data.Offset.offset(0.01));
            });
  }

  @Test
  void criticalAndClearConditionsEscalateAndClearAFiringAlert() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", "85 85 50 20")
                    .series("memory_usage", "vm-1", "10 95 10 10")
                    .build())
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.critical-condition.any-of[0].metric=memory_usage",
            "vigil.rules.Hot.critical-condition.any-of[0].above=90",
            "vigil.rules.Hot.clear-condition.all-of[0].metric=cpu_usage",
            "vigil.rules.Hot.clear-condition.all-of[0].below=30")
        .run(
            context -> {
              assertThat(play(context, 3).notifications())
                  .extracting(AlertNotification::type, AlertNotification::severity)
                  .as("at cpu 50 the clear condition does not hold yet")
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(
                          NotificationType.FIRING, Severity.WARNING),
                      org.assertj.core.groups.Tuple.tuple(
                          NotificationType.SEVERITY_CHANGED, Severity.CRITICAL),
                      org.assertj.core.groups.Tuple.tuple(
                          NotificationType.SEVERITY_CHANGED, Severity.WARNING));
              assertThat(play(context, 1).resolved()).hasSize(1);
            });
  }

  @Test
  void forHoldsTheAlertPendingUntilTheConditionHeldThatLong() {
    runner("90 90 90")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.for=2m")
        .run(
            context -> {
              assertThat(play(context, 2).firing()).isEmpty();
              assertThat(play(context, 1).firing()).hasSize(1);
            });
  }

  @Test
  void keepFiringForDelaysTheResolution() {
    runner("90 10 10 10 10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.keep-firing-for=150s")
        .run(
            context -> {
              RecordingSink ops = play(context, 3);
              assertThat(ops.firing()).hasSize(1);
              assertThat(ops.resolved()).isEmpty();
              assertThat(play(context, 2).resolved()).hasSize(1);
            });
  }

  /**
   * CloudWatch's rule: with fewer real datapoints than evaluation-periods, the missing ones fill
   * the rest, as breaching under missing-data breaching. One non-breaching sample of three periods
   * then alarms 2 of 3; under missing, ignore or not-breaching it does not.
   */
  @Test
  void datapointsMOfNCountMissingDataAsBreachingWhenTold() {
    runner("10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.datapoints-to-alarm=2",
            "vigil.rules.Hot.evaluation-periods=3",
            "vigil.rules.Hot.missing-data=breaching")
        .run(context -> assertThat(play(context, 1).firing()).hasSize(1));
  }

  @Test
  void datapointsMOfNDoNotFireOnMissingDataThatIsNotBreaching() {
    runner("90 _ 10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.datapoints-to-alarm=2",
            "vigil.rules.Hot.evaluation-periods=3",
            "vigil.rules.Hot.missing-data=not-breaching")
        .run(context -> assertThat(play(context, 3).firing()).isEmpty());
  }

  @Test
  void clearBelowKeepsTheAlertFiringUntilTheValueDropsBelowIt() {
    runner("90 70 40")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.clear-below=50")
        .run(
            context -> {
              assertThat(play(context, 2).resolved()).as("70 is above clear-below").isEmpty();
              assertThat(play(context, 1).resolved()).hasSize(1);
            });
  }

  @Test
  void clearAboveKeepsABelowRuleFiringUntilTheValueRisesAboveIt() {
    runner(() -> ScriptedSource.of("disk_free_percent", "vm-1", "5 15 25"))
        .withPropertyValues(
            "vigil.rules.Disk.metric=disk_free_percent",
            "vigil.rules.Disk.below=10",
            "vigil.rules.Disk.clear-above=20")
        .run(
            context -> {
              assertThat(play(context, 2).resolved()).as("15 is below clear-above").isEmpty();
              assertThat(play(context, 1).resolved()).hasSize(1);
            });
  }

  @Test
  void outsideFiresBelowTheLowAndAboveTheHighBound() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("temperature", "rack-1", "5")
                    .series("temperature", "rack-2", "20")
                    .series("temperature", "rack-3", "40")
                    .build())
        .withPropertyValues(
            "vigil.rules.Temp.metric=temperature",
            "vigil.rules.Temp.outside.low=10",
            "vigil.rules.Temp.outside.high=30")
        .run(
            context ->
                assertThat(play(context, 1).firing())
                    .extracting(AlertNotification::resource)
                    .containsExactlyInAnyOrder("rack-1", "rack-3"));
  }

  @Test
  void criticalAboveEscalatesTheSeverity() {
    runner("85 97")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.critical-above=95",
            "vigil.rules.Hot.severity=info")
        .run(
            context -> {
              RecordingSink ops = play(context, 2);
              assertThat(ops.notifications())
                  .extracting(AlertNotification::type, AlertNotification::severity)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(NotificationType.FIRING, Severity.INFO),
                      org.assertj.core.groups.Tuple.tuple(
                          NotificationType.SEVERITY_CHANGED, Severity.CRITICAL));
            });
  }

  @Test
  void criticalBelowEscalatesABelowRule() {
    runner(() -> ScriptedSource.of("disk_free_percent", "vm-1", "8 2"))
        .withPropertyValues(
            "vigil.rules.Disk.metric=disk_free_percent",
            "vigil.rules.Disk.below=10",
            "vigil.rules.Disk.critical-below=5")
        .run(
            context ->
                assertThat(play(context, 2).notifications())
                    .extracting(AlertNotification::severity)
                    .containsExactly(Severity.WARNING, Severity.CRITICAL));
  }

  @Test
  void compositeConditionsHoldForAllOfOrAnyOfTheirComparisons() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", "95")
                    .series("memory_usage", "vm-1", "95")
                    .series("cpu_usage", "vm-2", "95")
                    .series("memory_usage", "vm-2", "10")
                    .series("cpu_usage", "vm-3", "10")
                    .series("memory_usage", "vm-3", "10")
                    .build())
        .withPropertyValues(
            "vigil.rules.Both.condition.all-of[0].metric=cpu_usage",
            "vigil.rules.Both.condition.all-of[0].above=90",
            "vigil.rules.Both.condition.all-of[1].metric=memory_usage",
            "vigil.rules.Both.condition.all-of[1].above=90",
            "vigil.rules.Either.condition.any-of[0].metric=cpu_usage",
            "vigil.rules.Either.condition.any-of[0].above=90",
            "vigil.rules.Either.condition.any-of[1].metric=memory_usage",
            "vigil.rules.Either.condition.any-of[1].outside.low=20",
            "vigil.rules.Either.condition.any-of[1].outside.high=80")
        .run(
            context -> {
              RecordingSink ops = play(context, 1);
              assertThat(ops.forRule("Both"))
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-1");
              assertThat(ops.forRule("Either"))
                  .extracting(AlertNotification::resource)
                  .containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
            });
  }

  @Test
  void heartbeatFiresForASeriesThatStoppedReporting() {
    runner("1 _ _ _ _")
        .withPropertyValues(
            "vigil.rules.Silent.metric=cpu_usage", "vigil.rules.Silent.heartbeat=3m")
        .run(
            context -> {
              assertThat(play(context, 3).firing()).as("2 minutes without a sample").isEmpty();
              assertThat(play(context, 2).firing())
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-1");
            });
  }

  @Test
  void absentFiresWhenNoMatchingSeriesWasReportedWithinTheGrace() {
    runner("1 1 1 1")
        .withPropertyValues(
            "vigil.rules.NoDb.metric=cpu_usage",
            "vigil.rules.NoDb.absent.grace=2m",
            "vigil.rules.NoDb.absent.matchers=resource=\"db-1\"",
            "vigil.rules.NoVm.metric=cpu_usage",
            "vigil.rules.NoVm.absent.grace=2m",
            "vigil.rules.NoVm.absent.matchers=resource=\"vm-1\"")
        .run(
            context -> {
              assertThat(play(context, 2).firing()).as("within the grace").isEmpty();
              RecordingSink ops = play(context, 2);
              assertThat(ops.forRule("NoDb")).hasSize(1);
              assertThat(ops.forRule("NoVm")).isEmpty();
            });
  }

  @Test
  void flappingIsDetectedBetweenItsThresholds() {
    runner("90 10 90 10 90 10 90 10 90 10 90 10 90 10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.flapping.low=20",
            "vigil.rules.Hot.flapping.high=30")
        .run(
            context ->
                assertThat(types(play(context, 14))).contains(NotificationType.FLAPPING_STARTED));
  }

  @Test
  void staleAfterMovesAnAlertWithoutDataToNoData() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", "90 _ _ _ _")
                    .series("memory_usage", "vm-1", "1 1 1 1 1") // vm-1 is still listed
                    .build())
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.stale-after=2m")
        .run(
            context ->
                assertThat(types(play(context, 5)))
                    .as("the default, 5m, is not over yet")
                    .contains(NotificationType.NO_DATA));
  }

  @Test
  void repeatIntervalRemindsOfAFiringAlert() {
    runner("90 90 90 90 90")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.repeat-interval=2m")
        .run(
            context ->
                assertThat(types(play(context, 5)))
                    .startsWith(NotificationType.FIRING)
                    .contains(NotificationType.REMINDER));
  }

  @Test
  void notifyResolvedFalseKeepsResolutionsQuiet() {
    runner("90 10")
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.notify-resolved=false")
        .run(
            context ->
                assertThat(types(play(context, 2))).containsExactly(NotificationType.FIRING));
  }

  @Test
  void templatesAndLabelsReachTheNotification() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", java.util.Map.of("region", "eu-west-1"), "92")
                    .build())
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.rules.Hot.severity=info",
            "vigil.rules.Hot.summary={rule}: {metric} of {resource} is {value} (> {threshold}, {severity})",
            "vigil.rules.Hot.description=Region {labels.region}, team {labels.team}",
            "vigil.rules.Hot.labels.team=infra")
        .run(
            context -> {
              AlertNotification n = play(context, 1).firing().get(0);
              assertThat(n.summary()).isEqualTo("Hot: cpu_usage of vm-1 is 92 (> 80, INFO)");
              assertThat(n.description()).isEqualTo("Region eu-west-1, team infra");
              assertThat(n.labels())
                  .containsEntry("team", "infra")
                  .containsEntry("region", "eu-west-1")
                  .containsEntry("alertname", "Hot");
            });
  }

  @Test
  void silencesFromPropertiesMuteTheirAlertsOnly() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", "90")
                    .series("cpu_usage", "vm-2", "90")
                    .series("cpu_usage", "vm-3", "90")
                    .build())
        .withPropertyValues(
            "vigil.rules.Hot.metric=cpu_usage",
            "vigil.rules.Hot.above=80",
            "vigil.silences[0].matchers=resource=\"vm-2\"",
            "vigil.silences[0].duration=1h",
            "vigil.silences[0].comment=maintenance",
            // starts an hour after the virtual start (2026-01-01T00:00:00Z): mutes nothing yet
            "vigil.silences[1].matchers=resource=\"vm-3\"",
            "vigil.silences[1].starts-at=2026-01-01T01:00:00Z",
            "vigil.silences[1].ends-at=2026-01-01T02:00:00Z",
            "vigil.silences[1].comment=later")
        .run(
            context ->
                assertThat(play(context, 1).firing())
                    .extracting(AlertNotification::resource)
                    .containsExactlyInAnyOrder("vm-1", "vm-3"));
  }
}
