package dev.vigil.testing;

import static dev.vigil.AlertStatus.FIRING;
import static dev.vigil.AlertStatus.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.Alert;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RuleTesterTest {
  private static final Instant T0 = ManualClock.DEFAULT_START;
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final AlertRule HIGH_CPU =
      AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build();

  private static RuleTester.Builder highCpu() {
    return RuleTester.builder().rule(HIGH_CPU);
  }

  @Test
  void firesOnFirstBreachAndResolvesWhenBack() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "85 86 _ 70").build()) {
      tester.run();

      assertThat(tester.notifications())
          .extracting(
              AlertNotification::status, AlertNotification::resource, AlertNotification::value)
          .containsExactly(tuple(FIRING, "vm-1", 85.0), tuple(RESOLVED, "vm-1", 70.0));
      AlertNotification resolved = tester.notifications().get(1);
      assertThat(resolved.startsAt()).isEqualTo(T0);
      assertThat(resolved.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
      assertThat(tester.notificationsAt(Duration.ZERO))
          .extracting(AlertNotification::status)
          .containsExactly(FIRING);
      assertThat(tester.notificationsAt(Duration.ofMinutes(3)))
          .extracting(AlertNotification::status)
          .containsExactly(RESOLVED);
      assertThat(tester.monitor().activeAlerts()).isEmpty();
      assertThat(tester.isFinished()).isTrue();
      assertThat(tester.time().now()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
    }
  }

  @Test
  void missingStepProducesNoNotification() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "90 _ missing 95").build()) {
      tester.run();

      assertThat(tester.notifications())
          .extracting(AlertNotification::status)
          .containsExactly(FIRING);
      assertThat(tester.notificationsAt(Duration.ofMinutes(1))).isEmpty();
      assertThat(tester.notificationsAt(Duration.ofMinutes(2))).isEmpty();
      assertThat(tester.monitor().activeAlerts())
          .extracting(Alert::resource)
          .containsExactly("vm-1");
    }
  }

  @Test
  void sourceFailureDoesNotResolveFiringAlert() {
    try (RuleTester tester =
        highCpu()
            .series("cpu_usage", "vm-1", "90 70 70")
            .failAt(1, new IOException("cloud API down"))
            .build()) {
      assertThat(tester.step()).extracting(AlertNotification::status).containsExactly(FIRING);
      // The failed poll raises the source's health alert and leaves HighCpu alone.
      assertThat(tester.step())
          .extracting(n -> n.rule() + " " + n.status())
          .containsExactly("SourceHealth FIRING");
      assertThat(tester.monitor().activeAlerts())
          .extracting(a -> a.rule())
          .containsExactly("HighCpu", "SourceHealth");
      MonitorStats.SourceStats stats =
          tester.monitor().stats().sources().get(RuleTester.SOURCE_NAME);
      assertThat(stats.failures()).isEqualTo(1);
      assertThat(stats.lastError()).contains("cloud API down");

      assertThat(tester.step())
          .extracting(n -> n.rule() + " " + n.status())
          .containsExactly("SourceHealth RESOLVED", "HighCpu RESOLVED");
    }
  }

  @Test
  void notificationsAtOffsetsAreExact() {
    Duration interval = Duration.ofSeconds(30);
    try (RuleTester tester =
        highCpu()
            .interval(interval)
            .start(T0)
            .series("cpu_usage", "vm-1", "10 90 90 10 90")
            .build()) {
      tester.run();

      assertThat(tester.recorded())
          .extracting(
              RuleTester.Recorded::step,
              RuleTester.Recorded::offset,
              r -> r.notification().status())
          .containsExactly(
              tuple(1, Duration.ofSeconds(30), FIRING),
              tuple(3, Duration.ofSeconds(90), RESOLVED),
              tuple(4, Duration.ofSeconds(120), FIRING));
      assertThat(tester.notificationsAt(Duration.ZERO)).isEmpty();
      assertThat(tester.notificationsAt(Duration.ofSeconds(60))).isEmpty();
      assertThat(tester.notificationsAt(Duration.ofSeconds(120)))
          .extracting(AlertNotification::startsAt)
          .containsExactly(T0.plusSeconds(120));
      assertThat(tester.notificationsAt(Duration.ofSeconds(90)))
          .extracting(AlertNotification::startsAt, AlertNotification::endsAt)
          .containsExactly(tuple(T0.plusSeconds(30), T0.plusSeconds(90)));
      assertThat(tester.notificationsAt(Duration.ofHours(1))).isEmpty();
      assertThatThrownBy(() -> tester.notificationsAt(Duration.ofSeconds(45)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT30S");
      assertThatThrownBy(() -> tester.notificationsAt(Duration.ofSeconds(-30)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void twoResourcesAreIndependent() {
    try (RuleTester tester =
        highCpu()
            .series("cpu_usage", "vm-1", "90 90 10")
            .series("cpu_usage", "vm-2", "10 90 90")
            .build()) {
      tester.run();

      assertThat(tester.notifications())
          .extracting(AlertNotification::status, AlertNotification::resource)
          .containsExactly(tuple(FIRING, "vm-1"), tuple(FIRING, "vm-2"), tuple(RESOLVED, "vm-1"));
      assertThat(tester.notificationsAt(MINUTE))
          .extracting(AlertNotification::resource)
          .containsExactly("vm-2");
      assertThat(tester.monitor().activeAlerts())
          .extracting(Alert::resource)
          .containsExactly("vm-2");
      assertThat(tester.notifications().get(0).fingerprint())
          .isNotEqualTo(tester.notifications().get(1).fingerprint())
          .isEqualTo(tester.notifications().get(2).fingerprint());
    }
  }

  @Test
  void labelledSeriesAreSeparateAlertsAndFillLabelTemplates() {
    AlertRule rule =
        AlertRule.builder("HighCpu")
            .metric("cpu_usage")
            .above(80)
            .summary("CPU of {resource} in {labels.region} is {value}")
            .build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", Map.of("region", "eu-west-1"), "90 10")
            .series("cpu_usage", "vm-1", Map.of("region", "us-east-1"), "10 90")
            .build()) {
      tester.run();

      assertThat(tester.notifications())
          .extracting(
              AlertNotification::status, n -> n.labels().get("region"), AlertNotification::summary)
          .containsExactly(
              tuple(FIRING, "eu-west-1", "CPU of vm-1 in eu-west-1 is 90"),
              tuple(RESOLVED, "eu-west-1", "CPU of vm-1 in eu-west-1 is 10"),
              tuple(FIRING, "us-east-1", "CPU of vm-1 in us-east-1 is 90"));
      assertThat(tester.monitor().activeAlerts()).hasSize(1);
    }
  }

  @Test
  void timedSeriesPlaysTheSameAtAnyInterval() {
    for (Duration interval :
        new Duration[] {Duration.ofSeconds(30), MINUTE, Duration.ofSeconds(90)}) {
      try (RuleTester tester =
          highCpu().interval(interval).series("cpu_usage", "vm-1", "50@0s, 90@3m, 10@6m").build()) {
        tester.run();

        assertThat(tester.steps())
            .as("steps at %s", interval)
            .isEqualTo((int) (Duration.ofMinutes(6).toSeconds() / interval.toSeconds()) + 1);
        assertThat(tester.recorded())
            .as("at %s", interval)
            .extracting(RuleTester.Recorded::offset, r -> r.notification().status())
            .containsExactly(
                tuple(Duration.ofMinutes(3), FIRING), tuple(Duration.ofMinutes(6), RESOLVED));
      }
    }
  }

  @Test
  void timelineListsOffsetTypeRuleResourceAndExtraLabels() {
    AlertRule rule =
        AlertRule.builder("HighCpu").metric("cpu_usage").above(80).label("team", "core").build();
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .interval(Duration.ofSeconds(30))
            .series("cpu_usage", "vm-1", Map.of("region", "eu-west-1"), "90 90 90 10")
            .build()) {
      tester.run();

      assertThat(tester.timeline())
          .containsExactly(
              "0s FIRING HighCpu vm-1{region=eu-west-1,team=core}",
              "1m30s RESOLVED HighCpu vm-1{region=eu-west-1,team=core}");
    }
  }

  @Test
  void assertTimelinePassesOnExactMatchIgnoringAlignment() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "85 86 _ 70").build()) {
      tester.run();

      tester.assertTimeline("0s  FIRING    HighCpu  vm-1", "  3m  RESOLVED  HighCpu  vm-1 ");
    }
  }

  @Test
  void assertTimelineWithNoLinesExpectsNoNotification() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "10 20").build()) {
      tester.run();

      tester.assertTimeline();
    }
  }

  @Test
  void assertTimelineFailureShowsFirstDifferenceAndBothTimelines() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "85 86 _ 70").build()) {
      tester.run();

      assertThatThrownBy(
              () -> tester.assertTimeline("0s FIRING HighCpu vm-1", "2m RESOLVED HighCpu vm-1"))
          .isInstanceOf(org.opentest4j.AssertionFailedError.class)
          .hasMessage(
              "timeline differs at line 2 (of 2 expected, 2 actual)\n"
                  + "  expected: 2m RESOLVED HighCpu vm-1\n"
                  + "  but was:  3m RESOLVED HighCpu vm-1\n"
                  + "expected timeline:\n"
                  + "  0s FIRING HighCpu vm-1\n"
                  + "  2m RESOLVED HighCpu vm-1\n"
                  + "actual timeline (4 of 4 step(s) run):\n"
                  + "  0s FIRING HighCpu vm-1\n"
                  + "  3m RESOLVED HighCpu vm-1\n")
          .satisfies(
              e -> {
                org.opentest4j.AssertionFailedError failure =
                    (org.opentest4j.AssertionFailedError) e;
                assertThat(failure.getExpected().getStringRepresentation())
                    .isEqualTo("0s FIRING HighCpu vm-1\n2m RESOLVED HighCpu vm-1");
                assertThat(failure.getActual().getStringRepresentation())
                    .isEqualTo("0s FIRING HighCpu vm-1\n3m RESOLVED HighCpu vm-1");
              });
    }
  }

  @Test
  void assertTimelineFailureNamesMissingAndUnexpectedNotifications() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "85 86").build()) {
      tester.step();

      assertThatThrownBy(
              () -> tester.assertTimeline("0s FIRING HighCpu vm-1", "1m RESOLVED HighCpu vm-1"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("line 2 (of 2 expected, 1 actual)")
          .hasMessageContaining("but was:  (no more notifications)")
          .hasMessageContaining("(1 of 2 step(s) run)");
      assertThatThrownBy(tester::assertTimeline)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected: (no more notifications)")
          .hasMessageContaining("expected timeline:\n  (none)\n");
    }
  }

  @Test
  void userSinkReceivesTheSameNotifications() {
    RecordingSink mine = RecordingSink.create();
    try (RuleTester tester =
        highCpu().series("cpu_usage", "vm-1", "90 10 90").sink("mine", mine).build()) {
      tester.run();

      assertThat(tester.notifications()).hasSize(3);
      // No waiting: each step waited until every sink had delivered.
      assertThat(mine.notifications()).containsExactlyElementsOf(tester.notifications());
    }
    assertThat(mine.isClosed()).isTrue();
  }

  @Test
  void failingUserSinkIsTriedOnceAndDoesNotStallSteps() {
    try (RuleTester tester =
        highCpu()
            .series("cpu_usage", "vm-1", "90 10")
            .sink(
                "broken",
                n -> {
                  throw new IOException("webhook down");
                })
            .build()) {
      tester.run();

      assertThat(tester.notifications()).hasSize(2);
      MonitorStats.SinkStats broken = tester.monitor().stats().sinks().get("broken");
      assertThat(broken.failedAttempts()).isEqualTo(2);
      assertThat(broken.dropped()).isEqualTo(2);
      assertThat(broken.pending()).isZero();
    }
  }

  @Test
  void stepFailsAtSettleTimeoutWhenSinkHangs() {
    CountDownLatch release = new CountDownLatch(1);
    RuleTester tester =
        highCpu()
            .series("cpu_usage", "vm-1", "90")
            .sink("hanging", n -> release.await(10, TimeUnit.SECONDS))
            .settleTimeout(Duration.ofMillis(50))
            .build();
    try {
      assertThatThrownBy(tester::step)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("step 0")
          .hasMessageContaining("hanging=1");
    } finally {
      release.countDown();
      tester.close();
    }
  }

  @Test
  void stepReturnsItsNotificationsAndStopsAtTheEndOfTheScript() {
    try (RuleTester tester = highCpu().series("cpu_usage", "vm-1", "50 90").build()) {
      assertThat(tester.steps()).isEqualTo(2);
      assertThat(tester.step()).isEmpty();
      assertThat(tester.step()).extracting(AlertNotification::status).containsExactly(FIRING);

      assertThatThrownBy(tester::step)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("2 step(s)");
      tester.run(); // nothing left: does nothing
      assertThat(tester.notifications()).hasSize(1);
    }
  }

  @Test
  void monitorCustomizationIsApplied() {
    List<AlertNotification> heard = new CopyOnWriteArrayList<>();
    try (RuleTester tester =
        highCpu()
            .series("cpu_usage", "vm-1", "90")
            .monitor(
                b ->
                    b.listener(
                        new MonitorListener() {
                          @Override
                          public void onNotification(AlertNotification notification) {
                            heard.add(notification);
                          }
                        }))
            .build()) {
      tester.run();

      assertThat(heard).containsExactlyElementsOf(tester.notifications()).hasSize(1);
    }
  }

  @Test
  void acceptsAPrebuiltScriptedSource() {
    ScriptedSource source =
        ScriptedSource.builder().metric("cpu_usage").resource("vm-1").values("90, 10").build();
    try (RuleTester tester = highCpu().source(source).build()) {
      tester.run();

      assertThat(tester.notifications())
          .extracting(AlertNotification::status)
          .containsExactly(FIRING, RESOLVED);
      assertThat(tester.source()).isSameAs(source);
      assertThat(source.isFinished()).isTrue();
    }
  }

  @Test
  void closedTesterRefusesToStep() {
    RuleTester tester = highCpu().series("cpu_usage", "vm-1", "90").build();
    tester.close();
    tester.close();

    assertThatThrownBy(tester::step)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void builderRejectsMissingAndConflictingSettings() {
    assertThatThrownBy(() -> RuleTester.builder().series("cpu_usage", "vm-1", "1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no rule");
    assertThatThrownBy(() -> highCpu().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no script");
    assertThatThrownBy(
            () ->
                highCpu()
                    .series("cpu_usage", "vm-1", "1")
                    .source(ScriptedSource.of("m", "r", "1"))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("choose one");
    assertThatThrownBy(() -> highCpu().sink(RuleTester.SINK_NAME, RecordingSink.create()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> highCpu().interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> highCpu().rule(HIGH_CPU)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> highCpu().series("cpu_usage", "vm-1", "85 x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"x\"");
  }
}
