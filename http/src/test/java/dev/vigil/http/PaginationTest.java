package dev.vigil.http;

import static dev.vigil.http.FakeCloud.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.Matcher;
import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.RecordingPollContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery: each pagination style against MockWebServer, label filters on the listing, and the
 * origin rule. The Link header follows RFC 8288 section 3
 * (https://www.rfc-editor.org/rfc/rfc8288#section-3), as GitHub's REST API uses it
 * (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
 */
class PaginationTest {
  @StartStop final MockWebServer server = new MockWebServer();
  @StartStop final MockWebServer other = new MockWebServer();
  final Pages pages = new Pages();
  final RecordingPollContext context =
      RecordingPollContext.create(
          "cloud", ManualClock.startingAt(Instant.parse("2030-01-01T00:00:00Z")));
  final List<HttpJsonSource> sources = new CopyOnWriteArrayList<>();

  /** Answers by path and query: listing pages as given, every metrics path with 42. */
  static final class Pages extends Dispatcher {
    final Map<String, MockResponse> byTarget = new ConcurrentHashMap<>();
    final List<String> requested = new CopyOnWriteArrayList<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String target = request.getTarget();
      requested.add(target);
      if (!("Bearer " + TOKEN).equals(request.getHeaders().get("Authorization"))) {
        return FakeCloud.status(401);
      }
      if (target.endsWith("/metrics")) return FakeCloud.json("{\"metrics\":{\"cpu\":42}}");
      MockResponse r = byTarget.get(target);
      return r != null ? r : FakeCloud.status(404);
    }
  }

  @AfterEach
  void close() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    server.setDispatcher(pages);
    return HttpJsonSource.builder()
        .baseUrl(server.url("/"))
        .bearerToken(TOKEN)
        .resourcesPath("/r")
        .resourceLabel("region", "/region")
        .metricsPath("/r/{id}/metrics")
        .metric("cpu", "/metrics/cpu")
        .retry(HttpJsonSourceTest.ONE_ATTEMPT);
  }

  List<String> resources(HttpJsonSource.Builder b) throws Exception {
    HttpJsonSource source = b.build();
    sources.add(source);
    return source.poll(context).stream().map(Sample::resource).toList();
  }

  SourceException failure(HttpJsonSource.Builder b) {
    HttpJsonSource source = b.build();
    sources.add(source);
    return (SourceException)
        org.assertj.core.api.Assertions.catchThrowable(() -> source.poll(context));
  }

  static String items(String... ids) {
    StringBuilder b = new StringBuilder("[");
    for (String id : ids) {
      if (b.length() > 1) b.append(',');
      String region = id.startsWith("us") ? "us-east-1" : "eu-west-1";
      b.append("{\"id\":\"").append(id).append("\",\"region\":\"").append(region).append("\"}");
    }
    return b.append(']').toString();
  }

  @Test
  void linkHeaderNextIsFollowedUntilThereIsNone() throws Exception {
    pages.byTarget.put(
        "/r",
        new MockResponse.Builder()
            .body("{\"items\":" + items("a", "b") + "}")
            .addHeader("Link", "</r?page=3>; rel=\"last\", </r?page=2>; rel=\"next prefetch\"")
            .build());
    pages.byTarget.put(
        "/r?page=2",
        new MockResponse.Builder()
            .body("{\"items\":" + items("c") + "}")
            .addHeader("Link", "<" + server.url("/r?page=3") + ">; REL=next")
            .build());
    pages.byTarget.put(
        "/r?page=3",
        new MockResponse.Builder()
            .body("{\"items\":" + items("d") + ",\"next\":\"/ignored\"}")
            .addHeader("Link", "</r?page=1>; rel=\"prev\"")
            .build());

    assertThat(resources(builder().pagination(Pagination.linkHeader())))
        .containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(pages.requested).doesNotContain("/ignored");
  }

  @Test
  void linkHeaderToAnotherOriginIsRefusedAndGetsNoRequest() {
    other.setDispatcher(pages);
    pages.byTarget.put(
        "/r",
        new MockResponse.Builder()
            .body("{\"items\":" + items("a") + "}")
            .addHeader("Link", "<" + other.url("/r?page=2") + ">; rel=\"next\"")
            .build());

    SourceException e = failure(builder().pagination(Pagination.linkHeader()));

    assertThat(e.kind()).isEqualTo(SourceException.Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("Link header");
    assertThat(e.getMessage()).contains("another origin").contains("refused");
    assertThat(other.getRequestCount()).isZero();
  }

  @Test
  void pageTokenIsSentAsQueryParameterUntilItIsEmpty() throws Exception {
    pages.byTarget.put("/r", FakeCloud.json("{\"items\":" + items("a") + ",\"cursor\":\"c2\"}"));
    pages.byTarget.put(
        "/r?token=c2", FakeCloud.json("{\"items\":" + items("b") + ",\"cursor\":\"c/3\"}"));
    pages.byTarget.put(
        "/r?token=c%2F3", FakeCloud.json("{\"items\":" + items("c") + ",\"cursor\":\"\"}"));

    assertThat(resources(builder().pagination(Pagination.pageToken("/cursor", "token"))))
        .containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void repeatedPageTokenIsALoopAndBadData() {
    pages.byTarget.put("/r", FakeCloud.json("{\"items\":" + items("a") + ",\"cursor\":\"x\"}"));
    pages.byTarget.put(
        "/r?token=x", FakeCloud.json("{\"items\":" + items("b") + ",\"cursor\":\"x\"}"));

    SourceException e = failure(builder().pagination(Pagination.pageToken("/cursor", "token")));

    assertThat(e.kind()).isEqualTo(SourceException.Kind.BAD_DATA);
    assertThat(e.jsonPath()).isEqualTo("$.cursor");
    assertThat(e.getMessage()).contains("loops back");
  }

  @Test
  void offsetLimitAsksPageByPageUntilAShortPage() throws Exception {
    pages.byTarget.put(
        "/r?offset=0&limit=2", FakeCloud.json("{\"items\":" + items("a", "b") + "}"));
    pages.byTarget.put(
        "/r?offset=2&limit=2", FakeCloud.json("{\"items\":" + items("c", "d") + "}"));
    pages.byTarget.put("/r?offset=4&limit=2", FakeCloud.json("{\"items\":" + items("e") + "}"));

    assertThat(resources(builder().pagination(Pagination.offsetLimit("offset", "limit", 2))))
        .containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    assertThat(pages.requested).filteredOn(t -> !t.endsWith("/metrics")).hasSize(3);
  }

  @Test
  void offsetLimitStopsAtMaxPages() {
    for (int i = 0; i < 10; i += 1) {
      pages.byTarget.put(
          "/r?offset=" + i + "&limit=1", FakeCloud.json("{\"items\":" + items("r" + i) + "}"));
    }
    SourceException e =
        failure(builder().pagination(Pagination.offsetLimit("offset", "limit", 1)).maxPages(3));
    assertThat(e.getMessage()).contains("more than maxPages=3");
  }

  @Test
  void nextLinkInTheBodyStaysTheDefault() throws Exception {
    pages.byTarget.put("/r", FakeCloud.json("{\"items\":" + items("a") + ",\"next\":\"/r?p=2\"}"));
    pages.byTarget.put("/r?p=2", FakeCloud.json("{\"items\":" + items("b") + ",\"next\":null}"));

    assertThat(resources(builder())).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void resourceFiltersKeepOnlyMatchingResources() throws Exception {
    pages.byTarget.put(
        "/r", FakeCloud.json("{\"items\":" + items("eu-1", "us-1", "eu-2", "us-2") + "}"));

    assertThat(resources(builder().resourceFilter(Matcher.equal("region", "eu-west-1"))))
        .containsExactlyInAnyOrder("eu-1", "eu-2");
    assertThat(
            resources(
                builder()
                    .resourceFilter(Matcher.regex("resource", ".*-2"))
                    .resourceFilter(Matcher.notEqual("region", "eu-west-1"))))
        .containsExactly("us-2");
    assertThat(pages.requested).filteredOn(t -> t.endsWith("/metrics")).hasSize(3);
  }

  @Test
  void buildRejectsPaginationSettingsThatCannotWork() {
    assertThatThrownBy(
            () -> builder().nextPointer("/n").pagination(Pagination.linkHeader()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nextPointer and pagination");
    assertThatThrownBy(
            () ->
                builder()
                    .resourcesPath("/r?limit=5")
                    .pagination(Pagination.offsetLimit("offset", "limit", 5))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("query parameter limit");
    assertThatThrownBy(
            () ->
                builder()
                    .maxResources(10)
                    .pagination(Pagination.offsetLimit("offset", "limit", 50))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("limit=50 exceeds maxResources=10");
    assertThatThrownBy(() -> builder().resourceFilter(Matcher.equal("team", "db")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("names label team, which no resourceLabel sets");
    assertThatThrownBy(() -> Pagination.offsetLimit("o", "o", 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pagination offsetLimit");
    assertThatThrownBy(() -> Pagination.pageToken("/t", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pagination pageToken parameter is blank");
  }

  @Test
  void linkHeaderParsingFollowsRfc8288() {
    assertThat(LinkHeaders.next("<https://a/b?x=1,2>; rel=\"next\""))
        .isEqualTo("https://a/b?x=1,2");
    assertThat(LinkHeaders.next("</p1>; rel=prev, </p3>; title=\"a, b\"; rel=\"NEXT\""))
        .isEqualTo("/p3");
    assertThat(LinkHeaders.next("</p1>; rel=\"nextish\"")).isNull();
    assertThat(LinkHeaders.next("</p1>; rel=\"last\"; rel=\"next\"")).isNull(); // first rel counts
    assertThat(LinkHeaders.next("garbage")).isNull();
  }
}
