package dev.vigil.http;

import static dev.vigil.http.FakeCloud.metricsPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.Alert;
import dev.vigil.AlertRule;
import dev.vigil.MonitorListener;
import dev.vigil.ResourceMonitor;
import dev.vigil.Sample;
import dev.vigil.Schedule;
import dev.vigil.SourceException;
import dev.vigil.SourceException.Kind;
import dev.vigil.testing.ManualClock;
import dev.vigil.testing.ManualTicker;
import dev.vigil.testing.RecordingPollContext;
import dev.vigil.testing.RecordingSink;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.jspecify.annotations.Nullable;
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
   * The acceptance test of the sweep deadline, through a real monitor: 5,000 resources, 1% of which
   * never answer. Every sweep ends within the deadline plus a small margin; the slow resources are
   * reported one by one (each a {@code TIMEOUT} naming it, without a sample: never a zero) and
   * named in the source's {@code SourceHealth} alert; the others are read and evaluated.
   *
   * <p>Bounded resources, sampled every second while the sweeps run: at most {@code concurrency}
   * {@code vigil-http} threads, and a heap in use after a full GC at most {@link #SWEEP_HEAP_BOUND}
   * above what it was before the first sweep. The bound is generous on purpose: by the formula of
   * {@code docs/http.md} the source itself holds about 5 MiB in flight here (128 requests × 32 KiB
   * of buffers, plus the listing of 5,000 resources), and the same heap holds what the test's side
   * keeps: MockWebServer's queue of the sweep's 5,000 recorded requests (drained after each sweep),
   * its 128 connection threads, the samples and the per-resource errors with their stack traces.
   * What it rules out is a sweep whose memory grows with the bodies or the requests made (a tree
   * per body, a task and {@code Future} per resource kept to the end, a leak from one sweep into
   * the next).
   */
  @Test
  void fiveThousandResourcesWhereOnePercentNeverAnswerEndEachSweepByTheDeadline() throws Exception {
    int n = 5_000;
    String[] ids = new String[n];
    Set<String> slow = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids[i] = String.format(Locale.ROOT, "vm-%05d", i);
      if (i % 100 == 37) slow.add(ids[i]);
    }
    cloud.recordRequests = false;
    cloud.resources(ids);
    for (String id : slow) cloud.always(metricsPath(id), neverAnswers());
    Duration deadline = Duration.ofSeconds(4);
    int concurrency = 128; // the 50 stalled requests hold 50 of them until the deadline
    HttpJsonSource source =
        builder()
            .concurrency(concurrency)
            .sweepTimeout(deadline)
            .readTimeout(Duration.ofSeconds(60))
            .callTimeout(Duration.ofSeconds(60))
            .build();
    Map<String, Throwable> resourceErrors = new ConcurrentHashMap<>();
    List<Duration> pollTook = new CopyOnWriteArrayList<>();
    MonitorListener listener =
        new MonitorListener() {
          @Override
          public void onSourceError(String name, @Nullable String resource, Throwable error) {
            if (resource != null) resourceErrors.put(resource, error);
          }

          @Override
          public void onPollSucceeded(String name, int samples, Duration took) {
            pollTook.add(took);
          }
        };
    RecordingSink sink = RecordingSink.create();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    AtomicLong maxHeap = new AtomicLong();
    AtomicLong maxThreads = new AtomicLong();
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heap-sampler");
              t.setDaemon(true);
              return t;
            });
    try (ResourceMonitor monitor =
        ResourceMonitor.builder()
            .source("cloud", Schedule.every(Duration.ofMinutes(1)), source)
            .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
            .sink("rec", sink)
            .listener(listener)
            .build()) {
      sampler.scheduleAtFixedRate(
          () -> {
            memory.gc();
            maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            maxThreads.accumulateAndGet(HttpJsonSourceTest.vigilHttpThreads().size(), Math::max);
          },
          0,
          1,
          TimeUnit.SECONDS);
      for (int sweep = 0; sweep < 2; sweep++) {
        resourceErrors.clear();
        long start = System.nanoTime();
        monitor.pollNow();
        Duration withEvaluation = Duration.ofNanos(System.nanoTime() - start);
        while (server.takeRequest(0, TimeUnit.SECONDS) != null) {
          // drained: MockWebServer keeps every request it served
        }

        // The source's poll as the monitor timed it; then the monitor evaluates 5,000 samples.
        assertThat(pollTook).hasSize(sweep + 1);
        assertThat(pollTook.get(sweep))
            .as("sweep %s took", sweep)
            .isLessThan(deadline.plusMillis(1_000));
        assertThat(withEvaluation).isLessThan(deadline.plusMillis(3_000));
        assertThat(HttpJsonSourceTest.vigilHttpThreads()).hasSizeLessThanOrEqualTo(concurrency);
        assertThat(resourceErrors.keySet()).as("slow resources reported").containsAll(slow);
        for (String id : slow) {
          SourceException e = (SourceException) resourceErrors.get(id);
          assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
          assertThat(e.getMessage()).contains("sweep deadline").contains(id);
        }
        Alert health =
            monitor.activeAlerts().stream()
                .filter(a -> a.rule().equals("SourceHealth"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no SourceHealth alert"));
        List<String> firstSlow = new ArrayList<>(slow).subList(0, 10);
        int late = resourceErrors.size();
        assertThat(health.labels()).containsEntry("cause", "timeout");
        assertThat(health.summary())
            .as("the health alert names the slow resources")
            .startsWith(
                "Source cloud is failing (timeout): sweep deadline (sweepTimeout=PT4S) passed: "
                    + late
                    + " of 5000 resources did not answer: ")
            .contains(String.join(", ", firstSlow) + ", ... (and " + (late - 10) + " more)");
        // Most fast resources are read even on a busy 2-core machine; how many depends on its load.
        assertThat(n - late).as("fast resources read").isGreaterThan((n - slow.size()) / 2);
      }
      assertThat(monitor.activeAlerts())
          .as("the fast resources were evaluated: none is above 80%, so only the health alert")
          .extracting(Alert::rule)
          .containsExactly("SourceHealth");
      assertThat(monitor.stats().sources().get("cloud").polls()).isEqualTo(2);
    } finally {
      sampler.shutdownNow();
      assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(maxThreads.get()).as("vigil-http threads at most").isLessThanOrEqualTo(concurrency);
    long grew = maxHeap.get() - heapBefore;
    assertThat(grew)
        .as("heap in use after GC while sweeping, above the %s MiB before", heapBefore >> 20)
        .isLessThan(SWEEP_HEAP_BOUND);
  }

  /** The most the heap in use after GC may grow while sweeping 5,000 resources; see above. */
  static final long SWEEP_HEAP_BOUND = 64L << 20;

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
