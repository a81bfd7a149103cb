package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

/**
 * {@link LogAlertSink} hands SLF4J 2 key-value pairs to a logger that takes whole events ({@code
 * LoggingEventAware}, as Logback's and Log4j's SLF4J 2 bindings do), so JSON encoders get fields.
 */
class LogKeyValuesTest {

  /** Records whole logging events. */
  static final class RecordingLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    final List<LoggingEvent> events = new ArrayList<>();

    RecordingLogger() {
      this.name = "recording";
    }

    @Override
    public void log(LoggingEvent event) {
      events.add(event);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String msg, Object[] args, Throwable t) {
      throw new AssertionError("the sink should log whole events");
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }

  @Test
  void everyFieldIsAKeyValuePairAndTheLineStaysTheSame() {
    RecordingLogger logger = new RecordingLogger();
    LogAlertSink sink = LogAlertSink.builder().loggerInstance(logger).keyValues(true).build();
    sink.deliver(Notifications.firing(Severity.CRITICAL));
    assertThat(logger.events).hasSize(1);
    LoggingEvent event = logger.events.get(0);
    assertThat(event.getLevel()).isEqualTo(Level.ERROR);
    assertThat(event.getMessage())
        .isEqualTo(LogAlertSink.format(Notifications.firing(Severity.CRITICAL)));
    Map<String, Object> kv = new LinkedHashMap<>();
    for (KeyValuePair p : event.getKeyValuePairs()) kv.put(p.key, p.value);
    assertThat(kv)
        .containsEntry("alert.status", "FIRING")
        .containsEntry("alert.rule", "HighCpu")
        .containsEntry("alert.severity", "CRITICAL")
        .containsEntry("alert.resource", "vm-000001")
        .containsEntry("alert.value", 92.4)
        .containsEntry("alert.threshold", 80.0)
        .containsEntry("alert.fingerprint", Notifications.FINGERPRINT)
        .containsEntry("alert.label.region", "eu-west-1")
        .doesNotContainKey("alert.endsAt");
  }

  @Test
  void valuesAreEscapedSoAPlainEncoderCannotBeForged() {
    RecordingLogger logger = new RecordingLogger();
    LogAlertSink.builder()
        .loggerInstance(logger)
        .keyValues(true)
        .build()
        .deliver(Notifications.firing(Severity.WARNING, Map.of("team", "x\r\nERROR forged")));
    assertThat(logger.events.get(0).getKeyValuePairs())
        .anySatisfy(
            p -> {
              assertThat(p.key).isEqualTo("alert.label.team");
              assertThat(p.value).isEqualTo("x\\r\\nERROR forged");
            });
  }

  @Test
  void withoutKeyValuesTheEventHasNone() {
    RecordingLogger logger = new RecordingLogger();
    LogAlertSink.builder()
        .loggerInstance(logger)
        .build()
        .deliver(Notifications.firing(Severity.INFO));
    assertThat(logger.events.get(0).getKeyValuePairs()).isNullOrEmpty();
  }
}
