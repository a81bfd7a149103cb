package dev.vigil;

import dev.vigil.internal.Loggers;
import dev.vigil.internal.Throwables;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Wraps the host's listener so that a listener that throws never breaks the monitor. */
final class SafeListener implements MonitorListener {
  private static final Logger log = Loggers.LISTENER;
  private final MonitorListener delegate;

  SafeListener(MonitorListener delegate) {
    this.delegate = delegate;
  }

  private void failed(String method, Throwable t) {
    Throwables.rethrowIfFatal(t);
    log.warn("MonitorListener.{} threw; ignored", method, t);
  }

  @Override
  public void onPollSucceeded(String source, int samples, Duration took) {
    try {
      delegate.onPollSucceeded(source, samples, took);
    } catch (Throwable t) {
      failed("onPollSucceeded", t);
    }
  }

  @Override
  public void onSourceError(String source, @Nullable String resource, Throwable error) {
    try {
      delegate.onSourceError(source, resource, error);
    } catch (Throwable t) {
      failed("onSourceError", t);
    }
  }

  @Override
  public void onTickSkipped(String source) {
    try {
      delegate.onTickSkipped(source);
    } catch (Throwable t) {
      failed("onTickSkipped", t);
    }
  }

  @Override
  public void onRuleError(String rule, Throwable error) {
    try {
      delegate.onRuleError(rule, error);
    } catch (Throwable t) {
      failed("onRuleError", t);
    }
  }

  @Override
  public void onUnreportedMetric(String rule, String metric, Set<String> seen) {
    try {
      delegate.onUnreportedMetric(rule, metric, seen);
    } catch (Throwable t) {
      failed("onUnreportedMetric", t);
    }
  }

  @Override
  public void onNotification(AlertNotification notification) {
    try {
      delegate.onNotification(notification);
    } catch (Throwable t) {
      failed("onNotification", t);
    }
  }

  @Override
  public void onSuppressed(AlertNotification notification, String reason) {
    try {
      delegate.onSuppressed(notification, reason);
    } catch (Throwable t) {
      failed("onSuppressed", t);
    }
  }

  @Override
  public void onMuted(String sink, AlertNotification notification, String reason) {
    try {
      delegate.onMuted(sink, notification, reason);
    } catch (Throwable t) {
      failed("onMuted", t);
    }
  }

  @Override
  public void onGrouped(String sink, AlertGroup group) {
    try {
      delegate.onGrouped(sink, group);
    } catch (Throwable t) {
      failed("onGrouped", t);
    }
  }

  @Override
  public void onHeldBack(String sink, AlertNotification notification) {
    try {
      delegate.onHeldBack(sink, notification);
    } catch (Throwable t) {
      failed("onHeldBack", t);
    }
  }

  @Override
  public void onDelivered(String sink, AlertNotification notification) {
    try {
      delegate.onDelivered(sink, notification);
    } catch (Throwable t) {
      failed("onDelivered", t);
    }
  }

  @Override
  public void onDeliveryFailed(
      String sink, AlertNotification notification, Throwable error, boolean willRetry) {
    try {
      delegate.onDeliveryFailed(sink, notification, error, willRetry);
    } catch (Throwable t) {
      failed("onDeliveryFailed", t);
    }
  }

  @Override
  public void onDropped(String sink, AlertNotification notification, String reason) {
    try {
      delegate.onDropped(sink, notification, reason);
    } catch (Throwable t) {
      failed("onDropped", t);
    }
  }

  @Override
  public void onDeadLetter(String sink, AlertNotification notification, Throwable cause) {
    try {
      delegate.onDeadLetter(sink, notification, cause);
    } catch (Throwable t) {
      failed("onDeadLetter", t);
    }
  }
}
