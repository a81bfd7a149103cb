package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmailAlertSinkBuilderTest {
  private static final String PASSWORD = "s3cret-Pa55word";

  private static EmailAlertSink.Builder complete() {
    return EmailAlertSink.builder()
        .smtpHost("smtp.example.com")
        .from("vigil@example.com")
        .to("oncall@example.com");
  }

  @Test
  void nullSettingsAreNamed() {
    EmailAlertSink.Builder b = EmailAlertSink.builder();
    assertThatThrownBy(() -> b.smtpHost(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("smtpHost == null");
    assertThatThrownBy(() -> b.from(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("from == null");
    assertThatThrownBy(() -> b.to((String[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("to == null");
    assertThatThrownBy(() -> b.to("a@example.com", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("to == null");
    assertThatThrownBy(() -> b.security(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("security == null");
    assertThatThrownBy(() -> b.subjectPrefix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("subjectPrefix == null");
    assertThatThrownBy(() -> b.connectTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("connectTimeout == null");
    assertThatThrownBy(() -> b.readTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("readTimeout == null");
    assertThatThrownBy(() -> b.writeTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("writeTimeout == null");
    assertThatThrownBy(() -> b.sslSocketFactory(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sslSocketFactory == null");
    assertThatThrownBy(() -> b.credentials(null, PASSWORD))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("username == null");
    assertThatThrownBy(() -> b.credentials("u", (String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("password == null");
    assertThatThrownBy(() -> b.credentials("u", (char[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("password == null");
  }

  @Test
  void badValuesAreRejectedNamingTheSetting() {
    EmailAlertSink.Builder b = EmailAlertSink.builder();
    assertThatThrownBy(() -> b.smtpPort(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("smtpPort must be in 1..65535: 0");
    assertThatThrownBy(() -> b.smtpPort(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("smtpPort must be in 1..65535: 65536");
    assertThatThrownBy(() -> b.smtpHost(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("smtpHost is blank");
    assertThatThrownBy(() -> b.smtpHost("smtp.example.com\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("smtpHost is not a host name or IP address: \"smtp.example.com\\r\\nX: y\"");
    assertThatThrownBy(() -> b.from("not an address"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("from: invalid address \"not an address\"");
    assertThatThrownBy(() -> b.to("oncall@example.com", "a@example.com, b@example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("to: invalid address \"a@example.com, b@example.com\"");
    assertThatThrownBy(() -> b.to("oncall@example.com\r\nBcc: x@evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("to: invalid address \"oncall@example.com\\r\\nBcc: x@evil\"");
    assertThatThrownBy(() -> b.subjectPrefix("[Vigil]\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("subjectPrefix holds control characters");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be positive: PT0S");
    assertThatThrownBy(() -> b.readTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("readTimeout must be positive: PT-1S");
    assertThatThrownBy(() -> b.writeTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("writeTimeout must be at most");
    assertThatThrownBy(() -> b.credentials(" ", PASSWORD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("username is blank");
    assertThatThrownBy(() -> b.credentials("u", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("password is empty");
  }

  @Test
  void buildNamesTheMissingSetting() {
    assertThatThrownBy(
            () -> EmailAlertSink.builder().from("v@example.com").to("o@example.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("smtpHost is not set");
    assertThatThrownBy(
            () -> EmailAlertSink.builder().smtpHost("smtp.example.com").to("o@example.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("from is not set");
    assertThatThrownBy(
            () ->
                EmailAlertSink.builder().smtpHost("smtp.example.com").from("v@example.com").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("to is not set");
  }

  @Test
  void credentialsInClearTextOnlyToALoopbackHost() {
    assertThatThrownBy(
            () ->
                complete()
                    .security(EmailAlertSink.Security.NONE)
                    .credentials("alerts", PASSWORD)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Security.NONE")
        .hasMessageContaining("smtp.example.com")
        .hasMessageContaining("clear text")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));

    for (String loopback : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
      assertThat(
              complete()
                  .smtpHost(loopback)
                  .security(EmailAlertSink.Security.NONE)
                  .credentials("alerts", PASSWORD)
                  .build())
          .as(loopback)
          .isNotNull();
    }
    assertThat(EmailAlertSink.Builder.isLoopback("localhost.example.com")).isFalse();
    assertThat(EmailAlertSink.Builder.isLoopback("10.0.0.1")).isFalse();
    // Without credentials a plain relay anywhere is fine.
    assertThat(complete().security(EmailAlertSink.Security.NONE).build()).isNotNull();
  }

  @Test
  void toStringShowsServerButNeverThePassword() {
    EmailAlertSink sink =
        complete().credentials("alerts", PASSWORD.toCharArray()).to("ops@example.com").build();

    assertThat(sink.toString())
        .isEqualTo(
            "EmailAlertSink{smtp.example.com:587, STARTTLS, from=vigil@example.com,"
                + " to=[oncall@example.com, ops@example.com], username=alerts}");
    assertThat(complete().security(EmailAlertSink.Security.SMTPS).build().toString())
        .startsWith("EmailAlertSink{smtp.example.com:465, SMTPS");
  }
}
