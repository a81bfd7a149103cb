package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SilenceTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final List<Matcher> VM_1 = List.of(Matcher.equal("resource", "vm-1"));

  private final SteppedClock clock = new SteppedClock(T0);

  /**
   * Alertmanager {@code silence/silence.go}, {@code getState}: pending while {@code
   * ts.Before(StartsAt)}, expired once {@code ts.After(EndsAt)}, active otherwise: both ends
   * inclusive, so a silence still mutes at exactly its {@code endsAt}.
   */
  @Test
  void isActiveFromStartToEndBothInclusiveAsInAlertmanager() {
    Silence s = Silence.create(clock, VM_1, Duration.ofHours(2), "maintenance of vm-1", "ops");
    Instant end = T0.plus(Duration.ofHours(2));

    assertThat(s.startsAt()).isEqualTo(T0);
    assertThat(s.endsAt()).isEqualTo(end);
    assertThat(s.isActiveAt(T0.minusNanos(1))).isFalse();
    assertThat(s.isActiveAt(T0)).isTrue();
    assertThat(s.isActiveAt(end.minusMillis(1))).isTrue();
    assertThat(s.isActiveAt(end)).isTrue();
    assertThat(s.isActiveAt(end.plusNanos(1))).isFalse();
    assertThat(s.isExpired(end)).isFalse();
    assertThat(s.isExpired(end.plusNanos(1))).isTrue();
  }

  @Test
  void hasARandomUuidIdAndKeepsItsDescription() {
    Silence a = Silence.create(clock, VM_1, Duration.ofHours(1), "maintenance of vm-1", "alice");
    Silence b = Silence.create(clock, VM_1, Duration.ofHours(1), "maintenance of vm-1", null);

    assertThat(UUID.fromString(a.id())).hasToString(a.id());
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.comment()).isEqualTo("maintenance of vm-1");
    assertThat(a.createdBy()).isEqualTo("alice");
    assertThat(b.createdBy()).isNull();
    assertThat(a.matchers()).containsExactly(Matcher.equal("resource", "vm-1"));
    assertThat(a.toString()).contains(a.id(), "resource=\"vm-1\"", "maintenance of vm-1", "alice");
  }

  @Test
  void expireEndsItEarlyAndIsIdempotent() {
    Silence s = Silence.create(clock, VM_1, Duration.ofHours(2), "maintenance of vm-1", null);
    clock.advance(Duration.ofMinutes(30));
    Instant expiredAt = clock.instant();

    s.expire();
    clock.advance(Duration.ofMinutes(10));
    s.expire();

    assertThat(s.endsAt()).isEqualTo(expiredAt);
    assertThat(s.startsAt()).isEqualTo(T0);
    assertThat(s.isActiveAt(expiredAt.minusMillis(1))).isTrue();
    assertThat(s.isActiveAt(expiredAt)).isFalse();
    assertThat(s.isExpired(expiredAt)).isTrue();
  }

  @Test
  void expireAfterTheEndChangesNothing() {
    Silence s = Silence.create(clock, VM_1, Duration.ofHours(1), "maintenance of vm-1", null);
    clock.advance(Duration.ofHours(3));

    s.expire();

    assertThat(s.endsAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void expiringASilenceThatHasNotStartedMeansItNeverMutes() {
    Instant start = T0.plus(Duration.ofHours(1));
    Silence s =
        new Silence("id", VM_1, start, start.plus(Duration.ofHours(1)), "later", null, clock);

    s.expire();

    assertThat(s.isActiveAt(start)).isFalse();
    assertThat(s.isActiveAt(start.plus(Duration.ofMinutes(30)))).isFalse();
    assertThat(s.isExpired(T0)).isTrue();
  }

  @Test
  void concurrentExpiresAgreeOnOneEnd() throws InterruptedException {
    Silence s = Silence.create(clock, VM_1, Duration.ofHours(1), "maintenance of vm-1", null);
    clock.advance(Duration.ofMinutes(5));
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                s.expire();
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) t.join(10_000);

    assertThat(s.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
  }

  @Test
  void matchesWhenAllMatchersMatch() {
    Silence s =
        Silence.create(
            clock,
            List.of(Matcher.regex("resource", "vm-.*"), Matcher.equal("alertname", "HighCpu")),
            Duration.ofHours(1),
            "cpu work",
            null);

    assertThat(s.matches(Map.of("resource", "vm-1", "alertname", "HighCpu"))).isTrue();
    assertThat(s.matches(Map.of("resource", "vm-1", "alertname", "DiskFull"))).isFalse();
    assertThat(s.matches(Map.of("resource", "db-1", "alertname", "HighCpu"))).isFalse();
    assertThat(s.matches(Map.of("alertname", "HighCpu"))).isFalse();
  }

  @Test
  void rejectsBadSettingsAtCreation() {
    assertThatThrownBy(() -> Silence.create(clock, List.of(), Duration.ofHours(1), "c", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one matcher");
    assertThatThrownBy(
            () ->
                Silence.create(
                    clock,
                    List.of(Matcher.regex("resource", ".*")),
                    Duration.ofHours(1),
                    "c",
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not match the empty string")
        .hasMessageContaining("resource=~\".*\"");
    assertThatThrownBy(() -> Silence.create(clock, VM_1, Duration.ZERO, "c", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Silence.create(clock, VM_1, Duration.ofHours(-1), "c", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Silence.create(clock, VM_1, Duration.ofHours(1), " ", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("comment");
    assertThatThrownBy(() -> Silence.create(clock, VM_1, Duration.ofHours(1), null, null))
        .hasMessage("comment == null");
    assertThatThrownBy(() -> Silence.create(clock, null, Duration.ofHours(1), "c", null))
        .hasMessage("matchers == null");
  }
}
