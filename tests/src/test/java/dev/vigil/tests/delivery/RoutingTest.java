package dev.vigil.tests.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.Matcher;
import dev.vigil.NotificationType;
import dev.vigil.ResourceMonitor;
import dev.vigil.Route;
import dev.vigil.Schedule;
import dev.vigil.Severity;
import dev.vigil.testing.RecordingSink;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing tree, black-box, in virtual time, with the semantics of Alertmanager's <a
 * href="https://prometheus.io/docs/alerting/latest/configuration/#route">route</a> ({@code
 * dispatch/route.go} {@code Route.Match}): a notification enters the first child whose matchers
 * match, goes on to the next siblings only with {@code continue}, and stays at the parent when no
 * child takes it; settings not set on a child are inherited. Plus what Vigil keeps per sink: a
 * RESOLVED goes to every sink that heard the alert open, also when the alert moved to another
 * route, and reminders follow each route's {@code repeat_interval}.
 */
class RoutingTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final VirtualTime time = VirtualTime.startingAt(Instant.parse("2026-11-24T10:00:00Z"));
  private final RecordingSink email = RecordingSink.create();
  private final RecordingSink pager = RecordingSink.create();
  private final RecordingSink db = RecordingSink.create();
  private final Hosts hosts = new Hosts();

  private ResourceMonitor.Builder monitor(Route route) {
    return time.configure(ResourceMonitor.builder())
        .deliveryBackoff(Duration.ZERO, Duration.ZERO)
        .source("cloud", Schedule.every(MINUTE), hosts)
        .rule(
            AlertRule.builder("HighCpu")
                .metric("cpu")
                .above(80)
                .severity(Severity.WARNING)
                .criticalAbove(95)
                .build())
        .sink("email", email)
        .sink("pager", pager)
        .sink("db", db)
        .route(route);
  }

  private void step(ResourceMonitor m) throws InterruptedException {
    m.pollNow();
    assertThat(m.flush(Duration.ofSeconds(5))).isTrue();
    time.advance(MINUTE);
  }

  private static List<String> heard(RecordingSink sink) {
    return sink.notifications().stream().map(RoutingTest::describe).toList();
  }

  private static String describe(AlertNotification n) {
    return n.resource() + " " + n.type() + " " + n.severity();
  }

  /** Critical to the pager and on (continue); team=db to the db sink; the rest stays at root. */
  private static Route tree(boolean continueAfterPager) {
    return Route.builder()
        .sinks("email")
        .route(
            Route.builder()
                .matchers(Matcher.equal("severity", "critical"))
                .sinks("pager")
                .continueMatching(continueAfterPager)
                .build())
        .route(Route.builder().matchers(Matcher.equal("team", "db")).sinks("db").build())
        .build();
  }

  @Test
  void firstMatchingChildTakesItContinueGoesOnAndTheRootTakesTheRest() throws Exception {
    hosts.set("db-1", 99, "team", "db"); // critical, team db
    hosts.set("web-1", 99, "team", "web"); // critical, team web
    hosts.set("db-2", 85, "team", "db"); // warning, team db
    hosts.set("web-2", 85, "team", "web"); // warning, team web
    try (ResourceMonitor m = monitor(tree(true)).build()) {
      step(m);
    }
    assertThat(heard(pager))
        .containsExactlyInAnyOrder("db-1 FIRING CRITICAL", "web-1 FIRING CRITICAL");
    assertThat(heard(db)).containsExactlyInAnyOrder("db-1 FIRING CRITICAL", "db-2 FIRING WARNING");
    // The root only takes what no child took.
    assertThat(heard(email)).containsExactly("web-2 FIRING WARNING");
  }

  @Test
  void withoutContinueTheFirstMatchingChildEndsTheSearch() throws Exception {
    hosts.set("db-1", 99, "team", "db");
    try (ResourceMonitor m = monitor(tree(false)).build()) {
      step(m);
    }
    assertThat(heard(pager)).containsExactly("db-1 FIRING CRITICAL");
    assertThat(db.notifications()).isEmpty();
    assertThat(email.notifications()).isEmpty();
  }

  @Test
  void resolvedGoesToEverySinkThatHeardTheAlertOpenAndToNoOther() throws Exception {
    hosts.set("web-1", 85, "team", "web");
    try (ResourceMonitor m = monitor(tree(false)).build()) {
      step(m); // warning: root -> email
      hosts.cpu("web-1", 99);
      step(m); // critical now: the pager route takes it; the pager never heard it fire
      hosts.cpu("web-1", 10);
      step(m); // resolved
    }
    assertThat(heard(email)).containsExactly("web-1 FIRING WARNING", "web-1 RESOLVED CRITICAL");
    assertThat(heard(pager))
        .as("a sink that never heard the alert fire hears FIRING, not a severity change")
        .containsExactly("web-1 FIRING CRITICAL", "web-1 RESOLVED CRITICAL");
    assertThat(db.notifications()).as("never routed there").isEmpty();
  }

  @Test
  void sendResolvedFalseKeepsResolutionsFromThatRouteOnly() throws Exception {
    Route route =
        Route.builder()
            .sinks("email")
            .route(
                Route.builder()
                    .matchers(Matcher.equal("team", "db"))
                    .sinks("db", "pager")
                    .sendResolved(false)
                    .build())
            .build();
    hosts.set("db-1", 85, "team", "db");
    hosts.set("web-1", 85, "team", "web");
    try (ResourceMonitor m = monitor(route).build()) {
      step(m);
      hosts.cpu("db-1", 10);
      hosts.cpu("web-1", 10);
      step(m);
    }
    assertThat(heard(db)).containsExactly("db-1 FIRING WARNING");
    assertThat(heard(pager)).containsExactly("db-1 FIRING WARNING");
    assertThat(heard(email)).containsExactly("web-1 FIRING WARNING", "web-1 RESOLVED WARNING");
  }

  /** Alertmanager's {@code repeat_interval} is a route setting; children inherit it. */
  @Test
  void remindersFollowEachRoutesRepeatInterval() throws Exception {
    Route route =
        Route.builder()
            .sinks("email")
            .repeatInterval(Duration.ofMinutes(30))
            .route(
                Route.builder()
                    .matchers(Matcher.equal("team", "db"))
                    .sinks("db")
                    .continueMatching(true)
                    .build()) // inherits 30 min
            .route(
                Route.builder()
                    .matchers(Matcher.equal("team", "db"))
                    .sinks("pager")
                    .repeatInterval(Duration.ofMinutes(10))
                    .build())
            .build();
    hosts.set("db-1", 85, "team", "db");
    try (ResourceMonitor m = monitor(route).build()) {
      for (int i = 0; i <= 60; i++) step(m); // minutes 0..60
    }
    assertThat(db.ofType(NotificationType.REMINDER)).hasSize(2); // 30, 60
    assertThat(pager.ofType(NotificationType.REMINDER)).hasSize(6); // 10, 20, ... 60
    assertThat(db.ofType(NotificationType.FIRING)).hasSize(1);
    assertThat(pager.ofType(NotificationType.FIRING)).hasSize(1);
    assertThat(email.notifications()).as("both children took it").isEmpty();
  }

  @Test
  void aMonitorWithoutRoutesSendsEverythingToEverySink() throws Exception {
    hosts.set("db-1", 99, "team", "db");
    try (ResourceMonitor m =
        time.configure(ResourceMonitor.builder())
            .source("cloud", Schedule.every(MINUTE), hosts)
            .rule(AlertRule.builder("HighCpu").metric("cpu").above(80).build())
            .sink("email", email)
            .sink("pager", pager)
            .build()) {
      step(m);
    }
    assertThat(email.notifications()).hasSize(1);
    assertThat(pager.notifications()).hasSize(1);
  }

  @Test
  void buildRejectsRoutesThatCannotWork() {
    assertThatThrownBy(() -> monitor(Route.builder().sinks("emial").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sink \"emial\", which is not registered")
        .hasMessageContaining("sink(\"emial\", ...)");
    assertThatThrownBy(() -> monitor(Route.builder().sinks("email", "pager").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sink \"db\" is on no route");
    assertThatThrownBy(
            () ->
                monitor(
                        Route.builder()
                            .matchers(Matcher.equal("team", "db"))
                            .sinks("email", "pager", "db")
                            .build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("root route takes every notification and has no matchers");
    assertThatThrownBy(
            () ->
                monitor(
                        Route.builder()
                            .route(Route.builder().sinks("email", "pager", "db").build())
                            .build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("root route names no sink");
    assertThatThrownBy(
            () ->
                monitor(tree(true))
                    .sinkBudget("pagr", 20, Duration.ofHours(1))
                    .route(Route.builder().sinks("email").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("route already set");
    assertThatThrownBy(
            () -> monitor(tree(true)).sinkBudget("pagr", 20, Duration.ofHours(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sinkBudget names sink \"pagr\"");
  }
}
