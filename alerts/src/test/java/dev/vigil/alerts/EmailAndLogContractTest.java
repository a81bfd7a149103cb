package dev.vigil.alerts;

import dev.vigil.AlertSink;
import dev.vigil.testing.AlertSinkContract;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** {@link EmailAlertSink} and {@link LogAlertSink} keep the {@link AlertSinkContract}. */
class EmailAndLogContractTest {

  @Nested
  class Email extends AlertSinkContract {
    private ScriptedSmtpServer server;

    @BeforeEach
    void start() throws IOException {
      server = new ScriptedSmtpServer();
    }

    @AfterEach
    void stop() throws IOException {
      server.close();
    }

    @Override
    protected AlertSink newSink() {
      return EmailAlertSink.builder()
          .smtpHost("127.0.0.1")
          .smtpPort(server.port())
          .security(EmailAlertSink.Security.NONE)
          .credentials("alerts", "contract-passw0rd")
          .from("vigil@example.com")
          .to("oncall@example.com")
          .build();
    }

    @Override
    protected void nextDelivery(Outcome outcome) {
      server.next(
          switch (outcome) {
            case ACCEPT -> ScriptedSmtpServer.Script.accept();
            case TRANSIENT ->
                new ScriptedSmtpServer.Script("451 4.3.0 contract-passw0rd busy", false, Map.of());
            case PERMANENT ->
                new ScriptedSmtpServer.Script(
                    "554 5.6.0 contract-passw0rd refused", false, Map.of());
          });
    }

    @Override
    protected int accepted() {
      return server.accepted();
    }

    @Override
    protected Set<String> secrets() {
      return Set.of("contract-passw0rd");
    }
  }

  @Nested
  class Log extends AlertSinkContract {
    private final CapturedStderr err = new CapturedStderr();

    @AfterEach
    void restore() {
      err.close();
    }

    @Override
    protected AlertSink newSink() {
      return LogAlertSink.builder().logger("contract.log").build();
    }

    @Override
    protected void nextDelivery(Outcome outcome) {}

    @Override
    protected int accepted() {
      return (int) err.linesOf("contract.log").stream().filter(l -> l.contains(" alert ")).count();
    }

    @Override
    protected boolean canFail() {
      return false;
    }

    @Override
    protected int deliveriesPerGroup(dev.vigil.AlertGroup group, AlertSink sink) {
      return group.notifications().size(); // counts notification lines; the group line is apart
    }
  }
}
