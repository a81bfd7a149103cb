package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.InhibitRule;
import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.MuteWindow;
import dev.vigil.NotificationType;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.SuppressionKind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingSink;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The mute stages of delivery, black-box, in virtual time: configurable inhibition with {@code
 * equal} (Alertmanager <a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule">inhibit_rule</a>),
 * silences that start in the future (<a
 * href="https://prometheus.io/docs/alerting/latest/alertmanager/#silences">silences</a>), and mute
 * windows with days of the month, months and years (<a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#time_interval">time_interval</a>).
 */
class MuteStagesTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final ManualTicker ticker = ManualTicker.create();
  private final ManualClock clock = ManualClock.startingAt(T0);
  private final RecordingSink sink = RecordingSink.create();

  /** Values by metric and resource; every resource carries a {@code dc} label. */
  static final class Settable implements MetricSource {
    final Map<String, Double> values = new ConcurrentHashMap<>();
    final Map<String, String> dc = new ConcurrentHashMap<>();

    void set(String metric, String resource, String datacenter, double v) {
      values.put(metric + "/" + resource, v);
      dc.put(resource, datacenter);
    }

    @Override
    public List<Sample> poll(PollContext context) {
      List<Sample> out = new ArrayList<>();
      values.forEach(
          (k, v) -> {
            String[] parts = k.split("/", 2);
            out.add(
                new Sample(parts[0], parts[1], Map.of("dc", dc.get(parts[1])), v, context.now()));
          });
      return out;
    }
  }

  private ResourceMonitor.Builder monitor(Settable source) {
    return ResourceMonitor.builder()
        .clock(clock)
        .ticker(ticker)
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source("cloud", Schedule.every(MINUTE), source)
        .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
        .rule(
            AlertRule.builder("DatacenterDown")
                .metric("dc_up")
                .below(1)
                .severity(Severity.CRITICAL)
                .build())
        .sink("rec", sink);
  }

  private void pollAndFlush(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
    clock.advance(MINUTE);
  }

  private List<String> heard() {
    return sink.notifications().stream()
        .map(n -> n.rule() + " " + n.resource() + " " + n.type())
        .toList();
  }

  @Test
  void inhibitRuleWithEqualMutesOnlyTargetsSharingTheLabel() throws Exception {
    Settable source = new Settable();
    InhibitRule dcDown =
        InhibitRule.builder()
            .sourceMatchers(Matcher.equal("alertname", "DatacenterDown"))
            .targetMatchers(Matcher.equal("alertname", "HighCpu"))
            .equal("dc")
            .build();
    try (ResourceMonitor m = monitor(source).inhibitRule(dcDown).build()) {
      source.set("dc_up", "dc-eu", "eu", 0);
      source.set("cpu", "vm-1", "eu", 95);
      source.set("cpu", "vm-2", "us", 95);
      pollAndFlush(m);

      assertThat(heard())
          .containsExactlyInAnyOrder("DatacenterDown dc-eu FIRING", "HighCpu vm-2 FIRING");
      assertThat(m.stats().suppressed()).containsEntry(SuppressionKind.INHIBITION, 1L);

      // The datacenter is back: the inhibited alert still firing is announced then.
      source.set("dc_up", "dc-eu", "eu", 1);
      pollAndFlush(m);
      assertThat(heard()).contains("DatacenterDown dc-eu RESOLVED", "HighCpu vm-1 FIRING");
    }
  }

  @Test
  void silenceStartingInTheFutureMutesOnlyFromItsStart() throws Exception {
    Settable source = new Settable();
    try (ResourceMonitor m = monitor(source).build()) {
      m.silence(
          List.of(Matcher.equal("resource", "vm-1")),
          T0.plus(Duration.ofMinutes(2)),
          T0.plus(Duration.ofMinutes(4)),
          "planned maintenance");
      source.set("cpu", "vm-1", "eu", 50);
      pollAndFlush(m); // 0
      pollAndFlush(m); // 1
      source.set("cpu", "vm-1", "eu", 95);
      pollAndFlush(m); // 2: fires under the silence
      pollAndFlush(m); // 3
      pollAndFlush(m); // 4: at exactly endsAt a silence still mutes (Alertmanager's getState)
      assertThat(heard()).isEmpty();
      pollAndFlush(m); // 5: the silence ended: announced
      assertThat(heard()).containsExactly("HighCpu vm-1 FIRING");
      assertThat(m.stats().suppressed()).containsEntry(SuppressionKind.SILENCE, 1L);
    }
  }

  @Test
  void muteWindowOnTheLastDayOfDecemberCrossingMidnightInItsZone() throws Exception {
    // 22:00 to 02:00 Berlin time, starting on the last day of the month, in December 2026 only.
    MuteWindow yearEnd =
        MuteWindow.builder("year-end")
            .daysOfMonth(-1)
            .months(Month.DECEMBER)
            .years(2026)
            .between(LocalTime.of(22, 0), LocalTime.of(2, 0))
            .zone(ZoneId.of("Europe/Berlin"))
            .build();
    Instant evening = Instant.parse("2026-12-31T20:59:00Z"); // 21:59 in Berlin
    clock.set(evening);
    Settable source = new Settable();
    try (ResourceMonitor m = monitor(source).muteWindow(yearEnd).build()) {
      source.set("cpu", "vm-1", "eu", 95);
      pollAndFlush(m); // 21:59: fires, heard
      source.set("cpu", "vm-1", "eu", 50);
      pollAndFlush(m); // 22:00: resolves, heard (it was told)
      source.set("cpu", "vm-2", "eu", 95);
      pollAndFlush(m); // 22:01: vm-2 fires inside the window: muted
      clock.set(Instant.parse("2027-01-01T00:59:00Z")); // 01:59 on 1 January: still muted
      pollAndFlush(m);
      assertThat(heard()).containsExactly("HighCpu vm-1 FIRING", "HighCpu vm-1 RESOLVED");
      pollAndFlush(m); // 02:00: the window ended: vm-2 is announced
      assertThat(heard()).last().isEqualTo("HighCpu vm-2 FIRING");
      assertThat(m.stats().suppressed()).containsEntry(SuppressionKind.MUTE_WINDOW, 1L);
    }
  }

  @Test
  void muteWindowDaysOfMonthMonthsAndYearsMustAllMatch() {
    MuteWindow w =
        MuteWindow.builder("w")
            .daysOfMonth(1, 15)
            .months(Month.MARCH)
            .years(2027)
            .zone(ZoneId.of("UTC"))
            .build();
    assertThat(w.isActiveAt(Instant.parse("2027-03-15T12:00:00Z"))).isTrue();
    assertThat(w.isActiveAt(Instant.parse("2027-03-16T12:00:00Z"))).isFalse();
    assertThat(w.isActiveAt(Instant.parse("2027-04-15T12:00:00Z"))).isFalse();
    assertThat(w.isActiveAt(Instant.parse("2026-03-15T12:00:00Z"))).isFalse();
    assertThat(w.toString()).contains("days of month [1, 15]", "MARCH", "2027");
  }

  @Test
  void defaultInhibitionStaysWhenNoRuleIsConfigured() throws Exception {
    Settable source = new Settable();
    try (ResourceMonitor m =
        monitor(source)
            .rule(
                AlertRule.builder("HostDown")
                    .metric("up")
                    .below(1)
                    .severity(Severity.CRITICAL)
                    .build())
            .build()) {
      source.set("up", "vm-1", "eu", 0);
      source.set("cpu", "vm-1", "eu", 95);
      pollAndFlush(m);
      assertThat(heard()).containsExactly("HostDown vm-1 FIRING");
      assertThat(sink.ofType(NotificationType.FIRING))
          .extracting(AlertNotification::severity)
          .containsExactly(Severity.CRITICAL);
    }
  }
}
