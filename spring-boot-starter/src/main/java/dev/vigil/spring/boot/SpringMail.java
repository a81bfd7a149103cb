package dev.vigil.spring.boot;

import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Reads the SMTP settings of the application's {@link JavaMailSender} (Spring Boot makes one from
 * {@code spring.mail.*}). Loaded only when spring-context-support is on the classpath.
 */
final class SpringMail {
  private SpringMail() {}

  /** The server of the context's one JavaMailSender, or null. */
  static @Nullable MailServer fromContext(
      org.springframework.beans.factory.ListableBeanFactory beans) {
    JavaMailSender sender = beans.getBeanProvider(JavaMailSender.class).getIfUnique();
    return sender == null ? null : of(sender);
  }

  /**
   * The server of {@code sender}, or null if it is not a {@link JavaMailSenderImpl} with a host.
   */
  static @Nullable MailServer of(Object sender) {
    if (!(sender instanceof JavaMailSenderImpl impl)) return null;
    String host = impl.getHost();
    if (host == null || host.isBlank()) return null;
    Properties props = impl.getJavaMailProperties();
    return new MailServer(
        host,
        impl.getPort() > 0 ? impl.getPort() : null,
        MailServer.security(impl.getProtocol(), props),
        impl.getUsername(),
        impl.getPassword(),
        "the application's JavaMailSender (spring.mail.*)");
  }
}
