package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.ResourceMonitor;
import dev.vigil.RetryAfterHint;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A sink failure that says how long to wait ({@link RetryAfterHint}, as an HTTP 429 with {@code
 * Retry-After} does: RFC 9110 section 10.2.3) is retried after that wait, not after the exponential
 * back-off.
 */
class RetryAfterHintTest {
  static final class TooMany extends IOException implements RetryAfterHint {
    private static final long serialVersionUID = 1L;
    private final Duration wait;

    TooMany(Duration wait) {
      super("429 Too Many Requests");
      this.wait = wait;
    }

    @Override
    public Optional<Duration> retryAfter() {
      return Optional.of(wait);
    }
  }

  @Test
  void theNextAttemptWaitsAsTheReceiverAsked() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    AlertSink sink =
        n -> {
          attempts.add(System.nanoTime());
          if (attempts.size() == 1) throw new TooMany(Duration.ofMillis(1_500));
        };
    try (ResourceMonitor m =
        ResourceMonitor.builder()
            .deliveryBackoff(Duration.ZERO, Duration.ZERO) // without the hint: at once
            .source(
                "cloud",
                Schedule.every(Duration.ofMinutes(1)),
                c -> List.of(Sample.of("cpu", "vm-1", 95, c.now())))
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("webhook", sink)
            .build()) {
      m.pollNow();
      assertThat(m.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(attempts).hasSize(2);
    long waitedMillis = (attempts.get(1) - attempts.get(0)) / 1_000_000;
    assertThat(waitedMillis).isBetween(1_400L, 9_000L);
  }
}
