package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Mutes everything for {@code grace} after the start, measured on the {@link Ticker}: a restart
 * pages nobody for what was known, and a step of the wall clock neither lengthens nor cuts it.
 */
final class GraceStage implements MuteStage {
  private final Duration grace;
  private final Ticker ticker;
  private volatile Instant endsAt;
  private volatile long startedNanos;

  GraceStage(Ticker ticker, Instant now, Duration grace) {
    this.grace = requireNonNull(grace, "grace == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace period is negative: " + grace);
    }
    this.endsAt = now.plus(grace);
    this.startedNanos = ticker.read();
  }

  void started(Instant startedAt) {
    startedNanos = ticker.read();
    endsAt = requireNonNull(startedAt, "startedAt == null").plus(grace);
  }

  Instant endsAt() {
    return endsAt;
  }

  @Override
  public @Nullable Muted mute(AlertNotification n, Instant now, List<ActiveAlert> active) {
    if (grace.isZero()) return null;
    boolean within = ticker.read() - startedNanos < grace.toNanos();
    return within ? new Muted(SuppressionKind.GRACE, "startup grace period") : null;
  }
}
