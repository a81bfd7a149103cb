package dev.vigil.spring.boot;

import static dev.vigil.spring.boot.Settings.at;
import static dev.vigil.spring.boot.Settings.require;
import static dev.vigil.spring.boot.Settings.run;

import dev.vigil.AlertSink;
import dev.vigil.alerts.AlertmanagerSink;
import dev.vigil.alerts.EmailAlertSink;
import dev.vigil.alerts.HttpSettings;
import dev.vigil.alerts.LogAlertSink;
import dev.vigil.alerts.PagerDutyAlertSink;
import dev.vigil.alerts.SlackAlertSink;
import dev.vigil.alerts.TeamsAlertSink;
import dev.vigil.alerts.WebhookAlertSink;
import dev.vigil.spring.boot.VigilProperties.Sink;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The sinks of vigil-alerts, from {@code vigil.sinks.<name>.*}. Loaded only when vigil-alerts is on
 * the classpath.
 */
final class Sinks {
  private Sinks() {}

  private static final String DURATION = "set a positive duration, such as 10s";

  static AlertSink build(
      String name, Sink s, Supplier<@Nullable MailServer> applicationMail, Clock clock) {
    String p = "vigil.sinks." + name;
    VigilProperties.SinkType type =
        require(
            s.getType(),
            p + ".type",
            "set the sink type: " + Settings.choices(VigilProperties.SinkType.values()));
    return switch (type) {
      case LOG -> log(p, s);
      case EMAIL -> email(p, s, applicationMail);
      case WEBHOOK -> webhook(p, s, clock);
      case SLACK -> slack(p, s);
      case TEAMS -> teams(p, s);
      case PAGERDUTY -> pagerDuty(p, s);
      case ALERTMANAGER -> alertmanager(p, s, clock);
    };
  }

  private static <T> void ifSet(@Nullable T value, Consumer<T> setter, String path, String action) {
    if (value != null) run(path, action, () -> setter.accept(value));
  }

  private static AlertSink log(String p, Sink s) {
    LogAlertSink.Builder b = LogAlertSink.builder().keyValues(s.isKeyValues());
    ifSet(s.getLogger(), b::logger, p + ".logger", "set a logger name");
    return at(p, "fix the sink's settings", b::build);
  }

  private static HttpSettings http(String p, Sink s) {
    HttpSettings.Builder b = HttpSettings.builder();
    ifSet(s.getConnectTimeout(), b::connectTimeout, p + ".connect-timeout", DURATION);
    ifSet(s.getTimeout(), b::timeout, p + ".timeout", DURATION);
    ifSet(s.getMaxRetryAfter(), b::maxRetryAfter, p + ".max-retry-after", "set a duration");
    return at(p, "fix the sink's timeouts", b::build);
  }

  private static AlertSink webhook(String p, Sink s, Clock clock) {
    WebhookAlertSink.Builder b = WebhookAlertSink.builder().clock(clock).http(http(p, s));
    String url = require(s.getUrl(), p + ".url", "set it to the receiver's URL");
    run(p + ".url", "set an http or https URL", () -> b.url(url));
    ifSet(
        s.getSigningSecret(),
        b::signingSecret,
        p + ".signing-secret",
        "set a secret of at least 16 characters, such as the output of openssl rand -hex 32");
    for (Map.Entry<String, String> h : s.getHeaders().entrySet()) {
      run(
          p + ".headers." + h.getKey(),
          "set a valid HTTP header name and value",
          () -> b.header(h.getKey(), h.getValue()));
    }
    ifSet(s.getReceiver(), b::receiver, p + ".receiver", "set a receiver name");
    ifSet(s.getExternalUrl(), b::externalUrl, p + ".external-url", "set a URL");
    ifSet(s.getGeneratorUrl(), b::generatorUrl, p + ".generator-url", "set a URL");
    ifSet(s.getMaxAlerts(), b::maxAlerts, p + ".max-alerts", "set a positive number");
    return at(p, "fix the sink's settings", b::build);
  }

  private static AlertSink slack(String p, Sink s) {
    SlackAlertSink.Builder b = SlackAlertSink.builder().http(http(p, s));
    String url = require(s.getUrl(), p + ".url", "set it to the Slack incoming webhook URL");
    run(p + ".url", "set the https URL Slack gave", () -> b.webhookUrl(url));
    return at(p, "fix the sink's settings", b::build);
  }

  private static AlertSink teams(String p, Sink s) {
    TeamsAlertSink.Builder b = TeamsAlertSink.builder().http(http(p, s));
    String url = require(s.getUrl(), p + ".url", "set it to the Teams workflow webhook URL");
    run(p + ".url", "set the https URL Teams gave", () -> b.webhookUrl(url));
    return at(p, "fix the sink's settings", b::build);
  }

