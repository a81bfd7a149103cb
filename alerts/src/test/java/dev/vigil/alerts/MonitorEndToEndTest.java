package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.vigil.AlertRule;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real {@link ResourceMonitor} delivering to {@link EmailAlertSink} and GreenMail. */
class MonitorEndToEndTest {
  private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(GreenMailSetups.smtp());

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private EmailAlertSink emailSink() {
    return EmailAlertSink.builder()
        .smtpHost("127.0.0.1")
        .smtpPort(greenMail.getSmtp().getPort())
        .security(EmailAlertSink.Security.NONE)
        .from("vigil@example.com")
        .to("oncall@example.com")
        .build();
  }

  private ResourceMonitor.Builder monitor() {
    return ResourceMonitor.builder()
        .clock(clock)
        .source(
            "cloud",
            Schedule.every(Duration.ofMinutes(1)),
            context -> List.of(Sample.of("cpu_usage", "vm-1", 95, clock.instant())))
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu_usage")
                .above(80)
                .summary("CPU usage on {resource} is {value}%")
                .build());
  }

  @Test
  void closeFlushesTheEmailOfAPoll() throws Exception {
    ResourceMonitor monitor = monitor().sink("email", emailSink()).build();

    monitor.pollNow();
    monitor.close();

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject())
        .isEqualTo("[Vigil] FIRING WARNING HighCpu on vm-1: CPU usage on vm-1 is 95%");
    assertThat(GreenMailUtil.getBody(received[0])).contains("Starts at:   2026-11-24T00:00:00Z");
  }

  @Test
  void throwingSinkDoesNotStopTheEmail() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    ResourceMonitor monitor =
        monitor()
            .deliveryAttempts(1)
            .sink(
                "broken",
                notification -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("broken sink");
                })
            .sink("email", emailSink())
            .build();

    monitor.pollNow();
    monitor.close();

    assertThat(attempts).hasValue(1);
    assertThat(greenMail.getReceivedMessages())
        .singleElement()
        .satisfies(m -> assertThat(m.getSubject()).contains("HighCpu on vm-1"));
  }
}
