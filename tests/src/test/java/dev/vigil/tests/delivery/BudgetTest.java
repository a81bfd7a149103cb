package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A sink's budget, black-box, in virtual time: at most N deliveries in any window; what comes while
 * it is spent is held back, counted, and sent as one digest when the window allows again, in the
 * order it was decided. Nothing held back is lost on close.
 */
class BudgetTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T10:00:00Z"));
  private final RecordingSink email = RecordingSink.create();
  private final List<AlertNotification> plain = new CopyOnWriteArrayList<>();
  private final List<String> heldBack = new CopyOnWriteArrayList<>();
  private final Hosts hosts = new Hosts();

  private ResourceMonitor monitor() {
    AlertSink plainSink = plain::add;
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source("cloud", Schedule.every(MINUTE), hosts)
        .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
        .sink("email", email)
        .sink("plain", plainSink)
        .sinkBudget("email", 3, Duration.ofHours(1))
        .sinkBudget("plain", 3, Duration.ofHours(1))
        .listener(
            new MonitorListener() {
              @Override
              public void onHeldBack(String sink, AlertNotification n) {
                heldBack.add(sink + " " + n.resource() + " " + n.status());
              }
            })
        .build();
  }

  private void step(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
    time.advance(MINUTE);
  }

  @Test
  void heldBackNotificationsGoOutAsOneDigestWhenTheBudgetRefills() throws Exception {
    try (ResourceMonitor m = monitor()) {
      for (int i = 0; i < 5; i++) {
        hosts.set("vm-" + i, 95); // one new alert a minute, minutes 0..4
        step(m);
      }
      hosts.cpu("vm-3", 10); // resolves at minute 5 while held back: after its FIRING
      step(m);

      assertThat(email.notifications())
          .extracting(AlertNotification::resource)
          .containsExactly("vm-0", "vm-1", "vm-2");
      assertThat(heldBack)
          .containsExactly(
              "email vm-3 FIRING", "plain vm-3 FIRING",
              "email vm-4 FIRING", "plain vm-4 FIRING",
              "email vm-3 RESOLVED", "plain vm-3 RESOLVED");
      MonitorStats.SinkStats stats = m.stats().sinks().get("email");
      assertThat(stats.heldBack()).isEqualTo(3);
      assertThat(stats.waiting()).isEqualTo(3);
      assertThat(stats.delivered()).isEqualTo(3);

      // The first delivery (minute 0) leaves the one-hour window at minute 60.
      time.advance(Duration.ofMinutes(53)); // minute 59
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(email.groups()).isEmpty();
      time.advance(MINUTE); // minute 60
      assertThat(m.flush(Duration.ofSeconds(5))).isTrue();

      assertThat(email.groups())
          .singleElement()
          .satisfies(
              digest -> {
                assertThat(digest.kind()).isEqualTo(AlertGroup.Kind.DIGEST);
                assertThat(digest.groupKey()).isEqualTo("budget:email");
                assertThat(digest.notifications())
                    .extracting(n -> n.resource() + " " + n.status())
                    .containsExactly("vm-3 FIRING", "vm-4 FIRING", "vm-3 RESOLVED");
              });
      assertThat(plain)
          .as("a plain sink receives the digest one notification at a time, in order")
          .extracting(n -> n.resource() + " " + n.status())
          .containsExactly(
              "vm-0 FIRING",
              "vm-1 FIRING",
              "vm-2 FIRING",
              "vm-3 FIRING",
              "vm-4 FIRING",
              "vm-3 RESOLVED");
      stats = m.stats().sinks().get("email");
      assertThat(stats.digests()).isEqualTo(1);
      assertThat(stats.waiting()).isZero();
      assertThat(stats.delivered()).isEqualTo(6);
    }
  }

  @Test
  void closeDeliversWhatTheBudgetHeldBack() throws Exception {
    ResourceMonitor m = monitor();
    for (int i = 0; i < 5; i++) hosts.set("vm-" + i, 95);
    step(m); // five at once: three go, two are held
    assertThat(email.notifications()).hasSize(3);
    m.close();
    assertThat(email.notifications()).hasSize(5);
    assertThat(email.groups())
        .singleElement()
        .satisfies(g -> assertThat(g.kind()).isEqualTo(AlertGroup.Kind.DIGEST));
    assertThat(plain).hasSize(5);
  }

  @Test
  void pastAQueueWorthHeldBackTheOldestAreGivenUpAndCounted() throws Exception {
    List<String> dropped = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) hosts.set("vm-" + i, 95);
    try (ResourceMonitor m =
        time.configure(ResourceMonitor.builder())
            .source("cloud", Schedule.every(MINUTE), hosts)
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("email", email)
            .sinkQueueCapacity(3)
            .sinkBudget("email", 1, Duration.ofHours(1))
            .listener(
                new MonitorListener() {
                  @Override
                  public void onDropped(String sink, AlertNotification n, String reason) {
                    dropped.add(n.resource() + ": " + reason);
                  }
                })
            .build()) {
      step(m);
      MonitorStats.SinkStats stats = m.stats().sinks().get("email");
      assertThat(stats.delivered()).isEqualTo(1);
      assertThat(stats.heldBack()).isEqualTo(5);
      assertThat(stats.waiting()).isEqualTo(3);
      assertThat(stats.droppedByReason()).containsEntry("budget full", 2L);
      assertThat(dropped).hasSize(2).allMatch(d -> d.endsWith(": budget full"));
      assertThat(stats.delivered() + stats.dropped() + stats.waiting()).isEqualTo(stats.decided());
    }
  }
}
