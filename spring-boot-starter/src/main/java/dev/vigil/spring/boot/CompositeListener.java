package dev.vigil.spring.boot;

import dev.vigil.AlertGroup;
import dev.vigil.AlertNotification;
import dev.vigil.MonitorListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every {@link MonitorListener} bean, in order; one that throws is logged and does not keep
 * the others from hearing the event.
 */
final class CompositeListener implements MonitorListener {
  private static final Logger log = LoggerFactory.getLogger(CompositeListener.class);

  private final List<MonitorListener> listeners;

  private CompositeListener(List<MonitorListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** {@link MonitorListener#NONE} for none, the listener itself for one, else a composite. */
  static MonitorListener of(List<MonitorListener> listeners) {
    if (listeners.isEmpty()) return MonitorListener.NONE;
    if (listeners.size() == 1) return listeners.get(0);
    return new CompositeListener(listeners);
  }

  private void safely(Consumer<MonitorListener> event) {
    for (MonitorListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        log.warn("Vigil MonitorListener {} threw; the other listeners are still told", l, e);
      }
    }
  }

  @Override
  public void onPollSucceeded(String source, int samples, Duration took) {
    safely(l -> l.onPollSucceeded(source, samples, took));
  }

  @Override
  public void onSourceError(String source, @Nullable String resource, Throwable error) {
    safely(l -> l.onSourceError(source, resource, error));
  }

  @Override
  public void onTickSkipped(String source) {
    safely(l -> l.onTickSkipped(source));
  }

  @Override
  public void onRuleError(String rule, Throwable error) {
    safely(l -> l.onRuleError(rule, error));
  }

  @Override
  public void onUnreportedMetric(String rule, String metric, Set<String> seen) {
    safely(l -> l.onUnreportedMetric(rule, metric, seen));
  }

  @Override
  public void onNotification(AlertNotification notification) {
    safely(l -> l.onNotification(notification));
  }

  @Override
  public void onSuppressed(AlertNotification notification, String reason) {
    safely(l -> l.onSuppressed(notification, reason));
  }

  @Override
  public void onMuted(String sink, AlertNotification notification, String reason) {
    safely(l -> l.onMuted(sink, notification, reason));
  }

  @Override
  public void onGrouped(String sink, AlertGroup group) {
    safely(l -> l.onGrouped(sink, group));
  }

  @Override
  public void onHeldBack(String sink, AlertNotification notification) {
    safely(l -> l.onHeldBack(sink, notification));
  }

  @Override
  public void onDelivered(String sink, AlertNotification notification) {
    safely(l -> l.onDelivered(sink, notification));
  }

  @Override
  public void onDeliveryFailed(
      String sink, AlertNotification notification, Throwable error, boolean willRetry) {
    safely(l -> l.onDeliveryFailed(sink, notification, error, willRetry));
  }

  @Override
  public void onDropped(String sink, AlertNotification notification, String reason) {
    safely(l -> l.onDropped(sink, notification, reason));
  }

  @Override
  public void onDeadLetter(String sink, AlertNotification notification, Throwable cause) {
    safely(l -> l.onDeadLetter(sink, notification, cause));
  }

  @Override
  public String toString() {
    return "CompositeListener" + listeners;
  }
}
