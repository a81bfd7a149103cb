package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import dev.vigil.MuteWindow;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.PollContext;
import dev.vigil.ResourceMonitor;
import dev.vigil.Route;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A virtual-time soak: 24 simulated hours, one poll a minute, 500 resources, random source
 * failures, random sink failures (transient and permanent), a mute window and random silences,
 * through a routing tree with a grouping route and a budgeted sink. Every notification decided for
 * a sink is delivered, dead-lettered or counted as dropped: none is lost, and none reaches a sink
 * its routes do not name. Guarantees as in Alertmanager's notification pipeline ({@code
 * notify/notify.go}) and routing ({@code dispatch/route.go}).
 */
class DeliverySoakTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final int RESOURCES = 500;

  /** Per sink: queued (onNotification is global, so counted on the sink side), outcomes. */
  static final class Ledger implements MonitorListener {
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void add(String key) {
      counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    long get(String key) {
      AtomicLong v = counts.get(key);
      return v == null ? 0 : v.get();
    }

    @Override
    public void onDelivered(String sink, AlertNotification n) {
      add(sink + " delivered");
    }

    @Override
    public void onDeadLetter(String sink, AlertNotification n, Throwable cause) {
      add(sink + " dead letter");
    }

    @Override
    public void onDropped(String sink, AlertNotification n, String reason) {
      add(sink + " dropped");
    }

    @Override
    public void onNotification(AlertNotification n) {
      add("notifications");
    }

    @Override
    public void onSuppressed(AlertNotification n, String reason) {
      add("suppressed");
    }
  }

  private static String team(int resource) {
    return switch (resource % 3) {
      case 0 -> "db";
      case 1 -> "ops";
      default -> "web";
    };
  }

  @Test
  void twentyFourHoursOfFiveHundredResourcesLoseNothing() throws Exception {
    Random random = new Random(42);
    ManualClock clock = ManualClock.startingAt(T0);
    ManualTicker ticker = ManualTicker.create();
    double[] cpu = new double[RESOURCES];
    MetricSource source =
        new MetricSource() {
          @Override
          public List<Sample> poll(PollContext context) throws Exception {
            if (random.nextInt(50) == 0) throw new IOException("connection reset");
            List<Sample> out = new ArrayList<>(RESOURCES);
            for (int i = 0; i < RESOURCES; i++) {
              out.add(new Sample("cpu", "vm-" + i, Map.of("team", team(i)), cpu[i], context.now()));
            }
            return out;
          }
        };
    Random sinkRandom = new Random(7);
    Map<String, Set<String>> teamsHeard = new ConcurrentHashMap<>();
    AlertSink flaky =
        n -> {
          teamsHeard
              .computeIfAbsent("flaky", k -> ConcurrentHashMap.newKeySet())
              .add(n.labels().getOrDefault("team", "-"));
          int r;
          synchronized (sinkRandom) {
            r = sinkRandom.nextInt(100);
          }
          if (r < 10) throw new IOException("503");
          if (r == 10) throw new PermanentDeliveryException("400 bad request");
        };
    AlertSink steady =
        n ->
            teamsHeard
                .computeIfAbsent("steady", k -> ConcurrentHashMap.newKeySet())
                .add(n.labels().getOrDefault("team", "-"));
    AtomicLong groupsHeard = new AtomicLong();
    AlertGroupSink grouped =
        g -> {
          groupsHeard.incrementAndGet();
          for (AlertNotification n : g.notifications()) {
            teamsHeard
                .computeIfAbsent("grouped", k -> ConcurrentHashMap.newKeySet())
                .add(n.labels().getOrDefault("team", "-"));
          }
        };
    Ledger ledger = new Ledger();
    MuteWindow nightly =
        MuteWindow.builder("nightly")
            .between(LocalTime.of(2, 0), LocalTime.of(3, 0))
            .zone(ZoneOffset.UTC)
            .matching(Matcher.regex("resource", "vm-1.."))
            .build();
    ResourceMonitor m =
        ResourceMonitor.builder()
            .clock(clock)
            .ticker(ticker)
            .deliveryBackoff(Duration.ZERO, Duration.ZERO)
            .deliveryAttempts(3)
            .source("cloud", Schedule.every(MINUTE), source)
            .rule(
                AlertRule.builder("HighCpu")
                    .metric("cpu")
                    .above(80)
                    .repeatInterval(Duration.ofHours(1))
                    .build())
            .muteWindow(nightly)
            .sink("flaky", flaky)
            .sink("steady", steady)
            .sink("grouped", grouped)
            .sink("budgeted", steady)
            .sinkBudget("budgeted", 20, Duration.ofHours(1))
            .route(
                Route.builder()
                    .sinks("steady", "budgeted")
                    .route(
                        Route.builder()
                            .matchers(Matcher.equal("team", "db"))
                            .sinks("flaky")
                            .continueMatching(true)
                            .build())
                    .route(
                        Route.builder()
                            .matchers(Matcher.regex("team", "db|ops"))
                            .sinks("grouped")
                            .groupBy("team")
                            .groupWait(Duration.ofSeconds(30))
                            .groupInterval(Duration.ofMinutes(5))
                            .build())
                    .build())
            .listener(ledger)
            .build();
    try {
      for (int minute = 0; minute < 24 * 60; minute++) {
        for (int i = 0; i < RESOURCES; i++) {
          if (random.nextInt(200) == 0) cpu[i] = cpu[i] > 80 ? 40 : 95;
        }
        if (random.nextInt(120) == 0) {
          m.silence(
              List.of(Matcher.equal("resource", "vm-" + random.nextInt(RESOURCES))),
              Duration.ofMinutes(1 + random.nextInt(90)),
              "soak");
        }
        m.pollNow();
        clock.advance(MINUTE);
        ticker.advance(MINUTE);
      }
      assertThat(m.flush(Duration.ofSeconds(30))).isTrue();
      MonitorStats stats = m.stats();
      List<String> sinks = List.of("flaky", "steady", "grouped", "budgeted");
      for (String sink : sinks) {
        MonitorStats.SinkStats s = stats.sinks().get(sink);
        System.out.printf(
            "soak %s: decided %d, delivered %d, dead-lettered %d, dropped %d, failed attempts %d,"
                + " retried %d, muted %s, groups %d, digests %d, held back %d, waiting %d%n",
            sink,
            s.decided(),
            s.delivered(),
            s.deadLettered(),
            s.dropped(),
            s.failedAttempts(),
            s.retried(),
            s.muted(),
            s.groups(),
            s.digests(),
            s.heldBack(),
            s.waiting());
        assertThat(s.delivered()).isEqualTo(ledger.get(sink + " delivered"));
        assertThat(s.deadLettered()).isEqualTo(ledger.get(sink + " dead letter"));
        assertThat(s.dropped())
            .as("dropped counts dead letters too")
            .isEqualTo(ledger.get(sink + " dropped") + ledger.get(sink + " dead letter"));
        assertThat(s.pending()).isZero();
        assertThat(s.delivered() + s.dropped() + s.waiting())
            .as(
                "%s: every notification owed is delivered, given up (dead letter, drop) or waits",
                sink)
            .isEqualTo(s.decided());
      }
      System.out.printf(
          "soak: %d notifications, %d suppressed, suppressed by kind %s, %d groups heard%n",
          ledger.get("notifications"),
          ledger.get("suppressed"),
          stats.suppressed(),
          groupsHeard.get());
      assertThat(teamsHeard.get("flaky")).as("only its route's alerts").containsExactly("db");
      assertThat(teamsHeard.get("grouped")).containsExactlyInAnyOrder("db", "ops");
      assertThat(teamsHeard.get("steady"))
          .as("what no child took: team web, and the source's health alert (no team)")
          .containsExactlyInAnyOrder("web", "-");
      assertThat(stats.sinks().get("steady").dropped()).isZero();
      assertThat(stats.sinks().get("flaky").deadLettered()).isPositive();
      assertThat(stats.sinks().get("grouped").groups()).isEqualTo(groupsHeard.get()).isPositive();
      assertThat(stats.sinks().get("budgeted").digests()).isPositive();
      assertThat(stats.sinks().get("budgeted").decided())
          .isEqualTo(stats.sinks().get("steady").decided());
      assertThat(ledger.get("notifications")).isGreaterThan(1_000);
    } finally {
      m.close();
    }
  }
}
