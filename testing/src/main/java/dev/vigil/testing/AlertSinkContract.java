package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.AlertGroup;
import dev.vigil.AlertGroupSink;
import dev.vigil.AlertNotification;
import dev.vigil.AlertSink;
import dev.vigil.AlertStatus;
import dev.vigil.PermanentDeliveryException;
import dev.vigil.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AlertSink} keeps, as tests that a sink's own test class inherits (like
 * Micrometer's {@code HttpSenderCompatibilityKit}): it delivers one notification and one group,
 * tells transient from permanent failures ({@link PermanentDeliveryException} only when retrying
 * cannot help), survives {@code close()} from many threads at once, and never leaks a secret into
 * an exception (message, causes, stack trace text) or {@code toString()}.
 *
 * <pre>{@code
 * class MySinkContractTest extends AlertSinkContract {
 *   @StartStop final MockWebServer server = new MockWebServer();
 *
 *   protected AlertSink newSink() { return MySink.builder().url(server.url("/").toString()).build(); }
 *   protected void nextDelivery(Outcome o) { server.enqueue(new MockResponse.Builder()
 *       .code(switch (o) { case ACCEPT -> 200; case TRANSIENT -> 503; case PERMANENT -> 400; })
 *       .build()); }
 *   protected int accepted() { return acceptedCount; }
 * }
 * }</pre>
 *
 * <p>Each test makes a sink with {@link #newSink()} and closes it afterwards. Not thread safe;
 * JUnit runs the tests of one instance one at a time.
 */
public abstract class AlertSinkContract {
  /** What the receiver does with the next delivery attempt (or all attempts of one delivery). */
  public enum Outcome {
    /** Accepts it: an HTTP 2xx, an SMTP 250. */
    ACCEPT,
    /** Fails in a way worth retrying: an HTTP 503, an SMTP 451, a refused connection. */
    TRANSIENT,
    /** Refuses it for good: an HTTP 400, an SMTP 550. */
    PERMANENT
  }

  private final List<AlertSink> made = new ArrayList<>();

  /** Creates the sink under test, connected to the receiver this class controls. */
  protected abstract AlertSink newSink() throws Exception;

  /**
   * Makes the receiver treat every attempt of the next delivery as {@code outcome}; a sink that may
   * retry within one call ({@code Retry-After}) must see the same outcome each time.
   */
  protected abstract void nextDelivery(Outcome outcome) throws Exception;

  /** How many deliveries (messages, requests, events) the receiver has accepted so far. */
  protected abstract int accepted() throws Exception;

  /**
   * Strings that must never appear in an exception or {@code toString()}: passwords, tokens, the
   * secret parts of URLs. Empty by default.
   */
  protected Set<String> secrets() {
    return Set.of();
  }

  /** False for a sink that cannot fail (a log); the failure tests are then skipped. */
  protected boolean canFail() {
    return true;
  }

  /**
   * How many accepted deliveries one group makes at the receiver: 1 for an {@link AlertGroupSink}
   * (one email, one message), the group's size for a sink that sends each alert on its own.
   */
  protected int deliveriesPerGroup(AlertGroup group, AlertSink sink) {
    return sink instanceof AlertGroupSink ? 1 : group.notifications().size();
  }

  /** The firing notification the tests deliver. */
  protected AlertNotification notification() {
    return notification("vm-000001", AlertStatus.FIRING);
  }

  /** The group the tests deliver: two firing alerts and one resolved. */
  protected AlertGroup group() {
    List<AlertNotification> ns =
        List.of(
            notification("vm-000001", AlertStatus.FIRING),
            notification("vm-000002", AlertStatus.FIRING),
            notification("vm-000003", AlertStatus.RESOLVED));
    return new AlertGroup(
        AlertGroup.Kind.GROUP,
        "{}:{alertname=\"HighCpu\"}",
        Map.of("alertname", "HighCpu"),
        ns,
        Instant.parse("2026-11-24T00:10:00Z"));
  }

  /** A notification about {@code resource} of rule {@code HighCpu}. */
  protected static AlertNotification notification(String resource, AlertStatus status) {
    Instant startsAt = Instant.parse("2026-11-24T00:00:00Z");
    return new AlertNotification(
        "HighCpu",
        status,
        Severity.WARNING,
        resource,
        Map.of("alertname", "HighCpu", "resource", resource, "severity", "warning", "team", "ops"),
        "CPU usage on " + resource + " is 92.4%",
        92.4,
        80,
        startsAt,
        status == AlertStatus.RESOLVED ? startsAt.plusSeconds(300) : null,
        "fp-" + resource);
  }

  private AlertSink sink() throws Exception {
    AlertSink s = newSink();
    made.add(s);
    return s;
  }

  @AfterEach
  void closeSinks() throws Exception {
    for (AlertSink s : made) s.close();
    made.clear();
  }

  @Test
  void deliversOneNotification() throws Exception {
    AlertSink sink = sink();
    int before = accepted();
    nextDelivery(Outcome.ACCEPT);
    sink.deliver(notification());
    assertEquals(before + 1, accepted(), "deliveries the receiver accepted");
  }

  @Test
  void deliversOneGroup() throws Exception {
    AlertSink sink = sink();
    AlertGroup group = group();
    int expected = deliveriesPerGroup(group, sink);
    int before = accepted();
    if (sink instanceof AlertGroupSink g) {
      for (int i = 0; i < expected; i++) nextDelivery(Outcome.ACCEPT);
      g.deliverGroup(group);
    } else {
      for (AlertNotification n : group.notifications()) {
        nextDelivery(Outcome.ACCEPT);
        sink.deliver(n);
      }
    }
    assertEquals(before + expected, accepted(), "deliveries the receiver accepted for a group");
  }

  @Test
  void transientFailureIsRetryable() throws Exception {
    assumeTrue(canFail(), "this sink cannot fail");
    AlertSink sink = sink();
    nextDelivery(Outcome.TRANSIENT);
    Exception e = assertThrows(Exception.class, () -> sink.deliver(notification()));
    assertFalse(
        e instanceof PermanentDeliveryException, "a transient failure must not be permanent: " + e);
    assertNoSecrets(e, sink);
  }

  @Test
  void permanentFailureIsNotRetried() throws Exception {
    assumeTrue(canFail(), "this sink cannot fail");
    AlertSink sink = sink();
    nextDelivery(Outcome.PERMANENT);
    Exception e = assertThrows(Exception.class, () -> sink.deliver(notification()));
    assertInstanceOf(PermanentDeliveryException.class, e, "a permanent failure");
    assertNoSecrets(e, sink);
  }

  @Test
  void deliversAgainAfterATransientFailure() throws Exception {
    assumeTrue(canFail(), "this sink cannot fail");
    AlertSink sink = sink();
    nextDelivery(Outcome.TRANSIENT);
    assertThrows(Exception.class, () -> sink.deliver(notification()));
    int before = accepted();
    nextDelivery(Outcome.ACCEPT);
    sink.deliver(notification());
    assertEquals(before + 1, accepted(), "the retry was accepted");
  }

  @Test
  void closeIsIdempotentAndThreadSafe() throws Exception {
    AlertSink sink = sink();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  sink.close();
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  done.countDown();
                }
              },
              "contract-close-" + i);
      t.setDaemon(true);
      t.start();
    }
    start.countDown();
    if (!done.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("close() from " + threads + " threads did not return within " + Await.TIMEOUT);
    }
    assertTrue(errors.isEmpty(), "close() threw: " + errors);
    sink.close();
  }

  @Test
  void toStringHoldsNoSecret() throws Exception {
    AlertSink sink = sink();
    String text = String.valueOf(sink);
    for (String s : secrets()) assertFalse(text.contains(s), "toString() shows a secret: " + text);
  }

  /** Fails if a secret appears in {@code e}'s stack trace text (all causes) or in the sink. */
  protected final void assertNoSecrets(Throwable e, @Nullable AlertSink sink) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    String text = trace + "\n" + sink;
    for (String s : secrets()) {
      assertFalse(text.contains(s), "a secret leaked into:\n" + text);
    }
  }
}
