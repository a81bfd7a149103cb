package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Loggers;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The delivery side: takes the engine's {@link Evaluation}s, in their order, through the mute
 * stages ({@link Suppressor}), then per sink through its {@link NotificationLog}, into the sink's
 * queue ({@link SinkDispatcher}). It never calls the engine: the data path reads one way, {@code
 * Evaluator -> Evaluation -> Delivery -> Suppressor (mute stages) -> NotificationLog (per sink) ->
 * SinkDispatcher (queue, retry) -> AlertSink}.
 *
 * <p>Evaluations may arrive from several poll threads at once; each is handed on only after every
 * one numbered before it (their {@link Evaluation#sequence()}), so a RESOLVED never overtakes its
 * FIRING. Thread safe.
 */
final class Delivery {
  private static final Logger log = Loggers.DELIVERY;

  /** Past this many evaluations waiting for an earlier one, the missing one is given up. */
  private static final int MAX_WAITING = 1_000;

  /**
   * One sink's log and queue. A monitor without sinks keeps one lane without a dispatcher, so that
   * the listener still hears what would have been sent.
   */
  private record Lane(@Nullable SinkDispatcher dispatcher, NotificationLog log) {}

  private final Suppressor suppressor;
  private final MonitorListener listener;
  private final List<Lane> lanes;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition handed = lock.newCondition();
  private final TreeMap<Long, Evaluation> waiting = new TreeMap<>();
  private long next = 1;

  Delivery(Suppressor suppressor, List<SinkDispatcher> sinks, MonitorListener listener) {
    this.suppressor = requireNonNull(suppressor, "suppressor == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.lanes =
        sinks.isEmpty()
            ? List.of(new Lane(null, new NotificationLog()))
            : sinks.stream().map(d -> new Lane(d, new NotificationLog())).toList();
  }

  /** Hands {@code evaluation} on, after every evaluation numbered before it. Never blocks long. */
  void accept(Evaluation evaluation) {
    lock.lock();
    try {
      waiting.put(evaluation.sequence(), evaluation);
      if (waiting.size() > MAX_WAITING) {
        long first = waiting.firstKey();
        log.warn("Evaluations {} to {} never arrived; delivery goes on without them", next, first);
        next = first;
      }
      Evaluation e;
      while ((e = waiting.remove(next)) != null) {
        next++;
        process(e);
      }
      handed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every evaluation numbered up to {@code sequence} was handed on, or the deadline (a
   * {@link System#nanoTime()} reading) passes.
   */
  boolean awaitHanded(long sequence, long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (next <= sequence) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) return false;
        handed.await(remaining, TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void process(Evaluation e) {
    Instant now = e.at();
    List<ActiveAlert> active = e.active();
    for (AlertNotification n : e.notifications()) {
      MuteStage.Muted muted = suppressor.check(n, now, active);
      Outcome outcome = new Outcome();
      for (Lane lane : lanes) outcome.add(lane, lane.log.onTransition(n, muted, now));
      outcome.finish();
    }
    Set<String> open = new HashSet<>();
    for (ActiveAlert a : active) {
      open.add(a.fingerprint());
      if (!a.firing()) continue;
      MuteOnce mute = new MuteOnce(now, active);
      Outcome outcome = new Outcome();
      for (Lane lane : lanes) {
        NotificationLog.Decision d = lane.log.due(a, now, mute::apply);
        if (d != null) outcome.add(lane, d);
      }
      outcome.finish();
    }
    for (Lane lane : lanes) lane.log.retain(open);
  }

  /** The mute stages asked at most once for an alert of the snapshot, whatever the sinks. */
  private final class MuteOnce {
    private final Instant now;
    private final List<ActiveAlert> active;
    private boolean asked;
    private MuteStage.@Nullable Muted muted;

    MuteOnce(Instant now, List<ActiveAlert> active) {
      this.now = now;
      this.active = active;
    }

    MuteStage.@Nullable Muted apply(AlertNotification n) {
      if (!asked) {
        muted = suppressor.check(n, now, active);
        asked = true;
      }
      return muted;
    }
  }

  /**
   * One notification's fate across the sinks: queued for those it is sent to; if it is sent to
   * none, muted once (counted, logged and reported once, with the first sink's reason).
   */
  private final class Outcome {
    private final Map<Lane, AlertNotification> queue = new LinkedHashMap<>();
    private NotificationLog.@Nullable Decision firstMuted;

    void add(Lane lane, NotificationLog.Decision d) {
      if (d.send()) queue.put(lane, d.notification());
      else if (firstMuted == null) firstMuted = d;
    }

    void finish() {
      if (!queue.isEmpty()) {
        listener.onNotification(queue.values().iterator().next());
        queue.forEach(
            (lane, n) -> {
              SinkDispatcher d = lane.dispatcher();
              if (d != null) d.enqueue(n);
            });
        return;
      }
      NotificationLog.Decision d = firstMuted;
      if (d == null) return; // nothing due for any sink
      MuteStage.Muted m = requireNonNull(d.muted(), "muted");
      suppressor.count(m.kind());
      Loggers.RULES.info(
          "Suppressed {}: {}", SinkDispatcher.describe(d.notification()), m.reason());
      listener.onSuppressed(d.notification(), m.reason());
    }
  }
}
