package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.MonitorListener;
import dev.vigil.MonitorStats;
import dev.vigil.ResourceMonitor;
import dev.vigil.Route;
import dev.vigil.Schedule;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Grouping, black-box, in virtual time, after Alertmanager's aggregation groups (<a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#route">route</a>: {@code
 * group_by}, {@code group_wait}, {@code group_interval}; {@code dispatch/dispatch.go} {@code
 * aggrGroup}): a new group waits {@code group_wait} for more alerts, later changes go out at most
 * every {@code group_interval}; 200 resources crossing together are one digest. An {@link
 * dev.vigil.AlertGroupSink} receives the group in one call; a plain sink one notification at a
 * time.
 */
class GroupingTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T10:00:00Z"));
  private final RecordingSink groups = RecordingSink.create();
  private final List<AlertNotification> plain = new CopyOnWriteArrayList<>();
  private final List<AlertGroup> flushed = new CopyOnWriteArrayList<>();
  private final Hosts hosts = new Hosts();

  private ResourceMonitor monitor(Route.Builder route) {
    AlertSink plainSink = plain::add;
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source("cloud", Schedule.every(MINUTE), hosts)
        .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
        .sink("digest", groups)
        .sink("plain", plainSink)
        .listener(
            new MonitorListener() {
              @Override
              public void onGrouped(String sink, AlertGroup group) {
                if (sink.equals("digest")) flushed.add(group);
              }
            })
        .route(route.sinks("digest", "plain").build())
        .build();
  }

  /** Polls at the current time and delivers whatever is due by now. */
  private void poll(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
  }

  private void advance(ResourceMonitor m, Duration d) throws InterruptedException {
    time.advance(d);
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void twoHundredResourcesCrossingTogetherAreOneDigestAfterGroupWait() throws Exception {
    for (int i = 0; i < 200; i++) hosts.set("vm-" + i, 95, "dc", "eu");
    try (ResourceMonitor m =
        monitor(Route.builder().groupBy("alertname").groupWait(Duration.ofSeconds(30)))) {
      poll(m);
      assertThat(groups.notifications()).as("waiting group_wait").isEmpty();
      assertThat(m.stats().sinks().get("digest").waiting()).isEqualTo(200);

      advance(m, Duration.ofSeconds(29));
      assertThat(groups.notifications()).as("still waiting").isEmpty();

      advance(m, Duration.ofSeconds(1));
      assertThat(groups.groups()).hasSize(1);
      AlertGroup digest = groups.groups().get(0);
      assertThat(digest.kind()).isEqualTo(AlertGroup.Kind.GROUP);
      assertThat(digest.notifications())
          .hasSize(200)
          .allMatch(n -> n.status() == AlertStatus.FIRING);
      assertThat(digest.groupLabels()).isEqualTo(Map.of("alertname", "HighCpu"));
      assertThat(digest.groupKey()).isEqualTo("{}:{alertname=\"HighCpu\"}");
      assertThat(digest.at()).isEqualTo(time.now());
      assertThat(plain).as("a plain sink gets the group one notification at a time").hasSize(200);
      assertThat(plain.stream().map(AlertNotification::resource).distinct()).hasSize(200);
      assertThat(m.stats().sinks().get("digest").groups()).isEqualTo(1);
      assertThat(m.stats().sinks().get("digest").grouped()).isEqualTo(200);
      assertThat(m.stats().sinks().get("digest").waiting()).isZero();
    }
  }

  @Test
  void laterChangesGoOutAtMostEveryGroupInterval() throws Exception {
    hosts.set("vm-1", 95);
    try (ResourceMonitor m =
        monitor(
            Route.builder()
                .groupBy("alertname")
                .groupWait(Duration.ofSeconds(30))
                .groupInterval(Duration.ofMinutes(5)))) {
      poll(m);
      advance(m, Duration.ofSeconds(30)); // first flush at 0:30
      assertThat(flushed).hasSize(1);

      advance(m, Duration.ofSeconds(30)); // 1:00
      hosts.set("vm-2", 95);
      poll(m);
      advance(m, MINUTE); // 2:00
      hosts.set("vm-3", 95);
      hosts.cpu("vm-1", 10);
      poll(m);
      advance(m, Duration.ofSeconds(209)); // 5:29
      assertThat(flushed).as("not before group_interval after the last flush").hasSize(1);

      advance(m, Duration.ofSeconds(1)); // 5:30 = 0:30 + 5 min
      assertThat(flushed).hasSize(2);
      assertThat(flushed.get(1).notifications())
          .extracting(n -> n.resource() + " " + n.status())
          .containsExactly("vm-2 FIRING", "vm-3 FIRING", "vm-1 RESOLVED");
      assertThat(flushed.get(1).firing()).isEqualTo(2);
      assertThat(flushed.get(1).resolved()).isEqualTo(1);
      assertThat(flushed.get(1).groupKey()).isEqualTo(flushed.get(0).groupKey());
    }
  }

  @Test
  void groupByKeepsGroupsApartByLabelValue() throws Exception {
    for (int i = 0; i < 3; i++) hosts.set("eu-" + i, 95, "dc", "eu");
    for (int i = 0; i < 2; i++) hosts.set("us-" + i, 95, "dc", "us");
    hosts.set("x-0", 95); // no dc label: grouped without it, as in Alertmanager
    try (ResourceMonitor m = monitor(Route.builder().groupBy("alertname", "dc"))) {
      poll(m);
      advance(m, Duration.ofSeconds(30)); // default group_wait
    }
    assertThat(flushed)
        .extracting(g -> g.groupLabels().getOrDefault("dc", "-") + "=" + g.notifications().size())
        .containsExactlyInAnyOrder("eu=3", "us=2", "-=1");
  }

  @Test
  void aGroupWhoseAlertsAllResolvedStartsOverWithGroupWait() throws Exception {
    hosts.set("vm-1", 95);
    try (ResourceMonitor m =
        monitor(
            Route.builder()
                .groupBy("alertname")
                .groupWait(Duration.ofSeconds(30))
                .groupInterval(Duration.ofMinutes(1)))) {
      poll(m);
      advance(m, Duration.ofSeconds(30));
      hosts.cpu("vm-1", 10);
      poll(m);
      advance(m, MINUTE); // resolution flushed; the group is gone
      assertThat(flushed).hasSize(2);

      hosts.set("vm-2", 95);
      poll(m);
      advance(m, Duration.ofSeconds(29));
      assertThat(flushed).as("a new group waits group_wait again").hasSize(2);
      advance(m, Duration.ofSeconds(1));
      assertThat(flushed).hasSize(3);
    }
  }

  @Test
  void closeDeliversWhatWaitsInGroups() throws Exception {
    for (int i = 0; i < 5; i++) hosts.set("vm-" + i, 95);
    ResourceMonitor m = monitor(Route.builder().groupBy().groupWait(Duration.ofHours(1)));
    poll(m);
    assertThat(groups.notifications()).isEmpty();
    m.close();
    assertThat(groups.groups()).hasSize(1);
    assertThat(groups.notifications()).hasSize(5);
    assertThat(plain).hasSize(5);
  }

  @Test
  void ungroupedChildSendsAtOnceWhileItsParentGroups() throws Exception {
    hosts.set("db-1", 95, "team", "db");
    hosts.set("web-1", 95, "team", "web");
    try (ResourceMonitor m =
        monitor(
            Route.builder()
                .groupBy("alertname")
                .route(
                    Route.builder()
                        .matchers(dev.vigil.Matcher.equal("team", "db"))
                        .ungrouped()
                        .build()))) {
      poll(m);
      assertThat(groups.notifications())
          .extracting(AlertNotification::resource)
          .containsExactly("db-1");
      assertThat(groups.groups()).as("sent alone, not as a group").isEmpty();
      advance(m, Duration.ofSeconds(30));
      assertThat(groups.groups())
          .singleElement()
          .satisfies(
              g ->
                  assertThat(g.notifications())
                      .extracting(AlertNotification::resource)
                      .containsExactly("web-1"));
    }
  }

  @Test
  void aGroupFlushesEarlyOnceItHoldsAQueueWorthSoMemoryStaysBounded() throws Exception {
    for (int i = 0; i < 200; i++) hosts.set("vm-" + i, 95);
    AlertSink plainSink = plain::add;
    try (ResourceMonitor m =
        time.configure(ResourceMonitor.builder())
            .source("cloud", Schedule.every(MINUTE), hosts)
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("digest", groups)
            .sink("plain", plainSink)
            .sinkQueueCapacity(50)
            .route(
                Route.builder()
                    .sinks("digest")
                    .groupBy()
                    .groupWait(Duration.ofHours(1))
                    .route(
                        Route.builder()
                            .matchers(dev.vigil.Matcher.equal("resource", "none"))
                            .sinks("plain")
                            .build())
                    .build())
            .build()) {
      poll(m);
      assertThat(groups.groups())
          .as("no group holds more than a queue's worth, and none waits for group_wait")
          .allSatisfy(g -> assertThat(g.notifications()).hasSize(50));
      MonitorStats.SinkStats stats = m.stats().sinks().get("digest");
      assertThat(stats.waiting()).isZero();
      // The queue holds 50 notifications: a full group queued behind another may push it out,
      // counted; none is lost silently.
      assertThat(stats.delivered() + stats.dropped()).isEqualTo(200);
      assertThat(stats.delivered()).isEqualTo(groups.notifications().size());
    }
  }
}
