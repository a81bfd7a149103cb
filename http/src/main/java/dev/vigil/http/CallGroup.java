package dev.vigil.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP calls of one poll, with the runners that make them, cancelled together when the poll is
 * interrupted, its deadline passes, or the source is closed. Thread safe. Used by every source that
 * makes its own OkHttp calls ({@link HttpJsonSource}, {@link PrometheusSource}, {@link
 * EndpointCheckSource}).
 */
final class CallGroup {
  private final Set<Call> active = ConcurrentHashMap.newKeySet();
  private volatile boolean canceled;
  private volatile @Nullable SweepRunners runners;

  /** Registers the poll's runners, stopped with the calls; stops them at once if cancelled. */
  void track(SweepRunners runners) {
    this.runners = runners;
    if (canceled) runners.stop();
  }

  /** Registers a call about to run; cancels it at once if this group is already cancelled. */
  void add(Call call) {
    active.add(call);
    if (canceled) call.cancel();
  }

  void remove(Call call) {
    active.remove(call);
  }

  boolean canceled() {
    return canceled;
  }

  /** Cancels every call in flight and stops the runners. Idempotent. */
  void cancel() {
    canceled = true;
    SweepRunners r = runners;
    if (r != null) r.stop();
    for (Call call : active) call.cancel();
  }
}
