package dev.vigil.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.vigil.ResourceMonitor;
import dev.vigil.alerts.EmailAlertSink;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs the README's scenario end to end on this machine: an in-process fake cloud API (bearer
 * protected, 30 VMs whose CPU rises over 80 and falls back), a real SMTP server (GreenMail) on
 * 127.0.0.1, and a {@link ResourceMonitor} that polls every 2 seconds and emails alerts. Prints
 * every email the SMTP server receives and stops once it has shown a firing and a resolved one (or
 * after {@code --seconds N}, 90 by default).
 */
public final class Quickstart {
  private Quickstart() {}

  /**
   * Runs the demo.
   *
   * @param args optionally {@code --seconds N}
   * @throws Exception if the demo cannot start
   */
  public static void main(String[] args) throws Exception {
    long maxSeconds =
        args.length == 2 && args[0].equals("--seconds") ? Long.parseLong(args[1]) : 90;
    String token = "demo-token";
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    try (FakeCloudApi api =
        FakeCloudApi.builder()
            .token(token)
            .resources(30)
            .pageSize(10)
            .cpuPeriod(Duration.ofSeconds(20))
            .build()
            .start()) {
      int smtpPort = smtp.getSmtp().getPort();
      System.out.println(
          "Fake cloud API on " + api.baseUrl() + ", SMTP server on 127.0.0.1:" + smtpPort);
      CloudCpuAlerts.Settings settings =
          new CloudCpuAlerts.Settings(
              api.baseUrl(),
              () -> token,
              "127.0.0.1",
              smtpPort,
              EmailAlertSink.Security.NONE,
              Duration.ofSeconds(2));
      try (ResourceMonitor monitor = CloudCpuAlerts.start(settings)) {
        printEmails(smtp, maxSeconds);
        System.out.println("Active alerts now: " + monitor.activeAlerts().size());
      }
    } finally {
      smtp.stop();
    }
  }

  private static void printEmails(GreenMail smtp, long maxSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    boolean firing = false;
    boolean resolved = false;
    int shown = 0;
    while (!(firing && resolved) && System.nanoTime() < deadline) {
      smtp.waitForIncomingEmail(1_000, shown + 1);
      MimeMessage[] messages = smtp.getReceivedMessages();
      for (; shown < messages.length; shown++) {
        MimeMessage m = messages[shown];
        String subject = m.getSubject();
        firing |= subject.contains("FIRING");
        resolved |= subject.contains("RESOLVED");
        System.out.println();
        System.out.println(
            "=== Email #" + (shown + 1) + " to " + String.join(", ", m.getHeader("To")));
        System.out.println("Subject: " + subject);
        System.out.println(String.valueOf(m.getContent()).strip());
      }
    }
    System.out.println();
    System.out.println(
        firing && resolved
            ? "Received a firing and a resolved email: done."
            : "Stopped after " + maxSeconds + " s without both a firing and a resolved email.");
  }
}
