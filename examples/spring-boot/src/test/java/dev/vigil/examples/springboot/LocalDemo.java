package dev.vigil.examples.springboot;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the example application on this machine, without a cloud account or a mail server: a fake
 * cloud API and a real SMTP server (GreenMail) on 127.0.0.1, then {@link VigilSpringBootExample}
 * with its {@code application.yml} pointed at them and a 2 second poll interval. After 5 seconds
 * vm-000002's CPU rises to 93%, after 15 seconds it falls back; prints the FIRING and RESOLVED
 * emails the SMTP server receives and stops (90 seconds at most).
 *
 * <pre>{@code ./mvnw -q -pl examples/spring-boot -am test-compile exec:java}</pre>
 */
public final class LocalDemo {
  private LocalDemo() {}

  /**
   * Runs the demo.
   *
   * @param args extra Spring Boot arguments, such as {@code --server.port=8080}
   * @throws Exception if the demo cannot start
   */
  public static void main(String[] args) throws Exception {
    String token = "demo-token";
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-demo-timer");
              t.setDaemon(true);
              return t;
            });
    try (FakeCloud cloud =
            new FakeCloud(token, List.of("vm-000001", "vm-000002", "vm-000003"), 35.0).start();
        Mailbox mail = new Mailbox().start()) {
      String[] demoArgs = {
        "--CLOUD_API_URL=" + cloud.baseUrl(),
        "--CLOUD_API_TOKEN=" + token,
        "--SMTP_HOST=127.0.0.1",
        "--SMTP_PORT=" + mail.port(),
        "--SMTP_STARTTLS=false",
        "--vigil.sources.cloud.interval=2s",
        "--management.endpoint.vigil.access=unrestricted", // a local demo: silences by curl
        "--server.address=127.0.0.1",
        "--server.port=0"
      };
      String[] all = new String[demoArgs.length + args.length];
      System.arraycopy(demoArgs, 0, all, 0, demoArgs.length);
      System.arraycopy(args, 0, all, demoArgs.length, args.length);
      try (ConfigurableApplicationContext app =
          SpringApplication.run(VigilSpringBootExample.class, all)) {
        String port = app.getEnvironment().getProperty("local.server.port");
        System.out.println();
        System.out.println(
            "Fake cloud API on " + cloud.baseUrl() + ", SMTP on 127.0.0.1:" + mail.port());
        System.out.println(
            "Actuator: http://127.0.0.1:" + port + "/actuator/vigil and /actuator/health");
        timer.schedule(() -> cloud.cpu("vm-000002", 93.0), 5, TimeUnit.SECONDS);
        timer.schedule(() -> cloud.cpu("vm-000002", 41.0), 15, TimeUnit.SECONDS);
        print(mail.await(s -> s.contains("FIRING"), Duration.ofSeconds(45)));
        print(mail.await(s -> s.contains("RESOLVED"), Duration.ofSeconds(45)));
        System.out.println("Received a firing and a resolved email: done.");
      }
    } finally {
      timer.shutdownNow();
    }
  }

  private static void print(MimeMessage m) throws Exception {
    System.out.println();
    System.out.println("=== Email to " + String.join(", ", m.getHeader("To")));
    System.out.println("Subject: " + m.getSubject());
    System.out.println(String.valueOf(m.getContent()).strip());
  }
}