  private static AlertSink pagerDuty(String p, Sink s) {
    PagerDutyAlertSink.Builder b = PagerDutyAlertSink.builder().http(http(p, s));
    String key =
        require(s.getRoutingKey(), p + ".routing-key", "set it to the integration's routing key");
    run(p + ".routing-key", "set the 32-character routing key", () -> b.routingKey(key));
    ifSet(s.getUrl(), b::url, p + ".url", "set an http or https URL");
    ifSet(s.getClientUrl(), b::clientUrl, p + ".client-url", "set a URL");
    return at(p, "fix the sink's settings", b::build);
  }

  private static AlertSink alertmanager(String p, Sink s, Clock clock) {
    AlertmanagerSink.Builder b = AlertmanagerSink.builder().clock(clock).http(http(p, s));
    if (s.getUrls().isEmpty()) {
      throw new VigilConfigurationException(
          p + ".urls",
          "is empty",
          "list the Alertmanager instances, such as http://127.0.0.1:9093",
          null);
    }
    run(
        p + ".urls",
        "set http or https URLs",
        () -> b.instances(s.getUrls().toArray(new String[0])));
    ifSet(s.getGeneratorUrl(), b::generatorUrl, p + ".generator-url", "set a URL");
    ifSet(s.getResendInterval(), b::resendInterval, p + ".resend-interval", DURATION);
    return at(p, "fix the sink's settings", b::build);
  }

  private static AlertSink email(String p, Sink s, Supplier<@Nullable MailServer> applicationMail) {
    VigilProperties.Email e = s.getEmail();
    String ep = p + ".email";
    EmailAlertSink.Builder b = EmailAlertSink.builder();
    MailServer server = server(ep, e.getSmtp(), applicationMail);
    VigilProperties.Smtp own = e.getSmtp();
    String hostPath =
        own.getHost() != null
            ? ep + ".smtp.host"
            : ep + ".smtp.host (from " + server.origin() + ")";
    run(hostPath, "set a host name or IP address", () -> b.smtpHost(server.host()));
    Integer port = own.getPort() != null ? own.getPort() : server.port();
    if (port != null) run(ep + ".smtp.port", "set a port from 1 to 65535", () -> b.smtpPort(port));
    VigilProperties.Security security =
        own.getSecurity() != null ? own.getSecurity() : server.security();
    if (security != null) b.security(security(security));
    String user = server.username();
    String password = server.password();
    if (user != null && !user.isBlank()) {
      String pw =
          require(
              password,
              ep + ".smtp.password",
              "set the SMTP password for " + ep + ".smtp.username");
      run(ep + ".smtp.username", "set the SMTP user and password", () -> b.credentials(user, pw));
    }
    String from =
        require(
            e.getFrom(), ep + ".from", "set it to the sender address, such as vigil@example.com");
    run(ep + ".from", "set one email address", () -> b.from(from));
    if (e.getTo().isEmpty()) {
      throw new VigilConfigurationException(
          ep + ".to", "is empty", "list at least one recipient, such as ops@example.com", null);
    }
    for (int i = 0; i < e.getTo().size(); i++) {
      String to = e.getTo().get(i);
      run(ep + ".to[" + i + "]", "set one email address", () -> b.to(to));
    }
    ifSet(e.getSubjectPrefix(), b::subjectPrefix, ep + ".subject-prefix", "set a short text");
    b.html(e.isHtml());
    ifSet(own.getConnectTimeout(), b::connectTimeout, ep + ".smtp.connect-timeout", DURATION);
    ifSet(own.getReadTimeout(), b::readTimeout, ep + ".smtp.read-timeout", DURATION);
    ifSet(own.getWriteTimeout(), b::writeTimeout, ep + ".smtp.write-timeout", DURATION);
    return at(
        security == VigilProperties.Security.NONE ? ep + ".smtp.security" : ep,
        "use security starttls or smtps for a server that is not on this host, or fix the sink's"
            + " settings",
        b::build);
  }

  /** Vigil's own SMTP settings win; else the application's mail settings; else it is an error. */
  private static MailServer server(
      String ep, VigilProperties.Smtp own, Supplier<@Nullable MailServer> applicationMail) {
    String host = own.getHost();
    if (host != null) {
      return new MailServer(
          host,
          own.getPort(),
          own.getSecurity(),
          own.getUsername(),
          own.getPassword(),
          ep + ".smtp");
    }
    MailServer app = applicationMail.get();
    if (app == null) {
      throw new VigilConfigurationException(
          ep + ".smtp.host",
          "is required",
          "set it, or set spring.mail.host (Vigil then uses the application's mail settings)",
          null);
    }
    if (own.getUsername() != null) {
      return new MailServer(
          app.host(),
          app.port(),
          app.security(),
          own.getUsername(),
          own.getPassword(),
          app.origin());
    }
    return app;
  }

  private static EmailAlertSink.Security security(VigilProperties.Security s) {
    return switch (s) {
      case STARTTLS -> EmailAlertSink.Security.STARTTLS;
      case SMTPS -> EmailAlertSink.Security.SMTPS;
      case NONE -> EmailAlertSink.Security.NONE;
    };
  }
}
