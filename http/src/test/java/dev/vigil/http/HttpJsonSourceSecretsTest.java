package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that echoes the bearer token gets it nowhere: not into exception messages or stack
 * traces, not into errors reported per resource, not into log lines. Each test checks the token
 * raw, Base64-encoded and as a prefix (what a cut after scrubbing would have left).
 */
class HttpJsonSourceSecretsTest {
  static final String TOKEN_B64 =
      Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));

  @StartStop final MockWebServer server = new MockWebServer();
  @StartStop final MockWebServer otherHost = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<HttpJsonSource> sources = new ArrayList<>();
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  PrintStream stderr = System.err;

  @BeforeEach
  void serveFakeCloudAndCaptureLogs() {
    server.setDispatcher(cloud);
    cloud.resources("vm-1", "vm-2");
    stderr = System.err;
    // slf4j-simple writes to System.err as it is at each line.
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void closeSourcesAndRestoreStderr() {
    sources.forEach(HttpJsonSource::close);
    System.setErr(stderr);
  }

  HttpJsonSource.Builder builder() {
    return FakeCloud.source(server)
        .retry(HttpJsonSourceTest.ONE_ATTEMPT)
        .readTimeout(Duration.ofSeconds(2));
  }

  HttpJsonSource build(HttpJsonSource.Builder builder) {
    HttpJsonSource source = builder.build();
    sources.add(source);
    return source;
  }

  /** Polls; returns everything a person or a log could see of what went wrong. */
  String pollAndCollectEverythingShown(HttpJsonSource source) throws InterruptedException {
    StringBuilder shown = new StringBuilder();
    try {
      source.poll(context);
    } catch (SourceException e) {
      shown.append(stackTrace(e));
    }
    for (Map.Entry<String, Exception> e : context.errors()) {
      shown.append(e.getKey()).append('\n').append(stackTrace(e.getValue()));
    }
    shown.append(logs.toString(StandardCharsets.UTF_8));
    assertThat(shown).as("something was reported").isNotEmpty();
    return shown.toString();
  }

  static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  static void assertNoToken(String shown) {
    assertThat(shown)
        .doesNotContain(TOKEN)
        .doesNotContain(TOKEN_B64)
        .doesNotContain(TOKEN.substring(0, 8));
  }

  @Test
  void tokenEchoedInTheReasonPhraseAppearsNowhere() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .status("HTTP/1.1 503 Unavailable for " + TOKEN + " aka " + TOKEN_B64)
            .build());

    String shown = pollAndCollectEverythingShown(build(builder()));

    assertNoToken(shown);
    assertThat(shown).contains("HTTP 503 Unavailable for REDACTED aka REDACTED");
  }

  @Test
  void tokenEchoedInALocationHeaderAppearsNowhere() throws Exception {
    String encoded = URLEncoder.encode(TOKEN + "/x", StandardCharsets.UTF_8);
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", "/login/" + TOKEN + "?next=" + encoded + "&b=" + TOKEN_B64)
            .build());

    String shown = pollAndCollectEverythingShown(build(builder()));

    assertNoToken(shown);
    assertThat(shown).contains("HTTP 302").contains("redirect to");
  }

  @Test
  void tokenEchoedInAJsonValueAppearsNowhereNotEvenCut() throws Exception {
    // 30 chars before the token: a cut after 40 chars without scrubbing first would show a part.
    cloud.always(
        metricsPath("vm-1"), "{\"metrics\":{\"cpu_usage\":\"" + "x".repeat(30) + TOKEN + "\"}}");
    cloud.always(metricsPath("vm-2"), "{\"metrics\":{\"cpu_usage\":\"" + TOKEN_B64 + "\"}}");

    String shown = pollAndCollectEverythingShown(build(builder()));

    assertNoToken(shown);
    assertThat(shown).contains("expected a number but was STRING \"" + "x".repeat(30) + "REDA");
  }

  /** A 64-char token, longer than the 40 chars a quoted JSON value is cut to. */
  static final String LONG_TOKEN =
      "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0-ZYXWVUTSRQPONMLKJIHGFEDCBA9";

  /** Builds a source with {@link #LONG_TOKEN}, which the fake cloud accepts. */
  HttpJsonSource longTokenSource() {
    cloud.acceptedToken = LONG_TOKEN::equals;
    return build(builder().bearerToken(LONG_TOKEN));
  }

  /** No 10-char piece of the long token, anywhere: what a cut before scrubbing would leave. */
  static void assertNoPartOfTheLongToken(String shown) {
    for (int i = 0; i + 10 <= LONG_TOKEN.length(); i++) {
      assertThat(shown).doesNotContain(LONG_TOKEN.substring(i, i + 10));
    }
  }

  /**
   * Scrubbed first, cut after: a 64-char token echoed in a JSON value that a bad-data error quotes
   * (a metric's value, and the parent of a metric that is a string instead of an object) leaves no
   * part of itself in the 40 chars the message keeps.
   */
  @Test
  void tokenLongerThanTheQuotedValueEchoedInAJsonValueLeavesNoPartOfItself() throws Exception {
    assertThat(LONG_TOKEN).hasSize(64);
    cloud.always(metricsPath("vm-1"), "{\"metrics\":\"token=" + LONG_TOKEN + "\"}");
    cloud.always(metricsPath("vm-2"), "{\"metrics\":{\"cpu_usage\":\"" + LONG_TOKEN + "\"}}");

    String shown = pollAndCollectEverythingShown(longTokenSource());

    assertNoPartOfTheLongToken(shown);
    assertThat(shown)
        .contains("missing: its parent is STRING \"token=REDACTED\", not an object or array")
        .contains("expected a number but was STRING \"REDACTED\"");
  }

  /** The same for the listing: a next link, and a Link header target, that are not valid URLs. */
  @Test
  void tokenLongerThanTheQuotedValueEchoedInABadNextLinkLeavesNoPartOfItself() throws Exception {
    cloud.always(
        "/v1/resources/page-1.json", "{\"items\":[],\"next\":\"http://[" + LONG_TOKEN + "\"}");
    assertNoPartOfTheLongToken(pollAndCollectEverythingShown(longTokenSource()));

    cloud.always(
        "/v1/resources/page-1.json",
        new MockResponse.Builder()
            .code(200)
            .setHeader("Link", "<http://[" + LONG_TOKEN + ">; rel=\"next\"")
            .body("{\"items\":[]}")
            .build());
    HttpJsonSource linkHeader =
        build(builder().bearerToken(LONG_TOKEN).pagination(Pagination.linkHeader()));
    String shown = pollAndCollectEverythingShown(linkHeader);

    assertNoPartOfTheLongToken(shown);
    assertThat(shown).contains("the next link is not a valid URL: \"http://[REDACTED\"");
  }

  @Test
  void tokenEchoedAsAJsonKeyOfAMalformedBodyAppearsNowhere() throws Exception {
    cloud.always(metricsPath("vm-1"), "{\"metrics\":{\"" + TOKEN + "\": ");

    String shown = pollAndCollectEverythingShown(build(builder()));

    assertNoToken(shown);
    assertThat(shown).contains("bad data at $.metrics.REDACTED");
  }

  @Test
  void resourceIdHoldingTheTokenIsRefusedAndNeverBecomesAResourceName() throws Exception {
    cloud.always("/v1/resources/page-1.json", FakeCloud.listing(null, "vm-1", "id-" + TOKEN));

    String shown = pollAndCollectEverythingShown(build(builder()));

    assertNoToken(shown);
    assertThat(context.errors()).hasSize(1);
    assertThat(shown).contains("resource id holds a credential of this source");
  }

  @Test
  void tokenSupplierFailureIsReportedByTypeAndAFixedMessage() {
    HttpJsonSource source =
        build(
            builder()
                .bearerToken(
                    () -> {
                      throw new IllegalStateException("vault answered " + TOKEN);
                    }));

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains("java.lang.IllegalStateException");
    assertThat(e.getCause()).isNull();
    assertNoToken(stackTrace(e) + logs.toString(StandardCharsets.UTF_8));
  }

  /** Redirects are never followed, not even with a host client that follows them. */
  @Test
  void redirectToAnotherHostSendsNoAuthorizationThere() throws Exception {
    cloud.always(
        metricsPath("vm-1"),
        new MockResponse.Builder()
            .code(307)
            .setHeader("Location", otherHost.url("/steal").toString())
            .build());
    OkHttpClient following = new OkHttpClient.Builder().followRedirects(true).build();

    String shown = pollAndCollectEverythingShown(build(builder().client(following)));

    assertThat(otherHost.getRequestCount()).isZero();
    assertThat(shown).contains("HTTP 307").contains("not followed");
    following.connectionPool().evictAll();
  }

  @Test
  void secretsScrubEveryEncodingOfTheCredential() {
    Secrets secrets = new Secrets();
    secrets.remember("a+b/c=d?e&f");

    String all =
        "raw a+b/c=d?e&f form "
            + URLEncoder.encode("a+b/c=d?e&f", StandardCharsets.UTF_8)
            + " lower "
            + URLEncoder.encode("a+b/c=d?e&f", StandardCharsets.UTF_8)
                .toLowerCase(java.util.Locale.ROOT)
            + " segment "
            + Urls.encodePathSegment("a+b/c=d?e&f")
            + " b64 "
            + Base64.getEncoder().encodeToString("a+b/c=d?e&f".getBytes(StandardCharsets.UTF_8))
            + " url64 "
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("a+b/c=d?e&f".getBytes(StandardCharsets.UTF_8));

    assertThat(secrets.scrub(all))
        .isEqualTo(
            "raw REDACTED form REDACTED lower REDACTED segment REDACTED b64 REDACTED url64"
                + " REDACTED");
    assertThat(secrets.toString()).doesNotContain("a+b");
  }
}
