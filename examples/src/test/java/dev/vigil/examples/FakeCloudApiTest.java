package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.testing.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FakeCloudApiTest {
  private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
  private static final Pattern ID = Pattern.compile("\"id\":\"(vm-\\d{6})\"");
  private static final Pattern NEXT = Pattern.compile("\"next\":(null|\"([^\"]+)\")");
  private static final Pattern CPU = Pattern.compile("\"cpu_usage\":(\\d+\\.\\d)\\b");

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ManualClock clock = ManualClock.startingAt(T0);

  @Test
  void pagesListResourcesAndLinkTheNextPageExactly() throws Exception {
    try (FakeCloudApi api = api().resources(3).pageSize(2).build().start()) {
      HttpResponse<String> first = get(api, "v1/resources/page-1.json");
      HttpResponse<String> second = get(api, "v1/resources/page-2.json");

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(first.body())
          .isEqualTo(
              "{\"items\":[{\"id\":\"vm-000001\",\"region\":\"eu-west-1\"},"
                  + "{\"id\":\"vm-000002\",\"region\":\"us-east-1\"}],"
                  + "\"next\":\"/v1/resources/page-2.json\"}");
      assertThat(second.body())
          .isEqualTo(
              "{\"items\":[{\"id\":\"vm-000003\",\"region\":\"ap-southeast-2\"}],\"next\":null}");
      assertThat(get(api, "v1/resources/page-3.json").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void followingNextListsEveryResourceOnce() throws Exception {
    try (FakeCloudApi api = api().resources(40).pageSize(10).build().start()) {
      List<String> ids = new ArrayList<>();
      String path = "/v1/resources/page-1.json";
      int pages = 0;
      while (path != null) {
        String body = get(api, path.substring(1)).body();
        pages++;
        Matcher id = ID.matcher(body);
        while (id.find()) ids.add(id.group(1));
        Matcher next = NEXT.matcher(body);
        assertThat(next.find()).as(body).isTrue();
        path = next.group(2);
      }

      assertThat(pages).isEqualTo(4);
      assertThat(ids)
          .hasSize(40)
          .doesNotHaveDuplicates()
          .startsWith("vm-000001")
          .endsWith("vm-000040");
      assertThat(api.requestCount()).isEqualTo(4);
    }
  }

  @Test
  void requestWithoutOrWithWrongTokenIsUnauthorized() throws Exception {
    try (FakeCloudApi api = api().build().start()) {
      HttpResponse<String> none = send(request(api, "v1/resources/page-1.json").build());
      HttpResponse<String> wrong =
          send(
              request(api, "v1/resources/page-1.json")
                  .header("Authorization", "Bearer nope")
                  .build());

      for (HttpResponse<String> response : List.of(none, wrong)) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).startsWith("{\"error\":\"").endsWith("\"}");
      }
    }
  }

  @Test
  void unknownResourceAndUnknownPathAreNotFound() throws Exception {
    try (FakeCloudApi api = api().resources(5).build().start()) {
      HttpResponse<String> resource = get(api, "v1/resources/vm-000006/metrics");
      HttpResponse<String> notAnId = get(api, "v1/resources/db-1/metrics");
      HttpResponse<String> path = get(api, "v2/everything");

      assertThat(resource.statusCode()).isEqualTo(404);
      assertThat(resource.body()).isEqualTo("{\"error\":\"unknown resource: vm-000006\"}");
      assertThat(notAnId.statusCode()).isEqualTo(404);
      assertThat(path.statusCode()).isEqualTo(404);
      assertThat(path.headers().firstValue("Content-Type")).hasValue("application/json");
    }
  }

  @Test
  void metricsBodyCarriesResourceClockTimestampAndValues() throws Exception {
    clock.advance(Duration.ofMillis(1500)); // truncated to whole seconds
    try (FakeCloudApi api = api().cpuPeriod(Duration.ofSeconds(30)).build().start()) {
      clock.advance(Duration.ofSeconds(7));

      HttpResponse<String> response = get(api, "v1/resources/vm-000002/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      Duration elapsed = Duration.ofSeconds(7);
      Duration period = Duration.ofSeconds(30);
      assertThat(response.body())
          .isEqualTo(
              "{\"resource_id\":\"vm-000002\",\"timestamp\":\"2026-11-24T00:00:08Z\","
                  + "\"metrics\":{\"cpu_usage\":"
                  + FakeCloudApi.cpuUsage(2, elapsed, period)
                  + ",\"memory_usage\":"
                  + FakeCloudApi.memoryUsage(2, elapsed, period)
                  + ",\"disk_usage\":"
                  + FakeCloudApi.diskUsage(2, elapsed)
                  + "}}");
      assertThat(response.body())
          .matches(
              ".*\"cpu_usage\":\\d{1,2}\\.\\d,\"memory_usage\":\\d{1,2}\\.\\d,"
                  + "\"disk_usage\":\\d{1,2}\\.\\d}}");
    }
  }

  @Test
  void hotResourceCpuCrossesEightyAndRecoversWithinOnePeriod() throws Exception {
    Duration period = Duration.ofSeconds(30);
    try (FakeCloudApi api = api().resources(10).cpuPeriod(period).build().start()) {
      List<Double> cpu = new ArrayList<>();
      for (int step = 0; step < 60; step++) {
        String body = get(api, "v1/resources/vm-000001/metrics").body();
        Matcher m = CPU.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        cpu.add(Double.parseDouble(m.group(1)));
        clock.advance(period.dividedBy(60));
      }

      int firstHigh = indexOf(cpu, true, 0);
      assertThat(firstHigh).as("cpu over one period: %s", cpu).isNotNegative();
      assertThat(indexOf(cpu, false, firstHigh)).as("recovery: %s", cpu).isNotNegative();
      assertThat(cpu).allSatisfy(v -> assertThat(v).isBetween(0.0, 100.0));
    }
  }

  @Test
  void aboutAFifthOfResourcesPeakAboveEightyAndAllRecoverEachPeriod() {
    Duration period = Duration.ofSeconds(60);
    int peaking = 0;
    for (int index = 1; index <= 40; index++) {
      boolean high = false;
      boolean low = false;
      for (int second = 0; second < 60; second++) {
        double cpu = FakeCloudApi.cpuUsage(index, Duration.ofSeconds(second), period);
        assertThat(cpu).isBetween(0.0, 100.0);
        high |= cpu > 80;
        low |= cpu < 80;
      }
      if (high) peaking++;
      assertThat(low).as("vm %d recovers", index).isTrue();
    }
    assertThat(peaking).isEqualTo(8);
  }

  @Test
  void failNextRequestsAnswersThatManyWithTheStatusThenRecovers() throws Exception {
    try (FakeCloudApi api = api().build().start()) {
      api.failNextRequests(2, 503);

      HttpResponse<String> first = get(api, "v1/resources/page-1.json");
      HttpResponse<String> second = get(api, "v1/resources/vm-000001/metrics");
      HttpResponse<String> third = get(api, "v1/resources/page-1.json");

      assertThat(first.statusCode()).isEqualTo(503);
      assertThat(first.body()).startsWith("{\"error\":");
      assertThat(second.statusCode()).isEqualTo(503);
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(api.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void closeStopsTheServerAndItsThreads() throws Exception {
    FakeCloudApi api = api().build().start();
    assertThat(get(api, "v1/resources/page-1.json").statusCode()).isEqualTo(200);

    api.close();
    api.close(); // idempotent

    assertThatThrownBy(() -> send(request(api, "v1/resources/page-1.json").build()))
        .isInstanceOf(IOException.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("fake-cloud-")) {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("fake-cloud-") && t.isAlive());
  }

  @Test
  void startTwiceOrAfterCloseIsRejectedAndServerThreadsAreDaemons() throws Exception {
    FakeCloudApi api = api().build();
    assertThatThrownBy(api::baseUrl).isInstanceOf(IllegalStateException.class);
    api.start();
    assertThat(api.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().equals("HTTP-Dispatcher"))
        .isNotEmpty()
        .allMatch(Thread::isDaemon);
    assertThatThrownBy(api::start).isInstanceOf(IllegalStateException.class);
    api.close();
    assertThatThrownBy(api::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderRejectsBadSettingsAtOnce() {
    FakeCloudApi.Builder builder = FakeCloudApi.builder();

    assertThatThrownBy(() -> builder.token(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.resources(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> builder.pageSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.cpuPeriod(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.build().failNextRequests(1, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200");
  }

  private FakeCloudApi.Builder api() {
    return FakeCloudApi.builder().token("demo-token").clock(clock);
  }

  private static int indexOf(List<Double> values, boolean above, int from) {
    for (int i = from; i < values.size(); i++) {
      if (above ? values.get(i) > 80 : values.get(i) < 80) return i;
    }
    return -1;
  }

  private HttpResponse<String> get(FakeCloudApi api, String path) throws Exception {
    return send(request(api, path).header("Authorization", "Bearer demo-token").build());
  }

  private static HttpRequest.Builder request(FakeCloudApi api, String path) {
    return HttpRequest.newBuilder(URI.create(api.baseUrl() + path)).timeout(Duration.ofSeconds(5));
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
