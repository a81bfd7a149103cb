package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ResourceMonitor;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.ScriptedSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Routes, mute windows and inhibit rules from properties take effect. */
class VigilRoutingTest {
  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.builder()
          .series("cpu_usage", "vm-1", "99")
          .series("cpu_usage", "vm-2", "85")
          .build();
    }

    @Bean
    RecordingSink ops() {
      return RecordingSink.create();
    }

    @Bean
    RecordingSink pager() {
      return RecordingSink.create();
    }
  }

  private static final String[] RULE = {
    "vigil.rules.HighCpu.metric=cpu_usage",
    "vigil.rules.HighCpu.above=80",
    "vigil.rules.HighCpu.critical-above=95"
  };

  private static void pollOnce(AssertableApplicationContext context) throws Exception {
    assertThat(context).hasNotFailed();
    ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
    monitor.pollNow();
    assertThat(monitor.flush(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void criticalAlertsAreRoutedToThePager() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .withPropertyValues(
            "vigil.route.sinks=ops",
            "vigil.route.routes[0].matchers=severity=\"critical\"",
            "vigil.route.routes[0].sinks=pager")
        .run(
            context -> {
              pollOnce(context);
              RecordingSink ops = context.getBean("ops", RecordingSink.class);
              RecordingSink pager = context.getBean("pager", RecordingSink.class);
              assertThat(pager.firing()).extracting(n -> n.resource()).containsExactly("vm-1");
              assertThat(ops.firing()).extracting(n -> n.resource()).containsExactly("vm-2");
            });
  }

  @Test
  void aMuteWindowInForceMutesItsAlerts() {
    // virtual time starts at 2026-01-01T00:00:00Z, a Thursday
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .withPropertyValues(
            "vigil.mute-windows.night.days=thursday",
            "vigil.mute-windows.night.start=00:00",
            "vigil.mute-windows.night.end=06:00",
            "vigil.mute-windows.night.zone=UTC",
            "vigil.mute-windows.night.matchers=resource=\"vm-2\"")
        .run(
            context -> {
              pollOnce(context);
              RecordingSink ops = context.getBean("ops", RecordingSink.class);
              assertThat(ops.firing()).extracting(n -> n.resource()).containsExactly("vm-1");
            });
  }

  @Test
  void anInhibitRuleMutesItsTargets() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, Beans.class)
        .withPropertyValues(RULE)
        .withPropertyValues(
            "vigil.inhibit-rules[0].source-matchers=resource=\"vm-1\"",
            "vigil.inhibit-rules[0].target-matchers=resource=\"vm-2\"",
            "vigil.inhibit-rules[0].equal=alertname")
        .run(
            context -> {
              pollOnce(context);
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              RecordingSink ops = context.getBean("ops", RecordingSink.class);
              assertThat(ops.firing()).extracting(n -> n.resource()).containsExactly("vm-1");
              assertThat(
                      monitor.stats().suppressed().values().stream()
                          .mapToLong(Long::longValue)
                          .sum())
                  .isPositive();
            });
  }
}
