package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every failure mode becomes a SourceException of the right kind, naming URL and JSON path. */
class HttpJsonSourceErrorsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<HttpJsonSource> sources = new ArrayList<>();

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
    cloud.resources("vm-1");
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    return FakeCloud.source(server)
        .retry(HttpJsonSourceTest.ONE_ATTEMPT)
        .readTimeout(Duration.ofMillis(300))
        .callTimeout(Duration.ofSeconds(5));
  }

  /** Polls a source whose only resource fails, and returns the failure after common checks. */
  SourceException pollFailure(HttpJsonSource.Builder builder, String path) {
    HttpJsonSource source = builder.build();
    sources.add(source);
    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));
    assertThat(e).as("poll must fail").isNotNull();
    String url = server.url(path).toString();
    assertThat(e.url()).isEqualTo(url);
    assertThat(e.getMessage()).startsWith("GET " + url + ": ").doesNotContain(TOKEN);
    assertThat(stackTrace(e)).doesNotContain(TOKEN);
    return e;
  }

  SourceException metricsFailure(MockResponse response) {
    cloud.always(metricsPath("vm-1"), response);
    return pollFailure(builder(), metricsPath("vm-1"));
  }

  SourceException metricsBodyFailure(String body) {
    return metricsFailure(FakeCloud.json(body));
  }

  static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  static void assertBadDataAt(SourceException e, String jsonPath) {
    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo(jsonPath);
    assertThat(e.httpStatus()).isEqualTo(-1);
    assertThat(e.getMessage()).contains("bad data at " + jsonPath + ": ");
  }

  @Test
  void malformedJsonIsBadDataAtThePathMoshiReports() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":42.5,,}}");

    assertBadDataAt(e, "$.metrics.cpu_usage");
    assertThat(e.getMessage()).contains("malformed JSON");
  }

  @Test
  void truncatedJsonIsBadData() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":4");

    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).startsWith("$.metrics");
  }

  @Test
  void numericStringIsBadDataNotANumber() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":\"80%\"}}");

    assertBadDataAt(e, "$.metrics.cpu_usage");
    assertThat(e.getMessage())
        .isEqualTo(
            "GET "
                + server.url(metricsPath("vm-1"))
                + ": bad data at $.metrics.cpu_usage: expected a number but was STRING \"80%\"");
  }

  @Test
  void stringHoldingADigitsOnlyNumberIsStillBadData() {
    assertBadDataAt(
        metricsBodyFailure("{\"metrics\":{\"cpu_usage\":\"42.5\"}}"), "$.metrics.cpu_usage");
  }

  @Test
  void booleanAndNullAreBadData() {
    SourceException bool = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":true}}");
    assertBadDataAt(bool, "$.metrics.cpu_usage");
    assertThat(bool.getMessage()).endsWith("expected a number but was BOOLEAN true");

    SourceException nul = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":null}}");
    assertThat(nul.getMessage()).endsWith("expected a number but was NULL");
  }

  @Test
  void nanIsBadData() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":NaN}}");

    assertBadDataAt(e, "$.metrics.cpu_usage");
  }

  @Test
  void numberThatOverflowsToInfinityIsBadData() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"cpu_usage\":1e999}}");

    assertBadDataAt(e, "$.metrics.cpu_usage");
    assertThat(e.getMessage()).contains("not a finite number");
  }

  @Test
  void missingFieldIsBadData() {
    SourceException e = metricsBodyFailure("{\"metrics\":{\"memory_usage\":61.0}}");

    assertBadDataAt(e, "$.metrics.cpu_usage");
    assertThat(e.getMessage()).endsWith("expected a number but was missing");
  }

  @Test
  void missingParentObjectIsBadDataNamingTheParent() {
    SourceException e = metricsBodyFailure("{\"metrics\":\"none\"}");

    assertThat(e.getMessage()).contains("its parent is STRING \"none\"");
  }

  @Test
  void bodyOverTheLimitIsBadData() {
    cloud.always(metricsPath("vm-1"), FakeCloud.metrics("vm-1", 1, 2));

    SourceException e = pollFailure(builder().maxBodyBytes(100), metricsPath("vm-1"));

    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$");
    assertThat(e.getMessage()).contains("exceeds maxBodyBytes=100");
  }

  @Test
  void chunkedBodyOverTheLimitIsBadDataWhileStreaming() {
    String big = "{\"metrics\":{\"cpu_usage\":1.0},\"padding\":\"" + "x".repeat(100_000) + "\"}";
    cloud.always(metricsPath("vm-1"), new MockResponse.Builder().chunkedBody(big, 1024).build());

    SourceException e = pollFailure(builder().maxBodyBytes(10_000), metricsPath("vm-1"));

    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.padding");
    assertThat(e.getMessage()).contains("exceeds maxBodyBytes=10000");
  }

  @Test
  void itemsThatAreNotAnArrayFailTheListing() {
    cloud.always("/v1/resources/page-1.json", "{\"items\":{\"id\":\"vm-1\"},\"next\":null}");

    SourceException e = pollFailure(builder(), "/v1/resources/page-1.json");

    assertBadDataAt(e, "$.items");
    assertThat(e.getMessage()).endsWith("expected an array but was OBJECT");
  }

  @Test
  void idThatIsNotAStringIsReportedWithItsPathWhileOtherItemsAreRead() throws Exception {
    cloud.always(
        "/v1/resources/page-1.json", "{\"items\":[{\"id\":\"vm-1\"},{\"id\":7}],\"next\":null}");
    HttpJsonSource source = builder().build();
    sources.add(source);

    assertThat(source.poll(context)).hasSize(1);

    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertBadDataAt(e, "$.items[1].id");
    assertThat(e.getMessage()).endsWith("expected a resource id string but was NUMBER 7.0");
  }

  @Test
  void unauthorizedIsAuthSayingTheCredentialsWereRefused() {
    cloud.acceptedToken = t -> false;

    SourceException e = pollFailure(builder(), "/v1/resources/page-1.json");

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.httpStatus()).isEqualTo(401);
    assertThat(e.getMessage()).contains("HTTP 401").contains("refused the credentials");
  }

  @Test
  void forbiddenIsAuth() {
    SourceException e = metricsFailure(FakeCloud.status(403));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.httpStatus()).isEqualTo(403);
  }

  @Test
  void serverErrorIsHttpStatus500() {
    SourceException e = metricsFailure(FakeCloud.status(500));

    assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.getMessage()).contains("HTTP 500");
  }

  @Test
  void tooManyRequestsIsHttpStatus429() {
    SourceException e = metricsFailure(FakeCloud.status(429));

    assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(429);
  }

  @Test
  void notFoundIsHttpStatus404() {
    SourceException e = metricsFailure(FakeCloud.status(404));

    assertThat(e.kind()).isEqualTo(Kind.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(404);
  }

  @Test
  void responseThatNeverArrivesIsTimeout() {
    SourceException e =
        metricsFailure(
            new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("timed out");
  }

  @Test
  void callTimeoutBoundsASlowTrickle() {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .body(FakeCloud.metrics("vm-1", 1, 2))
            .throttleBody(1, 100, TimeUnit.MILLISECONDS)
            .build());

    SourceException e =
        pollFailure(
            builder().readTimeout(Duration.ofSeconds(5)).callTimeout(Duration.ofMillis(400)),
            metricsPath("vm-1"));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void disconnectMidBodyIsASourceException() {
    String big = padded(FakeCloud.metrics("vm-1", 1, 2), 50_000);
    SourceException e =
        metricsFailure(
            new MockResponse.Builder()
                .body(big)
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

    assertThat(e.kind()).isIn(Kind.CONNECTION, Kind.BAD_DATA);
  }

  /** The metrics body with a string field of {@code size} characters added at its end. */
  private static String padded(String metricsJson, int size) {
    int end = metricsJson.lastIndexOf('}');
    return metricsJson.substring(0, end)
        + ",\"pad\":\""
        + "x".repeat(size)
        + "\""
        + metricsJson.substring(end);
  }

  @Test
  void connectionRefusedIsConnection() throws Exception {
    HttpUrl closed;
    try (MockWebServer other = new MockWebServer()) {
      other.start();
      closed = other.url("/");
    }
    HttpJsonSource source = builder().baseUrl(closed).build();
    sources.add(source);

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
    assertThat(e.getMessage()).startsWith("GET " + closed.resolve("/v1/resources/page-1.json"));
  }

  @Test
  void tokenSupplierReturningBlankOrCrLfIsAuthWithoutShowingTheToken() {
    SourceException blank =
        pollFailure(builder().bearerToken(() -> " "), "/v1/resources/page-1.json");
    assertThat(blank.kind()).isEqualTo(Kind.AUTH);
    assertThat(blank.getMessage()).contains("blank");

    SourceException crlf =
        pollFailure(
            builder().bearerToken(() -> TOKEN + "\r\nX-Evil: 1"), "/v1/resources/page-1.json");
    assertThat(crlf.kind()).isEqualTo(Kind.AUTH);
    assertThat(crlf.getMessage()).contains("CR or LF");
    assertThat(cloud.requests).isEmpty();
  }

  @Test
  void textFromTheApiCannotForgeLogLinesInErrorMessages() throws Exception {
    String forged = "2026-11-24 00:00:00 ERROR forged line";
    cloud
        .resources("vm-1", "vm-2", "vm-3", "vm-4", "vm-5")
        .always(metricsPath("vm-1"), "{\"metrics\":{\"x\\n" + forged + "\":tru}}") // JSON escape
        .always(metricsPath("vm-2"), "{\"metrics\":{\"x\n" + forged + "\":tru}}") // raw line break
        .always(metricsPath("vm-3"), "{\"metrics\":{\"cpu_usage\":\"a\\nb\"}}") // quoted value
        .always(
            metricsPath("vm-4"),
            new MockResponse.Builder().status("HTTP/1.1 500 Oops\r" + forged).body("{}").build());
    HttpJsonSource source = builder().build();
    sources.add(source);

    assertThat(source.poll(context)).hasSize(1);

    assertThat(context.errors())
        .extracting(Map.Entry::getKey)
        .containsExactly("vm-1", "vm-2", "vm-3", "vm-4");
    for (var error : context.errors()) {
      SourceException e = (SourceException) error.getValue();
      assertThat(e.getMessage()).as(error.getKey()).doesNotContain("\n").doesNotContain("\r");
      assertThat(String.valueOf(e.jsonPath()))
          .as(error.getKey())
          .doesNotContain("\n")
          .doesNotContain("\r");
      assertThat(stackTrace(e))
          .as(error.getKey())
          .doesNotContain("\n" + forged)
          .doesNotContain("\r" + forged);
    }
    assertThat(context.errors().get(0).getValue().getMessage()).contains("x\\n" + forged);
    assertThat(context.errors().get(1).getValue().getMessage()).contains("x\\n" + forged);
    assertThat(context.errors().get(2).getValue().getMessage()).contains("a\\nb");
    assertThat(context.errors().get(3).getValue().getMessage())
        .contains("HTTP 500 Oops\\r" + forged);
  }

  @Test
  void resourceIdWithAControlCharacterIsBadDataAndNeverBecomesAResourceName() throws Exception {
    cloud.always(
        "/v1/resources/page-1.json",
        "{\"items\":[{\"id\":\"vm-1\"},{\"id\":\"vm-2\\n2026-11-24 00:00:00 ERROR forged\"}],\"next\":null}");
    HttpJsonSource source = builder().build();
    sources.add(source);

    assertThat(source.poll(context)).hasSize(1);

    assertThat(context.errors())
        .extracting(Map.Entry::getKey)
        .hasSize(1)
        .allSatisfy(r -> assertThat(r).doesNotContain("\n"));
    SourceException e = (SourceException) context.errors().get(0).getValue();
    assertBadDataAt(e, "$.items[1].id");
    assertThat(e.getMessage())
        .contains("vm-2\\n2026")
        .contains("control character")
        .doesNotContain("\n");
    assertThat(cloud.requests).hasSize(2);
  }

  @Test
  void veryLongKeyIsCutInTheMessage() {
    String key = "k".repeat(100_000);
    SourceException e = metricsBodyFailure("{\"metrics\":{\"" + key + "\":tru}}");

    assertThat(e.kind()).isEqualTo(Kind.BAD_DATA);
    assertThat(e.getMessage()).hasSizeLessThan(2_000).contains("more chars)");
    assertThat(e.jsonPath()).hasSizeLessThan(2_000);
  }

  @Test
  void secretsInTheUrlAreRedactedFromMessages() {
    HttpUrl base = server.url("/").newBuilder().username("user").password("hunter2").build();
    cloud.always(metricsPath("vm-1"), FakeCloud.status(500));
    HttpJsonSource source =
        builder()
            .baseUrl(base)
            .metricsPath("/v1/resources/{id}/metrics?api_key=hunter2&page=1")
            .build();
    sources.add(source);

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.getMessage())
        .doesNotContain("hunter2")
        .doesNotContain("user@")
        .contains("api_key=REDACTED&page=1");
    assertThat(e.url()).doesNotContain("hunter2");
  }
}
