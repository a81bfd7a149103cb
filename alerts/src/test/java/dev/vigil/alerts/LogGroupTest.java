package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertGroup;
import org.junit.jupiter.api.Test;

/** {@link LogAlertSink} as an {@link dev.vigil.AlertGroupSink}. */
class LogGroupTest {
  private static final String LOGGER = "test.vigil.groups";

  @Test
  void groupIsOneIntroducingLineThenOneLinePerNotification() {
    AlertGroup group = WebhookAlertSinkTest.group();
    try (CapturedStderr err = new CapturedStderr()) {
      LogAlertSink.builder().logger(LOGGER).build().deliverGroup(group);
      assertThat(err.linesOf(LOGGER))
          .hasSize(3)
          .first()
          .isEqualTo(
              "[main] WARN "
                  + LOGGER
                  + " - alert-group kind=GROUP key=\"{}:{alertname=\\\"HighCpu\\\"}\" size=2"
                  + " firing=1 resolved=1 idempotencyKey="
                  + group.idempotencyKey()
                  + " groupLabels={alertname=HighCpu}");
      assertThat(err.linesOf(LOGGER).get(1)).contains(" - alert status=FIRING");
      assertThat(err.linesOf(LOGGER).get(2)).contains(" - alert status=RESOLVED");
    }
  }
}
