package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Loggers;
import dev.vigil.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
 * stages ({@link Suppressor}), the routing tree ({@link RouteTree}), then per route and sink
 * through its {@link NotificationLog} and {@link GroupStage}, past the sink's {@link SinkBudget},
 * into the sink's queue ({@link SinkDispatcher}). It never calls the engine: the data path reads
 * one way, {@code Evaluator -> Evaluation -> Delivery -> Suppressor -> RouteTree -> NotificationLog
 * -> GroupStage -> SinkBudget -> SinkDispatcher -> AlertSink}.
 *
 * <p>Evaluations may arrive from several poll threads at once; each is handed on only after every
 * one numbered before it (their {@link Evaluation#sequence()}), so a RESOLVED never overtakes its
 * FIRING. Group timers and budgets move on {@link #tick}, which the monitor's scheduler calls when
 * {@link #nextDue()} comes. Thread safe.
 */
final class Delivery {
  private static final Logger log = Loggers.DELIVERY;

  /** Past this many evaluations waiting for an earlier one, the missing one is given up. */
  private static final int MAX_WAITING = 1_000;

  static final String BUDGET_FULL_REMINDER = "budget full (reminder)";
  static final String BUDGET_FULL = "budget full";

  private static final StateErrors STATE_ERRORS = new StateErrors();

  /** A sink's budget: at most {@code limit} deliveries per {@code per}. */
  record Budget(int limit, Duration per) {}

  /**
   * One sink and its budget. A monitor without sinks keeps one outlet without a dispatcher, so that
   * the listener still hears what would have been sent.
   */
  private record Outlet(
      String name, @Nullable SinkDispatcher dispatcher, @Nullable SinkBudget budget) {}

  /**
   * One route's delivery to one sink: what that sink heard on that route, and its groups. Equal
   * only to itself.
   */
  private static final class Lane {
    private final RouteTree.Node route;
    private final Outlet outlet;
    private final @Nullable GroupStage groups;

    private final NotificationLog log;

    Lane(RouteTree.Node route, Outlet outlet, @Nullable GroupStage groups, NotificationLog log) {
      this.route = route;
      this.outlet = outlet;
      this.groups = groups;
      this.log = log;
    }

    RouteTree.Node route() {
      return route;
    }

    Outlet outlet() {
      return outlet;
    }

    NotificationLog log() {
      return log;
    }

    @Nullable GroupStage groups() {
      return groups;
    }
  }

  private final Suppressor suppressor;
  private final MonitorListener listener;
  private final Ticker ticker;
  private final Clock clock;
  private final RouteTree routes;
  private final List<Outlet> outlets;
  private final List<Lane> lanes;
  private final IdentityHashMap<RouteTree.Node, List<Lane>> lanesByRoute = new IdentityHashMap<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition handed = lock.newCondition();
  private final TreeMap<Long, Evaluation> waiting = new TreeMap<>();
  private long next = 1;

  /** Set by {@link #drain()}: from then on nothing waits in groups or behind budgets. */
  private boolean drained;

  /**
   * @param budgets the budgets of the sinks that have one, by sink name
   * @param maxWaiting most notifications one group or one budget holds (the sink queue capacity)
   */
  Delivery(
      Suppressor suppressor,
      RouteTree routes,
      List<SinkDispatcher> sinks,
      Map<String, Budget> budgets,
      int maxWaiting,
      MonitorListener listener,
      Ticker ticker,
      Clock clock,
      @Nullable StateStore store) {
    this.suppressor = requireNonNull(suppressor, "suppressor == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.routes = requireNonNull(routes, "routes == null");
    Map<String, Outlet> byName = new LinkedHashMap<>();
    for (SinkDispatcher d : sinks) {
      d.guardSyncWith(lock); // a claim and its outbox record are written under this lock
      Budget b = budgets.get(d.name());
      SinkBudget budget = b == null ? null : new SinkBudget(b.limit(), b.per(), maxWaiting);
      byName.put(d.name(), new Outlet(d.name(), d, budget));
    }
    this.outlets = List.copyOf(byName.values());
    List<Lane> all = new ArrayList<>();
    for (RouteTree.Node node : routes.nodes()) {
      List<Lane> of = new ArrayList<>();
      List<Outlet> targets = new ArrayList<>();
      if (sinks.isEmpty()) targets.add(new Outlet("", null, null));
      for (String name : node.sinks()) targets.add(requireNonNull(byName.get(name), name));
      for (Outlet o : targets) {
        GroupStage groups = node.groupBy() == null ? null : new GroupStage(node, maxWaiting);
        StoredLog stored =
            store == null || o.dispatcher() == null
                ? null
                : new StoredLog(store, "nflog/" + o.name() + "/" + node.id(), STATE_ERRORS);
        Lane lane = new Lane(node, o, groups, new NotificationLog(stored));
        of.add(lane);
        all.add(lane);
      }
      lanesByRoute.put(node, List.copyOf(of));
    }
    this.lanes = List.copyOf(all);
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
      tickLocked(ticker.read());
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

  /** Flushes the groups and digests that are due at ticker reading {@code now}. */
  void tick(long now) {
    lock.lock();
    try {
      tickLocked(now);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Flushes every group and every held-back digest whatever its timer or budget: on close, so that
   * nothing decided is left behind.
   */
  void drain() {
    lock.lock();
    try {
      drained = true;
      long now = ticker.read();
      Instant at = clock.instant();
      for (Lane lane : lanes) {
        GroupStage groups = lane.groups();
        if (groups != null) groups.flushAll(now, at, g -> toSink(lane.outlet(), g, now));
      }
      for (Outlet o : outlets) {
        SinkBudget budget = o.budget();
        if (budget != null) sendDigest(o, budget.drain(), at);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether alerts restored from the store after a restart wait for {@link #resolveRestored}. */
  boolean hasRestored() {
    lock.lock();
    try {
      for (Lane lane : lanes) if (lane.log().hasRestored()) return true;
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a restart, once every source was polled: sends the RESOLVED of each restored alert the
   * engine no longer knows ({@code known}: the fingerprints of its pending, firing and no-data
   * alerts), to the sinks that were told it is open.
   */
  void resolveRestored(Set<String> known, Instant now) {
    lock.lock();
    try {
      long nanos = ticker.read();
      for (Lane lane : lanes) {
        for (AlertNotification n : lane.log().resolveRestored(known, now)) {
          if (!lane.route().sendResolved()) continue;
          listener.onNotification(n);
          send(lane, n, nanos, now);
        }
      }
      tickLocked(nanos);
    } finally {
      lock.unlock();
    }
  }

  /** The ticker reading at which a group or digest is due next; {@link Long#MAX_VALUE} if none. */
  long nextDue() {
    lock.lock();
    try {
      long due = Long.MAX_VALUE;
      for (Lane lane : lanes) {
        GroupStage groups = lane.groups();
        if (groups != null) due = Math.min(due, groups.nextDue());
      }
      for (Outlet o : outlets) {
        SinkBudget budget = o.budget();
        if (budget != null) due = Math.min(due, budget.nextDue());
      }
      return due;
    } finally {
      lock.unlock();
    }
  }

  /** Notifications decided for {@code sink} that wait in its groups or behind its budget. */
  int waiting(String sink) {
    lock.lock();
    try {
      int n = 0;
      for (Lane lane : lanes) {
        GroupStage groups = lane.groups();
        if (groups != null && lane.outlet().name().equals(sink)) n += groups.pending();
      }
      for (Outlet o : outlets) {
        SinkBudget budget = o.budget();
        if (budget != null && o.name().equals(sink)) n += budget.held();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  private void tickLocked(long now) {
    Instant at = null;
    for (Lane lane : lanes) {
      GroupStage groups = lane.groups();
      if (groups == null || groups.nextDue() > now) continue;
      if (at == null) at = clock.instant();
      groups.flushDue(now, at, g -> toSink(lane.outlet(), g, now));
    }
    for (Outlet o : outlets) {
      SinkBudget budget = o.budget();
      if (budget == null || budget.nextDue() > now) continue;
      if (at == null) at = clock.instant();
      sendDigest(o, budget.release(now), at);
    }
  }

  private void process(Evaluation e) {
    Instant now = e.at();
    long nanos = ticker.read();
    List<ActiveAlert> active = e.active();
    for (AlertNotification n : e.notifications()) {
      MuteStage.Muted muted = suppressor.check(n, now, active);
      Outcome outcome = new Outcome();
      for (Lane lane : lanesFor(n)) {
        NotificationLog.Decision d = lane.log().onTransition(n, muted, now, e.nanos());
        if (d.send() && n.status() == AlertStatus.RESOLVED && !lane.route().sendResolved()) {
          continue; // this route does not send resolutions
        }
        outcome.add(lane, d);
      }
      outcome.finish(nanos, now);
    }
    Set<String> open = new HashSet<>();
    for (ActiveAlert a : active) {
      open.add(a.fingerprint());
      if (!a.firing()) continue;
      MuteOnce mute = new MuteOnce(now, active);
      Outcome outcome = new Outcome();
      for (RouteTree.Node node : routes.match(a.current().labels())) {
        Duration repeat = node.repeatInterval();
        if (repeat == null) repeat = a.repeatInterval();
        for (Lane lane : lanesOf(node)) {
          NotificationLog.Decision d = lane.log().due(a, now, e.nanos(), mute::apply, repeat);
          if (d != null) outcome.add(lane, d);
        }
      }
      outcome.finish(nanos, now);
    }
    for (Lane lane : lanes) {
      lane.log().retain(open);
      GroupStage groups = lane.groups();
      if (groups != null) groups.retain(open);
    }
  }

  private List<Lane> lanesOf(RouteTree.Node node) {
    return requireNonNull(lanesByRoute.get(node), "lanes of a route");
  }

  /**
   * The lanes a notification goes to: those of the routes that take it, and for a RESOLVED also
   * every lane that heard of the alert on a route it no longer matches (its severity changed), so
   * that what a sink was told is always closed.
   */
  private List<Lane> lanesFor(AlertNotification n) {
    List<RouteTree.Node> nodes = routes.match(n.labels());
    List<Lane> out = new ArrayList<>();
    for (RouteTree.Node node : nodes) out.addAll(lanesOf(node));
    if (n.status() == AlertStatus.RESOLVED && out.size() < lanes.size()) {
      Set<Lane> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      seen.addAll(out);
      for (Lane lane : lanes) {
        if (!seen.contains(lane) && lane.log().has(n.fingerprint())) out.add(lane);
      }
    }
    return out;
  }

  /** Hands a notification decided for a lane at {@code at} on: into its groups, or to the sink. */
  private void send(Lane lane, AlertNotification n, long now, Instant at) {
    SinkDispatcher d = lane.outlet().dispatcher();
    if (d != null) d.countDecided();
    GroupStage groups = lane.groups();
    if (groups != null && !drained) {
      if (d != null) d.hold(List.of(n)); // until its group reaches the queue
      groups.add(n, now, at, g -> toSink(lane.outlet(), g, now));
    } else {
      toSink(lane.outlet(), n, now);
    }
  }

  private void toSink(Outlet o, AlertNotification n, long now) {
    SinkDispatcher d = o.dispatcher();
    if (d == null) return;
    if (!admitted(o, d, List.of(n), now)) return;
    d.enqueue(n);
    d.release(List.of(n));
  }

  private void toSink(Outlet o, AlertGroup g, long now) {
    SinkDispatcher d = o.dispatcher();
    if (d == null) return;
    if (!admitted(o, d, g.notifications(), now)) return;
    d.countGroup(g);
    listener.onGrouped(o.name(), g);
    d.enqueue(g);
    d.release(g.notifications());
  }

  /**
   * Whether the sink's budget lets {@code notifications} go now; if not, they are held back for the
   * next digest. While anything is held back, everything after it is held too, so that nothing
   * overtakes what was decided before it.
   */
  private boolean admitted(
      Outlet o, SinkDispatcher d, List<AlertNotification> notifications, long now) {
    SinkBudget budget = o.budget();
    if (budget == null || drained) return true;
    if (budget.held() == 0 && budget.tryAcquire(now)) return true;
    d.countHeldBack(notifications.size());
    d.hold(notifications); // until the digest reaches the queue
    for (AlertNotification n : notifications) listener.onHeldBack(o.name(), n);
    for (AlertNotification lost : budget.hold(notifications)) {
      d.release(List.of(lost));
      d.drop(lost, lost.type() == NotificationType.REMINDER ? BUDGET_FULL_REMINDER : BUDGET_FULL);
    }
    return false;
  }

  private void sendDigest(Outlet o, List<AlertNotification> held, Instant at) {
    SinkDispatcher d = o.dispatcher();
    if (held.isEmpty() || d == null) return;
    AlertGroup digest =
        new AlertGroup(AlertGroup.Kind.DIGEST, "budget:" + o.name(), Map.of(), held, at);
    d.countGroup(digest);
    listener.onGrouped(o.name(), digest);
    d.enqueue(digest);
    d.release(held);
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
   * One notification's fate across the lanes: sent on those it is sent to; muted on the others
   * (counted per sink); if it is sent on none, muted once (counted, logged and reported once, with
   * the first lane's reason).
   */
  private final class Outcome {
    private final Map<Lane, AlertNotification> send = new LinkedHashMap<>();
    private NotificationLog.@Nullable Decision firstMuted;

    void add(Lane lane, NotificationLog.Decision d) {
      if (d.skipped())
        return; // told already (another replica, before a restart), or nothing to tell
      if (d.send()) {
        send.put(lane, d.notification());
        return;
      }
      MuteStage.Muted m = requireNonNull(d.muted(), "muted");
      SinkDispatcher dispatcher = lane.outlet().dispatcher();
      if (dispatcher != null) {
        dispatcher.countMuted(m.kind());
        listener.onMuted(lane.outlet().name(), d.notification(), m.reason());
      }
      if (firstMuted == null) firstMuted = d;
    }

    void finish(long now, Instant at) {
      if (!send.isEmpty()) {
        listener.onNotification(send.values().iterator().next());
        send.forEach((lane, n) -> send(lane, n, now, at));
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
