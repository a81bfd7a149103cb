package dev.vigil.http;

import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.Sample;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingPollContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quotas and deadlines: the sweep deadline, the request rate limit, bounded concurrency. */
class HttpJsonSourceQuotaTest {
  @StartStop final MockWebServer server = new MockWebServer();
  final FakeCloud cloud = new FakeCloud();
  final RecordingPollContext context = RecordingPollContext.create("cloud", ManualClock.create());
  final List<HttpJsonSource> sources = new ArrayList<>();

  @BeforeEach
  void serveFakeCloud() {
    server.setDispatcher(cloud);
  }

  @AfterEach
  void closeSources() {
    sources.forEach(HttpJsonSource::close);
  }

  HttpJsonSource.Builder builder() {
    return FakeCloud.source(server);
  }

  HttpJsonSource build(HttpJsonSource.Builder builder) {
    HttpJsonSource source = builder.build();
    sources.add(source);
    return source;
  }

  static MockResponse neverAnswers() {
    return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
  }

  /**
   * The acceptance test of the sweep deadline: 5,000 resources, 1% of which never answer. Every
   * sweep ends within the deadline plus a small margin, on at most {@code concurrency} worker
   * threads; the slow resources are reported by name, without a sample (never a zero), and the
   * others are read.
   */
  @Test
  void fiveThousandResourcesWhereOnePercentNeverAnswerEndEachSweepByTheDeadline() throws Exception {
    int n = 5_000;
    String[] ids = new String[n];
    Set<String> slow = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ids[i] = String.format("vm-%05d", i);
      if (i % 100 == 37) slow.add(ids[i]);
    }
    cloud.resources(ids);
    for (String id : slow) cloud.always(metricsPath(id), neverAnswers());
    Duration deadline = Duration.ofSeconds(4);
    int concurrency = 128; // the 50 stalled requests hold 50 of them until the deadline
    HttpJsonSource source =
        build(
            builder()
                .concurrency(concurrency)
                .sweepTimeout(deadline)
                .readTimeout(Duration.ofSeconds(60))
                .callTimeout(Duration.ofSeconds(60)));

    for (int sweep = 0; sweep < 2; sweep++) {
      RecordingPollContext poll = RecordingPollContext.create("cloud", ManualClock.create());
      long start = System.nanoTime();
      List<Sample> samples = source.poll(poll);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("sweep %s took", sweep).isLessThan(deadline.plusMillis(1_000));
      assertThat(vigilHttpThreads()).isLessThanOrEqualTo(concurrency);
      Map<String, Exception> errors = new java.util.HashMap<>();
      for (Map.Entry<String, Exception> e : poll.errors()) errors.put(e.getKey(), e.getValue());
      assertThat(errors.keySet()).as("slow resources are named").containsAll(slow);
      for (String id : slow) {
        SourceException e = (SourceException) errors.get(id);
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("sweep deadline").contains(id);
      }
      assertThat(samples).allSatisfy(s -> assertThat(s.value()).isEqualTo(42.5));
      assertThat(samples).noneMatch(s -> slow.contains(s.resource()));
      assertThat(samples.size() + errors.size()).isEqualTo(n);
      // Most fast resources are read even on a busy 2-core machine; how many depends on its load.
      assertThat(samples.size()).as("fast resources read").isGreaterThan((n - slow.size()) / 2);
    }
  }

  private static long vigilHttpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vigil-http-"))
        .count();
  }

  @Test
  void listingThatDoesNotEndByTheDeadlineFailsThePollAsTimeout() {
    cloud.always("/v1/resources/page-1.json", neverAnswers());
    HttpJsonSource source =
        build(
            builder()
                .sweepTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofSeconds(30))
                .callTimeout(Duration.ofSeconds(30)));
    long start = System.nanoTime();

    SourceException e = catchThrowableOfType(SourceException.class, () -> source.poll(context));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("the listing did not end before the sweep deadline");
  }

  @Test
  void requestsPerSecondSpacesTheRequestsOfASource() throws Exception {
    String[] ids = {"vm-1", "vm-2", "vm-3", "vm-4", "vm-5"};
    cloud.resources(ids);
    ManualTicker ticker = ManualTicker.create();
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    server.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            sentAt.add(ticker.read());
            return cloud.dispatch(request);
          }
        });
    HttpJsonSource source =
        build(
            builder()
                .concurrency(1)
                .requestsPerSecond(4)
                .ticker(ticker)
                .sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos))));

    assertThat(source.poll(context)).hasSize(5);

    assertThat(sentAt).hasSize(6);
    for (int i = 1; i < sentAt.size(); i++) {
      assertThat(sentAt.get(i) - sentAt.get(i - 1)).isEqualTo(Duration.ofMillis(250).toNanos());
    }
  }

  @Test
  void rateLimitWaitPastTheDeadlineIsNotMadeAndTheResourceIsReported() throws Exception {
    cloud.resources("vm-1", "vm-2", "vm-3");
    ManualTicker ticker = ManualTicker.create();
    HttpJsonSource source =
        build(
            builder()
                .concurrency(1)
                .requestsPerSecond(1)
                .sweepTimeout(Duration.ofMillis(2_500))
                .ticker(ticker)
                .sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos))));

    List<Sample> samples = source.poll(context);

    // Slots at 0 s (listing), 1 s, 2 s; the third resource's slot at 3 s is past the deadline.
    assertThat(samples).extracting(Sample::resource).containsExactly("vm-1", "vm-2");
    assertThat(context.errors()).hasSize(1);
    assertThat(context.errors().get(0).getKey()).isEqualTo("vm-3");
    assertThat(((SourceException) context.errors().get(0).getValue()).kind())
        .isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void builderRejectsBadQuotas() {
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class, () -> builder().requestsPerSecond(-1)))
        .hasMessageContaining("requestsPerSecond");
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class, () -> builder().sweepTimeout(Duration.ZERO)))
        .hasMessageContaining("sweepTimeout");
  }
}
