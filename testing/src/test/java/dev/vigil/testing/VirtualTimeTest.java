package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class VirtualTimeTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void clockStartsAtNewYear2026ByDefault() {
    assertThat(ManualClock.create().instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void clockAdvancesAndIsSetForward() {
    ManualClock clock = ManualClock.startingAt(T0);

    assertThat(clock.advance(Duration.ofMinutes(5))).isEqualTo(T0.plusSeconds(300));
    assertThat(clock.millis()).isEqualTo(T0.plusSeconds(300).toEpochMilli());
    clock.set(T0.plusSeconds(3600));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(3600));
    clock.set(T0.plusSeconds(3600)); // the same instant is not backwards
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(3600));
  }

  @Test
  void clockNeverGoesBack() {
    ManualClock clock = ManualClock.startingAt(T0);
    clock.advance(Duration.ofMinutes(1));

    assertThatThrownBy(() -> clock.set(T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(T0.toString());
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void clockStepsEitherWayWithoutMovingTheTicker() {
    VirtualTime time = VirtualTime.startingAt(T0);

    assertThat(time.clock().step(Duration.ofHours(3))).isEqualTo(T0.plusSeconds(3 * 3600));
    assertThat(time.clock().step(Duration.ofHours(-6))).isEqualTo(T0.minusSeconds(3 * 3600));
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void clockInOtherZoneSharesTime() {
    ManualClock clock = ManualClock.startingAt(T0);
    ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofHours(1));

    assertThat(paris.instant()).isEqualTo(T0.plusSeconds(3600));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void tickerAdvancesAndNeverGoesBack() {
    ManualTicker ticker = ManualTicker.create();
    assertThat(ticker.read()).isZero();

    assertThat(ticker.advance(Duration.ofMillis(3))).isEqualTo(3_000_000L);
    ticker.advance(Duration.ZERO);

    assertThat(ticker.read()).isEqualTo(3_000_000L);
    assertThatThrownBy(() -> ticker.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ticker.read()).isEqualTo(3_000_000L);
  }

  @Test
  void virtualTimeMovesClockAndTickerTogether() {
    VirtualTime time = VirtualTime.startingAt(T0);

    Instant now = time.advance(Duration.ofMinutes(2));

    assertThat(now)
        .isEqualTo(T0.plusSeconds(120))
        .isEqualTo(time.now())
        .isEqualTo(time.clock().instant());
    assertThat(time.ticker().read()).isEqualTo(Duration.ofMinutes(2).toNanos());
    assertThat(time.elapsed()).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> time.advance(Duration.ofMinutes(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(time.elapsed()).isEqualTo(Duration.ofMinutes(2));
  }
}
