package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A virtual-time soak: 24 simulated hours, one poll a minute, 500 resources, random source
 * failures, random sink failures (transient and permanent), a mute window and random silences.
 * Every notification queued for a sink is delivered, dead-lettered or counted as dropped: none is
 * lost. Guarantees as in Alertmanager's notification pipeline ({@code notify/notify.go}).
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
              out.add(Sample.of("cpu", "vm-" + i, cpu[i], context.now()));
            }
            return out;
          }
        };
    Random sinkRandom = new Random(7);
    AlertSink flaky =
        n -> {
          int r;
          synchronized (sinkRandom) {
            r = sinkRandom.nextInt(100);
          }
          if (r < 10) throw new IOException("503");
          if (r == 10) throw new PermanentDeliveryException("400 bad request");
        };
    AlertSink steady = n -> {};
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
      for (String sink : List.of("flaky", "steady")) {
        MonitorStats.SinkStats s = stats.sinks().get(sink);
        System.out.printf(
            "soak %s: delivered %d, dead-lettered %d, dropped %d, failed attempts %d, retried %d%n",
            sink, s.delivered(), s.deadLettered(), s.dropped(), s.failedAttempts(), s.retried());
        assertThat(s.delivered()).isEqualTo(ledger.get(sink + " delivered"));
        assertThat(s.deadLettered()).isEqualTo(ledger.get(sink + " dead letter"));
        assertThat(s.pending()).isZero();
      }
      long queuedPerSink = ledger.get("notifications"); // no routes: each sink gets every one
      System.out.printf(
          "soak: %d notifications queued per sink, %d suppressed, suppressed by kind %s%n",
          queuedPerSink, ledger.get("suppressed"), stats.suppressed());
      for (String sink : List.of("flaky", "steady")) {
        MonitorStats.SinkStats s = stats.sinks().get(sink);
        assertThat(s.delivered() + s.dropped())
            .as("%s: every notification owed is delivered or given up (dead letter, drop)", sink)
            .isEqualTo(queuedPerSink);
      }
      assertThat(stats.sinks().get("steady").dropped()).isZero();
      assertThat(stats.sinks().get("flaky").deadLettered()).isPositive();
      assertThat(queuedPerSink).isGreaterThan(1_000);
    } finally {
      m.close();
    }
  }
}
