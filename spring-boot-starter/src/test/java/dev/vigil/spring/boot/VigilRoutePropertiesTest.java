package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.SuppressionKind;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.io.IOException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The route settings ({@code vigil.route.*}), calendar mute windows and the monitor-wide settings
 * that change what sinks hear, each against a scripted source bean and recording sink beans {@code
 * ops} and {@code pager}, one poll a minute in virtual time.
 */
class VigilRoutePropertiesTest {
  private static ApplicationContextRunner runner(Supplier<ScriptedSource> script) {
    return TestApps.runner()
        .withUserConfiguration(TestApps.Time.class)
        .withBean("cloud", ScriptedSource.class, script)
        .withBean("ops", RecordingSink.class, RecordingSink::create)
        .withBean("pager", RecordingSink.class, RecordingSink::create)
        .withPropertyValues(
            "vigil.sources.cloud.interval=1m",
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.critical-above=95");
  }

  /** vm-1 critical, vm-2 warning, for {@code values} steps of vm-1. */
  private static ApplicationContextRunner twoAlerts(String vm1, String vm2) {
    return runner(
        () ->
            ScriptedSource.builder()
                .series("cpu_usage", "vm-1", vm1)
                .series("cpu_usage", "vm-2", vm2)
                .build());
  }

  private static RecordingSink sink(AssertableApplicationContext context, String name) {
    return context.getBean(name, RecordingSink.class);
  }

  @Test
  void continueLetsANotificationMatchTheNextSiblingRouteToo() {
    twoAlerts("99", "85")
        .withPropertyValues(
            "vigil.route.sinks=ops",
            "vigil.route.routes[0].matchers=severity=\"critical\"",
            "vigil.route.routes[0].sinks=pager",
            "vigil.route.routes[0].continue=true",
            "vigil.route.routes[1].matchers=alertname=\"HighCpu\"",
            "vigil.route.routes[1].sinks=ops")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(sink(context, "pager").firing())
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-1");
              assertThat(sink(context, "ops").firing())
                  .extracting(AlertNotification::resource)
                  .containsExactlyInAnyOrder("vm-1", "vm-2");
            });
  }

  @Test
  void sendResolvedFalseKeepsResolutionsFromThatRoutesSinks() {
    twoAlerts("99 10", "85 10")
        .withPropertyValues(
            "vigil.route.sinks=ops",
            "vigil.route.routes[0].matchers=resource=\"vm-1\"",
            "vigil.route.routes[0].sinks=pager",
            "vigil.route.routes[0].send-resolved=false")
        .run(
            context -> {
              TestApps.play(context, 2);
              assertThat(sink(context, "pager").notifications())
                  .extracting(AlertNotification::type)
                  .containsExactly(NotificationType.FIRING);
              assertThat(sink(context, "ops").resolved())
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-2");
            });
  }

  @Test
  void aRoutesRepeatIntervalRemindsItsSinks() {
    twoAlerts("99 99 99 99", "85 85 85 85")
        .withPropertyValues(
            "vigil.route.sinks=ops",
            "vigil.route.routes[0].matchers=resource=\"vm-1\"",
            "vigil.route.routes[0].sinks=pager",
            "vigil.route.routes[0].repeat-interval=2m")
        .run(
            context -> {
              TestApps.play(context, 4);
              assertThat(sink(context, "pager").ofType(NotificationType.REMINDER)).isNotEmpty();
              assertThat(sink(context, "ops").ofType(NotificationType.REMINDER))
                  .as("the rule never reminds")
                  .isEmpty();
            });
  }

  @Test
  void groupByAndGroupWaitDeliverOneGroupAfterTheWait() {
    twoAlerts("99 99 99", "85 85 85")
        .withPropertyValues(
            "vigil.route.sinks=ops",
            "vigil.route.group-by=alertname",
            "vigil.route.group-wait=90s",
            "vigil.sinks.pager.enabled=false")
        .run(
            context -> {
              TestApps.play(context, 2);
              RecordingSink ops = sink(context, "ops");
              assertThat(ops.notifications()).as("a minute into the group wait").isEmpty();
              TestApps.play(context, 1);
              assertThat(ops.groups()).hasSize(1);
              AlertGroup group = ops.groups().get(0);
              assertThat(group.notifications())
                  .extracting(AlertNotification::resource)
                  .containsExactlyInAnyOrder("vm-1", "vm-2");
            });
  }

  @Test
  void aMuteWindowOnCalendarDaysMutesOnlyOnThem() {
    // virtual time starts at 2026-01-01T00:00:00Z
    twoAlerts("99", "85")
        .withPropertyValues(
            "vigil.mute-windows.new-year.months=january",
            "vigil.mute-windows.new-year.days-of-month=1",
            "vigil.mute-windows.new-year.years=2026",
            "vigil.mute-windows.new-year.zone=UTC",
            "vigil.mute-windows.new-year.matchers=resource=\"vm-1\"",
            "vigil.mute-windows.february.months=february",
            "vigil.mute-windows.february.zone=UTC",
            "vigil.mute-windows.february.matchers=resource=\"vm-2\"")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(sink(context, "ops").firing())
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-2");
              assertThat(context.getBean(ResourceMonitor.class).stats().suppressed())
                  .containsKey(SuppressionKind.MUTE_WINDOW);
            });
  }

  @Test
  void startupGracePeriodKeepsWhatWasKnownAtStartQuiet() {
    twoAlerts("99", "85")
        .withPropertyValues("vigil.startup-grace-period=10m")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(sink(context, "ops").notifications()).isEmpty();
              assertThat(context.getBean(ResourceMonitor.class).stats().suppressed())
                  .containsKey(SuppressionKind.GRACE);
            });
  }

  @Test
  void sourceFailuresToAlertFiresSourceHealthAfterThatManyFailures() {
    runner(
            () ->
                ScriptedSource.builder()
                    .series("cpu_usage", "vm-1", "10 10 10")
                    .failAt(0, new IOException("cloud API down"))
                    .failAt(1, new IOException("cloud API down"))
                    .failAt(2, new IOException("cloud API down"))
                    .build())
        .withPropertyValues("vigil.source-failures-to-alert=3")
        .run(
            context -> {
              TestApps.play(context, 2);
              assertThat(sink(context, "ops").forRule("SourceHealth")).isEmpty();
              TestApps.play(context, 1);
              assertThat(sink(context, "ops").forRule("SourceHealth")).hasSize(1);
            });
  }

  @Test
  void theDefaultInhibitRuleCanBeDroppedBesideOwnOnes() {
    runner(() -> ScriptedSource.of("cpu_usage", "vm-1", "99"))
        .withPropertyValues(
            "vigil.rules.AnyCpu.metric=cpu_usage",
            "vigil.rules.AnyCpu.above=50",
            "vigil.inhibit-rules[0].source-matchers=alertname=\"Nothing\"",
            "vigil.inhibit-rules[0].target-matchers=alertname=\"Nothing\"")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(sink(context, "ops").firing())
                  .as("the default rule: critical HighCpu mutes warning AnyCpu of vm-1")
                  .extracting(AlertNotification::rule)
                  .containsExactly("HighCpu");
            });
    runner(() -> ScriptedSource.of("cpu_usage", "vm-1", "99"))
        .withPropertyValues(
            "vigil.rules.AnyCpu.metric=cpu_usage",
            "vigil.rules.AnyCpu.above=50",
            "vigil.inhibit-rules[0].source-matchers=alertname=\"Nothing\"",
            "vigil.inhibit-rules[0].target-matchers=alertname=\"Nothing\"",
            "vigil.default-inhibit-rule=false")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(sink(context, "ops").firing())
                  .extracting(AlertNotification::rule)
                  .containsExactlyInAnyOrder("HighCpu", "AnyCpu");
            });
  }

  @Test
  void aSinksBudgetHoldsBackWhatExceedsIt() {
    twoAlerts("99 99", "_ 85")
        .withPropertyValues(
            "vigil.sinks.ops.budget.deliveries=1",
            "vigil.sinks.ops.budget.per=1h",
            "vigil.sinks.pager.enabled=false")
        .run(
            context -> {
              TestApps.play(context, 2);
              RecordingSink ops = sink(context, "ops");
              assertThat(ops.notifications())
                  .extracting(AlertNotification::resource)
                  .containsExactly("vm-1");
              assertThat(
                      context.getBean(ResourceMonitor.class).stats().sinks().get("ops").heldBack())
                  .isEqualTo(1);
            });
  }

  @Test
  void maxNewSeriesPerPollFailsAPollThatStartsMoreSeries() {
    twoAlerts("99", "85")
        .withPropertyValues("vigil.max-new-series-per-poll=1")
        .run(
            context -> {
              TestApps.play(context, 1);
              assertThat(
                      context
                          .getBean(ResourceMonitor.class)
                          .stats()
                          .sources()
                          .get("cloud")
                          .failures())
                  .isEqualTo(1);
              assertThat(sink(context, "ops").forRule("HighCpu")).isEmpty();
            });
  }
}
