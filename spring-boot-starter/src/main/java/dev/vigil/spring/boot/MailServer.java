package dev.vigil.spring.boot;

import java.util.Locale;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The SMTP server an email sink uses, and where its settings came from ({@code
 * vigil.sinks.<name>.email.smtp}, the application's {@code JavaMailSender}, or {@code
 * spring.mail}). Its {@code toString()} never shows the password.
 */
record MailServer(
    String host,
    @Nullable Integer port,
    VigilProperties.@Nullable Security security,
    @Nullable String username,
    @Nullable String password,
    String origin) {

  /**
   * smtps is implicit TLS; {@code mail.smtp.starttls.enable} (or {@code .required}) is STARTTLS;
   * anything else is a plain connection, as Jakarta Mail would make it.
   */
  static VigilProperties.Security security(@Nullable String protocol, Properties props) {
    if (protocol != null && protocol.toLowerCase(Locale.ROOT).equals("smtps")) {
      return VigilProperties.Security.SMTPS;
    }
    if (Boolean.parseBoolean(props.getProperty("mail.smtp.starttls.enable"))
        || Boolean.parseBoolean(props.getProperty("mail.smtp.starttls.required"))) {
      return VigilProperties.Security.STARTTLS;
    }
    return VigilProperties.Security.NONE;
  }

  @Override
  public String toString() {
    return "MailServer{host="
        + host
        + ", port="
        + port
        + ", security="
        + security
        + ", username="
        + username
        + ", password="
        + (password == null ? "unset" : "REDACTED")
        + ", origin="
        + origin
        + "}";
  }
}
