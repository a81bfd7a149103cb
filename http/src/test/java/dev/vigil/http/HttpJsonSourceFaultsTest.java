package dev.vigil.http;

import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network faults of the acceptance list not covered in {@link HttpJsonSourceErrorsTest}, each
 * ending in a SourceException of the right kind within its timeout, for the one resource only.
 */
class HttpJsonSourceFaultsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<HttpJsonSource> sources = new ArrayList<>();

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
    cloud.resources("vm-1", "vm-2");
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    return FakeCloud.source(server)
        .retry(HttpJsonSourceTest.ONE_ATTEMPT)
        .readTimeout(Duration.ofMillis(500))
        .callTimeout(Duration.ofSeconds(5));
  }

  /** Polls; vm-2 answers, vm-1's failure is reported and returned. */
  SourceException vm1Failure(HttpJsonSource.Builder builder) throws Exception {
    HttpJsonSource source = builder.build();
    sources.add(source);
    assertThat(source.poll(context)).extracting(s -> s.resource()).containsExactly("vm-2");
    assertThat(context.errors()).hasSize(1);
    assertThat(context.errors().get(0).getKey()).isEqualTo("vm-1");
    return (SourceException) context.errors().get(0).getValue();
  }

  @Test
  void connectTimeoutIsTimeout() throws Exception {
    // A loopback listener whose accept queue is full: the kernel drops further SYNs, so a connect
    // hangs until the client's connect timeout.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket s = new Socket();
          try {
            s.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
            fillers.add(s);
          } catch (java.io.IOException e) {
            s.close();
            break; // the queue is full
          }
        }
        HttpUrl base =
            new HttpUrl.Builder()
                .scheme("http")
                .host("127.0.0.1")
                .port(full.getLocalPort())
                .build();
        HttpJsonSource source =
            builder().baseUrl(base).connectTimeout(Duration.ofMillis(300)).build();
        sources.add(source);
        long start = System.nanoTime();

        SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      } finally {
        for (Socket s : fillers) s.close();
      }
    }
  }

  @Test
  void noResponseIsTimeoutForThatResourceOnly() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    assertThat(vm1Failure(builder()).kind()).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void bodyDribbledOneByteAtATimeIsEndedByTheCallTimeout() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .body(FakeCloud.metrics("vm-1", 1, 2))
            .throttleBody(1, 50, TimeUnit.MILLISECONDS) // each byte well within readTimeout
            .build());
    long start = System.nanoTime();

    SourceException e =
        vm1Failure(
            builder().readTimeout(Duration.ofSeconds(5)).callTimeout(Duration.ofMillis(700)));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void disconnectAtTheStartIsConnection() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

    assertThat(vm1Failure(builder()).kind()).isEqualTo(Kind.CONNECTION);
  }

  @Test
  void disconnectMidBodyIsConnectionOrBadData() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .body("{\"metrics\":{\"cpu_usage\":" + " ".repeat(100_000) + "1}}")
            .onResponseBody(new SocketEffect.CloseSocket())
            .build());

    assertThat(vm1Failure(builder()).kind()).isIn(Kind.CONNECTION, Kind.BAD_DATA);
  }

  @Test
  void truncatedBodyShorterThanItsContentLengthIsNeverAValue() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .body("{\"metrics\":{\"cpu_usage\":12")
            .setHeader("Content-Length", "200")
            .onResponseEnd(new SocketEffect.CloseSocket())
            .build());

    assertThat(vm1Failure(builder()).kind()).isIn(Kind.CONNECTION, Kind.BAD_DATA, Kind.TIMEOUT);
  }

  @Test
  void htmlErrorPageWithStatus200IsBadData() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "text/html")
            .body("<html><body><h1>Service temporarily unavailable</h1></body></html>")
            .build());

    SourceException e = vm1Failure(builder());

    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.getMessage()).contains("malformed JSON");
  }
}
