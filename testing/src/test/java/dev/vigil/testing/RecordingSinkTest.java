package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertNotification;
import dev.vigil.AlertStatus;
import dev.vigil.NotificationType;
import dev.vigil.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingSinkTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static AlertNotification notification(AlertStatus status, String resource) {
    return new AlertNotification(
        "HighCpu",
        status,
        Severity.WARNING,
        resource,
        Map.of(),
        "summary",
        90,
        80,
        T0,
        status == AlertStatus.RESOLVED ? T0.plusSeconds(60) : null,
        "fp-" + resource);
  }

  @Test
  void recordsInOrderAndFiltersByStatus() {
    RecordingSink sink = RecordingSink.create();
    AlertNotification fired = notification(AlertStatus.FIRING, "vm-1");
    AlertNotification resolved = notification(AlertStatus.RESOLVED, "vm-1");
    AlertNotification fired2 = notification(AlertStatus.FIRING, "vm-2");

    sink.deliver(fired);
    sink.deliver(resolved);
    sink.deliver(fired2);

    assertThat(sink.notifications()).containsExactly(fired, resolved, fired2);
    assertThat(sink.firing()).containsExactly(fired, fired2);
    assertThat(sink.resolved()).containsExactly(resolved);
    sink.clear();
    assertThat(sink.notifications()).isEmpty();
  }

  private static AlertNotification notification(
      String rule, NotificationType type, String resource) {
    AlertStatus status =
        type == NotificationType.RESOLVED ? AlertStatus.RESOLVED : AlertStatus.FIRING;
    return new AlertNotification(
        rule,
        status,
        Severity.WARNING,
        resource,
        Map.of(),
        "summary",
        90,
        80,
        T0,
        status == AlertStatus.RESOLVED ? T0.plusSeconds(60) : null,
        "fp-" + rule + resource,
        type,
        "");
  }

  @Test
  void ofTypeTellsFiringApartFromRemindersAndSeverityChanges() {
    RecordingSink sink = RecordingSink.create();
    AlertNotification fired = notification("HighCpu", NotificationType.FIRING, "vm-1");
    AlertNotification reminder = notification("HighCpu", NotificationType.REMINDER, "vm-1");
    AlertNotification escalated =
        notification("HighCpu", NotificationType.SEVERITY_CHANGED, "vm-1");
    AlertNotification resolved = notification("HighCpu", NotificationType.RESOLVED, "vm-1");
    for (AlertNotification n : new AlertNotification[] {fired, reminder, escalated, resolved}) {
      sink.deliver(n);
    }

    assertThat(sink.firing()).containsExactly(fired, reminder, escalated);
    assertThat(sink.ofType(NotificationType.FIRING)).containsExactly(fired);
    assertThat(sink.ofType(NotificationType.RESOLVED, NotificationType.REMINDER))
        .containsExactly(reminder, resolved);
    assertThat(sink.ofType(NotificationType.NO_DATA)).isEmpty();
  }

  @Test
  void ofTypeRejectsNoTypeAndNullType() {
    RecordingSink sink = RecordingSink.create();

    assertThatThrownBy(sink::ofType)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no notification type");
    assertThatThrownBy(() -> sink.ofType(NotificationType.FIRING, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type == null");
  }

  @Test
  void forResourceAndForRuleFilterInOrder() {
    RecordingSink sink = RecordingSink.create();
    AlertNotification cpu1 = notification("HighCpu", NotificationType.FIRING, "vm-1");
    AlertNotification mem1 = notification("HighMem", NotificationType.FIRING, "vm-1");
    AlertNotification cpu2 = notification("HighCpu", NotificationType.FIRING, "vm-2");
    AlertNotification cpu1Resolved = notification("HighCpu", NotificationType.RESOLVED, "vm-1");
    for (AlertNotification n : new AlertNotification[] {cpu1, mem1, cpu2, cpu1Resolved}) {
      sink.deliver(n);
    }

    assertThat(sink.forResource("vm-1")).containsExactly(cpu1, mem1, cpu1Resolved);
    assertThat(sink.forResource("vm-3")).isEmpty();
    assertThat(sink.forRule("HighCpu")).containsExactly(cpu1, cpu2, cpu1Resolved);
    assertThat(sink.forRule("highcpu")).isEmpty();
  }

  @Test
  void filteredListsAreSnapshots() {
    RecordingSink sink = RecordingSink.create();
    sink.deliver(notification("HighCpu", NotificationType.FIRING, "vm-1"));
    var snapshot = sink.ofType(NotificationType.FIRING);

    sink.deliver(notification("HighCpu", NotificationType.FIRING, "vm-2"));

    assertThat(snapshot).hasSize(1);
    assertThatThrownBy(() -> snapshot.add(snapshot.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void awaitCountReturnsAtOnceWhenEnoughWereRecorded() {
    RecordingSink sink = RecordingSink.create();
    sink.deliver(notification(AlertStatus.FIRING, "vm-1"));

    assertThat(sink.awaitCount(1, Duration.ZERO)).hasSize(1);
  }

  @Test
  void awaitCountReturnsWhenAnotherThreadDelivers() throws Exception {
    RecordingSink sink = RecordingSink.create();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread deliverer =
        new Thread(
            () -> {
              try {
                if (!waiting.await(10, TimeUnit.SECONDS)) return;
              } catch (InterruptedException e) {
                return;
              }
              sink.deliver(notification(AlertStatus.FIRING, "vm-1"));
              sink.deliver(notification(AlertStatus.FIRING, "vm-2"));
            });
    deliverer.start();
    waiting.countDown();

    assertThat(sink.awaitCount(2, Duration.ofSeconds(10)))
        .extracting(AlertNotification::resource)
        .containsExactly("vm-1", "vm-2");
    deliverer.join(10_000);
  }

  @Test
  void awaitCountFailsAtDeadlineNamingWhatItGot() {
    RecordingSink sink = RecordingSink.create();
    sink.deliver(notification(AlertStatus.FIRING, "vm-1"));
    long t0 = System.nanoTime();

    assertThatThrownBy(() -> sink.awaitCount(2, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 notification(s)")
        .hasMessageContaining("FIRING HighCpu vm-1");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
  }

  @Test
  void awaitCountFailsAndKeepsInterruptFlagWhenInterrupted() {
    RecordingSink sink = RecordingSink.create();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> sink.awaitCount(1, Duration.ofSeconds(10)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void closeMarksClosedAndKeepsRecording() {
    RecordingSink sink = RecordingSink.create();
    sink.close();
    sink.deliver(notification(AlertStatus.FIRING, "vm-1"));

    assertThat(sink.isClosed()).isTrue();
    assertThat(sink.notifications()).hasSize(1);
  }
}
