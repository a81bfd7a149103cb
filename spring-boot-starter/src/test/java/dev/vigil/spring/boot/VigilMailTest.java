package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.ScriptedSource;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Email sinks reuse the application's mail settings, with GreenMail as the SMTP server. */
class VigilMailTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(TestApps.smtp());

  @Configuration(proxyBeanMethods = false)
  static class HotCloud {
    @Bean
    ScriptedSource cloud() {
      return ScriptedSource.of("cpu_usage", "vm-1", "95");
    }
  }

  private static final String[] EMAIL_SINK = {
    "vigil.sinks.ops.type=email",
    "vigil.sinks.ops.email.from=vigil@example.com",
    "vigil.sinks.ops.email.to=ops@example.com",
    "vigil.rules.HighCpu.metric=cpu_usage",
    "vigil.rules.HighCpu.above=80"
  };

  private static void firesOneEmail(AssertableApplicationContext context) throws Exception {
    assertThat(context).hasNotFailed();
    ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
    monitor.pollNow();
    assertThat(monitor.flush(Duration.ofSeconds(15))).isTrue();
    assertThat(greenMail.waitForIncomingEmail(15_000, 1)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).startsWith("[Vigil] FIRING");
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
  }

  @Test
  void usesSpringBootsJavaMailSenderFromSpringMail() {
    TestApps.runner()
        .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
        .withUserConfiguration(TestApps.Time.class, HotCloud.class)
        .withPropertyValues(EMAIL_SINK)
        .withPropertyValues(
            "spring.mail.host=127.0.0.1", "spring.mail.port=" + greenMail.getSmtp().getPort())
        .run(
            context -> {
              assertThat(context).hasSingleBean(JavaMailSender.class);
              firesOneEmail(context);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnMailSender {
    @Bean
    JavaMailSenderImpl mailSender() {
      JavaMailSenderImpl sender = new JavaMailSenderImpl();
      sender.setHost("127.0.0.1");
      sender.setPort(greenMail.getSmtp().getPort());
      return sender;
    }
  }

  @Test
  void usesTheApplicationsJavaMailSenderBean() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, HotCloud.class, OwnMailSender.class)
        .withPropertyValues(EMAIL_SINK)
        .run(VigilMailTest::firesOneEmail);
  }

  @Test
  void readsSpringMailWithoutSpringBootsMailAutoConfiguration() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, HotCloud.class)
        .withPropertyValues(EMAIL_SINK)
        .withPropertyValues(
            "spring.mail.host=127.0.0.1", "spring.mail.port=" + greenMail.getSmtp().getPort())
        .run(VigilMailTest::firesOneEmail);
  }

  @Test
  void vigilsOwnSmtpSettingsWinOverSpringMail() {
    TestApps.runner()
        .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
        .withUserConfiguration(TestApps.Time.class, HotCloud.class)
        .withPropertyValues(EMAIL_SINK)
        .withPropertyValues(
            "spring.mail.host=127.0.0.1",
            "spring.mail.port=1", // nothing listens there
            "vigil.sinks.ops.email.smtp.host=127.0.0.1",
            "vigil.sinks.ops.email.smtp.port=" + greenMail.getSmtp().getPort(),
            "vigil.sinks.ops.email.smtp.security=none")
        .run(VigilMailTest::firesOneEmail);
  }

  @Test
  void springMailCredentialsOverPlainSmtpToAnotherHostAreRefused() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class, HotCloud.class)
        .withPropertyValues(EMAIL_SINK)
        .withPropertyValues(
            "spring.mail.host=mail.example.com",
            "spring.mail.username=vigil",
            "spring.mail.password=secret-pw")
        .run(
            context -> {
              VigilConfigurationException e = TestApps.failure(context);
              assertThat(e.property()).isEqualTo("vigil.sinks.ops.email.smtp.security");
              assertThat(e.getMessage()).doesNotContain("secret-pw");
            });
  }
}
