package dev.vigil.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.vigil.ResourceMonitor;
import dev.vigil.testing.VirtualTime;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.time.Duration;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed scenario from application properties only: a cloud API with a bearer token polled every
 * minute, an email when cpu_usage is above 80, and another when it resolves.
 */
class SeedScenarioTest {
  @RegisterExtension
  static final GreenMailExtension greenMail = new GreenMailExtension(TestApps.smtp());

  static final String TOKEN = "t0ken-4711";

  final MockWebServer cloud = new MockWebServer();
  volatile double cpu = 92.5;

  @BeforeEach
  void startCloud() throws Exception {
    cloud.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (!("Bearer " + TOKEN).equals(request.getHeaders().get("Authorization"))) {
              return new MockResponse.Builder().code(401).build();
            }
            String path = request.getUrl().encodedPath();
            String body =
                switch (path) {
                  case "/v1/servers" -> "{\"items\":[{\"id\":\"vm-1\"}],\"next\":null}";
                  case "/v1/servers/vm-1/metrics" -> "{\"cpu\":" + cpu + "}";
                  default -> null;
                };
            if (body == null) return new MockResponse.Builder().code(404).build();
            return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
          }
        });
    cloud.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stopCloud() {
    cloud.close();
  }

  @Test
  void firingAndResolvedEmailsFromPropertiesAlone() {
    TestApps.runner()
        .withUserConfiguration(TestApps.Time.class)
        .withPropertyValues(
            "vigil.sources.cloud.type=http-json",
            "vigil.sources.cloud.base-url=" + cloud.url("/v1/"),
            "vigil.sources.cloud.token=" + TOKEN,
            "vigil.sources.cloud.interval=1m",
            "vigil.sources.cloud.resources-path=servers",
            "vigil.sources.cloud.metrics-path=servers/{id}/metrics",
            "vigil.sources.cloud.metrics.cpu_usage=/cpu",
            "vigil.rules.HighCpu.metric=cpu_usage",
            "vigil.rules.HighCpu.above=80",
            "vigil.rules.HighCpu.summary=CPU usage on {resource} is {value}%",
            "vigil.sinks.ops.type=email",
            "vigil.sinks.ops.email.from=vigil@example.com",
            "vigil.sinks.ops.email.to=ops@example.com",
            "vigil.sinks.ops.email.smtp.host=127.0.0.1",
            "vigil.sinks.ops.email.smtp.port=" + greenMail.getSmtp().getPort(),
            "vigil.sinks.ops.email.smtp.security=none")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ResourceMonitor monitor = context.getBean(ResourceMonitor.class);
              monitor.pollNow();
              assertThat(monitor.flush(Duration.ofSeconds(15))).isTrue();
              assertThat(greenMail.waitForIncomingEmail(15_000, 1)).isTrue();

              cpu = 12;
              context.getBean(VirtualTime.class).advance(Duration.ofMinutes(1));
              monitor.pollNow();
              assertThat(monitor.flush(Duration.ofSeconds(15))).isTrue();
              assertThat(greenMail.waitForIncomingEmail(15_000, 2)).isTrue();

              MimeMessage[] mails = greenMail.getReceivedMessages();
              assertThat(mails[0].getSubject()).startsWith("[Vigil] FIRING").contains("vm-1");
              assertThat(mails[1].getSubject()).startsWith("[Vigil] RESOLVED");
              assertThat(cloud.getRequestCount()).isGreaterThanOrEqualTo(4);
            });
  }
}
