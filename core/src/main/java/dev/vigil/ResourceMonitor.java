package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Durations;
import dev.vigil.internal.LogThrottle;
import dev.vigil.internal.Loggers;
import dev.vigil.internal.NamedThreadFactory;
import dev.vigil.internal.Threads;
import dev.vigil.internal.Throwables;
import dev.vigil.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Polls {@link MetricSource}s on their {@link Schedule}s, evaluates {@link AlertRule}s against the
 * samples, and delivers {@link AlertNotification}s to {@link AlertSink}s.
 *
 * <pre>{@code
 * ResourceMonitor monitor = ResourceMonitor.builder()
 *     .source("cloud", Schedule.every(Duration.ofMinutes(1)), cloudSource)
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .sink("email", emailSink)
 *     .build();
 * monitor.start();
 * // ...
 * monitor.close(); // flushes pending notifications
 * }</pre>
 *
 * <p><b>Threads.</b> One scheduler thread ({@code vigil-scheduler-1}) decides when sources are due;
 * polls run on a bounded pool ({@code vigil-poll-N}, {@link Builder#pollThreads}) or on the host's
 * {@link Builder#executor}; each sink delivers on its own thread ({@code vigil-sink-NAME-1}). All
 * are daemon threads, created when first needed. Nothing ever runs one thread per resource.
 *
 * <p><b>Failure.</b> A source, rule, sink or listener that throws (anything but a {@link
 * VirtualMachineError}) is logged, counted in {@link #stats()} and reported to the {@link
 * MonitorListener}; polling continues on the next tick and other sinks are unaffected.
 *
 * <p><b>Silent mistakes.</b> Once every source had a successful poll, a rule reading a metric that
 * no source reported (a typo) is logged once at WARN, reported to {@link
 * MonitorListener#onUnreportedMetric} and counted in {@link MonitorStats#rulesWithoutData()};
 * {@link Builder#build()} refuses a monitor without a sink unless {@link Builder#withoutSinks()}.
 *
 * <p><b>Lifecycle.</b> {@link #start()} once; {@link #close()} stops polling, waits for running
 * polls, flushes every sink's queue within the {@link Builder#shutdownTimeout}, then closes the
 * sources and sinks. {@link #pollNow()} works before {@code start()} too, which suits tests.
 *
 * <p>This class is thread safe.
 */
public final class ResourceMonitor implements AutoCloseable {
  private static final Logger log = Loggers.MONITOR;

  /** How long the sources' and sinks' own close() may take, together, after the flush. */
  private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often a monitor with a non-system ticker re-reads it. */
  private static final long VIRTUAL_TICKER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final Clock clock;
  private final Ticker ticker;
  private final PollLog pollLog;

  /** Rule errors, logged once and then at most once a minute per rule and cause. */
  private final LogThrottle ruleErrors;

  private final MonitorListener listener;
  private final List<SourceRunner> sources;
  private final Evaluator evaluator;
  private final List<SinkDispatcher> sinks;
  private final Executor pollExecutor;
  private final @Nullable ThreadPoolExecutor ownedPollExecutor;
  private final Duration shutdownTimeout;
  private final Suppressor suppressor;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile State state = State.NEW;
  private @Nullable Thread scheduler;

  /** The delivery side: mute stages, per-sink notification logs, queues. */
  private final Delivery delivery;

  private final int maxNewSeriesPerPoll;

  /** Warns of rules whose metric no source reports, once every source was polled. */
  private final UnreportedMetricCheck metricCheck;

  /** This instance's heartbeat in the state store, and the takeover of stopped ones; or null. */
  private final @Nullable InstanceLease lease;

  /** Silences shared through the state store; null without one. */
  private final @Nullable SilenceSync silenceSync;

  /** The engine's alert states in the store; null without one. */
  private final @Nullable AlertStates alertStates;

  /**
   * Alerts the sinks were told of before a restart wait for every source to be polled once: then
   * those the engine does not know resolved while the monitor was down.
   */
  private final AtomicBoolean restoring = new AtomicBoolean();

  /** Opened when the shutdown is complete: later close() callers wait for it. */
  private final java.util.concurrent.CountDownLatch closed =
      new java.util.concurrent.CountDownLatch(1);

  private ResourceMonitor(Builder b) {
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.pollLog = new PollLog(ticker);
    this.ruleErrors = LogThrottle.perMinute(ticker::read);
    this.listener = new SafeListener(b.listener);
    List<SourceRunner> runners = new ArrayList<>();
    b.sources.forEach((name, reg) -> runners.add(new SourceRunner(name, reg.source, reg.schedule)));
    this.sources = List.copyOf(runners);
    this.evaluator = new Evaluator(b.rules, b.sourceFailuresToAlert);
    this.maxNewSeriesPerPoll = b.maxNewSeriesPerPoll;
    this.metricCheck = new UnreportedMetricCheck(b.rules, b.sources.keySet(), listener);
    List<SinkDispatcher> dispatchers = new ArrayList<>();
    b.sinks.forEach(
        (name, sink) ->
            dispatchers.add(
                new SinkDispatcher(
                    name,
                    sink,
                    listener,
                    b.sinkQueueCapacity,
                    b.deliveryAttempts,
                    b.deliveryBackoff,
                    b.maxDeliveryBackoff,
                    b.stateStore,
                    b.instanceId)));
    this.sinks = List.copyOf(dispatchers);
    this.shutdownTimeout = b.shutdownTimeout;
    this.suppressor =
        new Suppressor(
            clock,
            ticker,
            b.startupGracePeriod,
            b.muteWindows,
            b.inhibitRules.isEmpty() ? List.of(InhibitRule.DEFAULT) : b.inhibitRules);
    this.delivery =
        new Delivery(
            suppressor,
            requireNonNull(b.routeTree, "routeTree"),
            sinks,
            b.budgets,
            b.sinkQueueCapacity,
            listener,
            ticker,
            clock,
            b.stateStore);
    StateStore store = b.stateStore;
    this.silenceSync =
        store == null ? null : new SilenceSync(store, suppressor, clock, new StateErrors());
    if (silenceSync != null) silenceSync.sync();
    for (SinkDispatcher d : sinks) d.restoreOutbox();
    this.lease =
        store == null
            ? null
            : new InstanceLease(store, b.instanceId, clock, sinks, new StateErrors());
    this.restoring.set(delivery.hasRestored());
    this.alertStates =
        store == null ? null : new AlertStates(store, b.instanceId, new StateErrors());
    if (alertStates != null) {
      evaluator.restore(alertStates.load(), clock.instant(), ticker.read(), b.sources.keySet());
    }
    if (b.executor != null) {
      this.pollExecutor = b.executor;
      this.ownedPollExecutor = null;
    } else {
      int threads = b.pollThreads == null ? 4 : b.pollThreads;
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new NamedThreadFactory("poll"));
      pool.allowCoreThreadTimeOut(true);
      this.pollExecutor = pool;
      this.ownedPollExecutor = pool;
    }
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts polling every source on its schedule.
   *
   * @throws IllegalStateException if the monitor was already started or closed
   */
  public void start() {
    lock.lock();
    try {
      if (state != State.NEW) throw new IllegalStateException("monitor is " + state);
      state = State.STARTED;
      suppressor.started(clock.instant());
      long now = ticker.read();
      for (SourceRunner runner : sources) runner.start(now);
      Thread t = new NamedThreadFactory("scheduler").newThread(this::schedulerLoop);
      scheduler = t;
      t.start();
    } finally {
      lock.unlock();
    }
    log.info("Vigil monitor started: {} source(s), {} sink(s)", sources.size(), sinks.size());
  }

  /**
   * Polls every source once, now, in the calling thread, and evaluates the rules on the result.
   * Returns when every source was polled and the resulting notifications were queued for the sinks
   * (delivery itself stays asynchronous). A source whose scheduled poll is running is polled after
   * that poll ends. Failures are reported as for scheduled polls, never thrown.
   *
   * @throws IllegalStateException if the monitor is closed
   */
  public void pollNow() {
    if (state == State.CLOSED) throw new IllegalStateException("monitor is CLOSED");
    for (SourceRunner runner : sources) {
      try {
        runner.permit.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        if (state == State.CLOSED) return; // closed while we waited: its sources may be closed
        poll(runner);
      } finally {
        releaseAfterPoll(runner);
      }
    }
  }

  /** Releases the poll permit; a poll that outlived close() closes its source itself. */
  private void releaseAfterPoll(SourceRunner runner) {
    try {
      if (state == State.CLOSED) runner.closeSource();
    } finally {
      runner.permit.release();
    }
  }

  /**
   * Waits until every sink has delivered (or given up on) every notification queued so far, or
   * {@code timeout} passes; the monitor keeps running. For "check now" buttons ({@code pollNow()}
   * then {@code flush(...)}) and tests. Returns at once when nothing is pending.
   *
   * @return true if every sink is idle, false if the timeout passed first
   * @throws NullPointerException if {@code timeout} is null
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + requireNonNull(timeout, "timeout == null").toNanos();
    if (!delivery.awaitHanded(evaluator.lastSequence(), deadline)) return false;
    delivery.tick(ticker.read()); // groups and digests due by now go to the queues first
    for (SinkDispatcher sink : sinks) {
      if (!sink.awaitIdle(deadline)) return false;
    }
    return true;
  }

  /**
   * Returns the alerts that are pending, firing or without data now, including the health alerts of
   * failing sources, sorted by rule and resource. A snapshot: it does not change afterwards.
   */
  public List<Alert> activeAlerts() {
    return evaluator.activeAlerts();
  }

  /**
   * Silences the notifications of every alert whose labels match all {@code matchers}, from now for
   * {@code duration}, like an Alertmanager silence. Suppressed notifications are counted in {@link
   * #stats()} and reported to {@link MonitorListener#onSuppressed}; the alerts themselves keep
   * being evaluated, so {@link #activeAlerts()} still shows them. Call {@link Silence#expire()} to
   * end it early.
   *
   * @param matchers label matchers, all of which must match; at least one must not match the empty
   *     string
   * @param duration how long the silence lasts
   * @param comment why, for people
   * @return the silence
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no matcher, every matcher matches the empty
   *     string, {@code duration} is not positive or {@code comment} is blank
   */
  public Silence silence(List<Matcher> matchers, Duration duration, String comment) {
    return saved(suppressor.silence(matchers, duration, comment));
  }

  private Silence saved(Silence s) {
    SilenceSync sync = silenceSync;
    if (sync != null) sync.saved(s);
    return s;
  }

  /**
   * Silences the notifications of every alert whose labels match all {@code matchers} from {@code
   * startsAt}, which may lie in the future (a planned maintenance), until {@code endsAt}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no matcher, every matcher matches the empty
   *     string, {@code endsAt} is not after {@code startsAt} or not in the future, or {@code
   *     comment} is blank
   */
  public Silence silence(List<Matcher> matchers, Instant startsAt, Instant endsAt, String comment) {
    return saved(suppressor.silence(matchers, startsAt, endsAt, comment));
  }

  /**
   * As {@link #silence(List, Duration, String)}, recording who created the silence ({@link
   * Silence#createdBy()}), such as the user of an admin endpoint.
   *
   * @throws NullPointerException if an argument other than {@code createdBy} is null
   * @throws IllegalArgumentException as {@link #silence(List, Duration, String)} does, or if {@code
   *     createdBy} is blank
   */
  public Silence silence(
      List<Matcher> matchers, Duration duration, String comment, @Nullable String createdBy) {
    return saved(suppressor.silence(matchers, duration, comment, createdBy));
  }

  /**
   * As {@link #silence(List, Instant, Instant, String)}, recording who created the silence ({@link
   * Silence#createdBy()}).
   *
   * @throws NullPointerException if an argument other than {@code createdBy} is null
   * @throws IllegalArgumentException as {@link #silence(List, Instant, Instant, String)} does, or
   *     if {@code createdBy} is blank
   */
  public Silence silence(
      List<Matcher> matchers,
      Instant startsAt,
      Instant endsAt,
      String comment,
      @Nullable String createdBy) {
    return saved(suppressor.silence(matchers, startsAt, endsAt, comment, createdBy));
  }

  /** Returns the silences in force now, or yet to start. */
  public List<Silence> silences() {
    return suppressor.activeSilences(clock.instant());
  }

  /**
   * Returns the last state changes of the alert with {@code fingerprint}, oldest first: at most 32
   * per alert. Empty if no such alert is known (any more).
   *
   * @throws NullPointerException if {@code fingerprint} is null
   */
  public List<AlertTransition> alertHistory(String fingerprint) {
    return evaluator.history(requireNonNull(fingerprint, "fingerprint == null"));
  }

  /** Returns a snapshot of the counters of every source and sink. */
  public MonitorStats stats() {
    Map<String, MonitorStats.SourceStats> sourceStats = new LinkedHashMap<>();
    for (SourceRunner r : sources) sourceStats.put(r.name, r.stats());
    Map<String, MonitorStats.SinkStats> sinkStats = new LinkedHashMap<>();
    for (SinkDispatcher d : sinks) sinkStats.put(d.name(), d.stats(delivery.waiting(d.name())));
    return new MonitorStats(
        sourceStats,
        sinkStats,
        suppressor.suppressedCounts(),
        metricCheck.rulesWithoutData(),
        delivery.notified());
  }

  /**
   * Stops polling, waits for running polls, delivers every queued notification, and closes the
   * sources and sinks, all within the {@link Builder#shutdownTimeout}. Notifications still queued
   * at the deadline are dropped, logged and reported. A source still polling at the deadline is
   * closed when that poll ends, never during it, and is not polled again. Idempotent: later calls
   * return at once. An interrupt of the calling thread does not cut the shutdown short; the
   * interrupt status is restored before returning. An executor passed to {@link Builder#executor}
   * is not shut down.
   */
  @Override
  public void close() {
    Thread t;
    boolean first;
    lock.lock();
    try {
      first = state != State.CLOSED;
      state = State.CLOSED;
      t = scheduler;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (MonitorThread.current()) {
      // Called from a poll, a sink or a listener on one of our threads: waiting here would wait on
      // this very thread. A closer thread does the work once this thread is done; we return.
      if (first) {
        Thread closer = new NamedThreadFactory("close").newThread(() -> shutDown(t));
        closer.start();
      }
      return;
    }
    if (first) {
      shutDown(t);
    } else {
      awaitClosed();
    }
  }

  /** A later caller of close() returns only once the first one has closed the monitor. */
  private void awaitClosed() {
    long bound =
        shutdownTimeout.toNanos()
            + (sources.size() + 2L) * CLOSE_TIMEOUT_NANOS
            + CLOSE_TIMEOUT_NANOS;
    boolean interrupted = false;
    long deadline = System.nanoTime() + bound;
    while (true) {
      try {
        if (!closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          log.warn("close(): the first close() did not finish within its bound; returning");
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** The shutdown proper: bounded, run once, by the first caller or a closer thread. */
  private void shutDown(@Nullable Thread t) {
    try {
      shutDownBounded(t);
    } finally {
      closed.countDown();
    }
  }

  private void shutDownBounded(@Nullable Thread t) {
    // An interrupted caller still gets a bounded, complete close; its interrupt is restored.
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    if (t != null) {
      t.interrupt();
      interrupted |= Threads.joinUntil(t, deadline);
    }
    // Polls dispatched but still queued in our own pool never start: they hold their source's
    // permit, which is handed back here (closing the source).
    if (ownedPollExecutor != null) {
      List<Runnable> queued = new ArrayList<>();
      ownedPollExecutor.getQueue().drainTo(queued);
      for (Runnable r : queued) {
        if (r instanceof ScheduledPoll poll) releaseAfterPoll(poll.runner);
      }
    }
    // Wait for running polls so that their notifications are flushed too; a source is closed by
    // whoever holds its permit last, so never while it is being polled.
    for (SourceRunner runner : sources) {
      boolean acquired = false;
      while (true) {
        try {
          // Past the deadline this still takes a free permit: an idle source is always closed.
          long remaining = Math.max(0, deadline - System.nanoTime());
          acquired = runner.permit.tryAcquire(remaining, TimeUnit.NANOSECONDS);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (acquired) {
        releaseAfterPoll(runner);
      } else {
        log.warn(
            "Source {} was still polling when the monitor closed; it is closed when that poll ends",
            runner.name);
      }
    }
    // What waits in groups or behind a budget goes to the queues now, whatever its timer.
    delivery.drain();
    // Two phases, so that a hanging sink cannot use up the flush time of the others.
    for (SinkDispatcher sink : sinks) sink.beginClose();
    for (SinkDispatcher sink : sinks) interrupted |= sink.awaitClose(deadline);
    // Each sink's own close() on its own thread, all at once, each abandoned after its deadline.
    List<Thread> closers = new ArrayList<>();
    for (SinkDispatcher sink : sinks) {
      Runnable task = sink.closeTask();
      if (task == null) continue;
      Thread c = new NamedThreadFactory("sink-" + sink.name() + "-close").newThread(task);
      c.start();
      closers.add(c);
    }
    long closeDeadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
    for (int i = 0; i < closers.size(); i++) {
      Thread c = closers.get(i);
      interrupted |= Threads.joinUntil(c, closeDeadline);
      if (c.isAlive()) {
        log.warn("Sink close() did not return within 1 s; abandoned ({})", c.getName());
        c.interrupt();
      }
    }
    if (ownedPollExecutor != null) ownedPollExecutor.shutdownNow();
    if (interrupted) Thread.currentThread().interrupt();
    log.info("Vigil monitor closed");
  }

  private void schedulerLoop() {
    boolean virtual = ticker != Ticker.system();
    try {
      while (true) {
        // Decide under the lock, dispatch outside it: an executor that runs the poll in this
        // thread (a direct or caller-runs executor) must not hold the lock that close() needs.
        // Likewise groups and digests whose time came: listeners hear of them.
        long before = ticker.read();
        if (delivery.nextDue() <= before) delivery.tick(before);
        List<SourceRunner> due = new ArrayList<>();
        long now;
        lock.lock();
        try {
          if (state != State.STARTED) return;
          now = ticker.read();
          long next = delivery.nextDue();
          for (SourceRunner runner : sources) {
            long at = runner.fireAt();
            if (at <= now) due.add(runner);
            else next = Math.min(next, at);
          }
          if (due.isEmpty()) {
            long wait = next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : next - now;
            if (virtual) wait = Math.min(wait, VIRTUAL_TICKER_POLL_NANOS);
            wait = Math.max(wait, VIRTUAL_TICKER_POLL_NANOS / 10); // never spin
            wake.awaitNanos(wait);
            continue;
          }
        } finally {
          lock.unlock();
        }
        for (SourceRunner runner : due) {
          if (state != State.STARTED) return;
          dispatch(runner, now);
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts us; the state is already CLOSED.
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      log.error("Vigil scheduler died; polling has stopped", t);
    }
  }

  /** Called by the scheduler thread, without the lock. */
  private void dispatch(SourceRunner runner, long now) {
    if (!runner.permit.tryAcquire()) {
      runner.skippedBusy(now);
      Loggers.POLL.debug("Source {} is still polling; tick skipped", runner.name);
      listener.onTickSkipped(runner.name);
      return;
    }
    runner.dispatched();
    try {
      pollExecutor.execute(new ScheduledPoll(runner));
    } catch (RejectedExecutionException e) {
      runner.permit.release();
      runner.rejected(now);
      if (state != State.STARTED) return;
      log.warn("Poll executor rejected the poll of {}; trying again next tick", runner.name, e);
      listener.onSourceError(runner.name, null, e);
    }
  }

  /** A dispatched poll; a named type so that close() can find the ones still queued. */
  private final class ScheduledPoll implements Runnable {
    final SourceRunner runner;

    ScheduledPoll(SourceRunner runner) {
      this.runner = runner;
    }

    @Override
    public void run() {
      runScheduled(runner);
    }
  }

  private void runScheduled(SourceRunner runner) {
    try {
      if (state == State.STARTED) poll(runner);
    } finally {
      // Release first: once the next due time is published the scheduler must find the permit free.
      releaseAfterPoll(runner);
      int skipped = runner.finished(ticker.read());
      for (int i = 0; i < skipped; i++) listener.onTickSkipped(runner.name);
      if (skipped > 0) pollLog.ticksSkipped(runner.name, skipped);
      lock.lock();
      try {
        wake.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Polls one source and evaluates the result; never throws but for a VirtualMachineError. */
  private void poll(SourceRunner runner) {
    MonitorThread.run(() -> pollMarked(runner));
  }

  private void pollMarked(SourceRunner runner) {
    Instant startedAt = clock.instant();
    long t0 = ticker.read();
    List<Sample> samples;
    Context context = new Context(runner, startedAt);
    try {
      samples = runner.source.poll(context);
      requireNonNull(samples, () -> "source " + runner.name + " returned null");
      PollCheck.check(runner.name, samples); // a bad sample fails the poll, naming its index
      if (samples.size() > maxNewSeriesPerPoll) checkNewSeries(runner.name, samples);
    } catch (InterruptedException e) {
      // Someone is stopping this thread (close(), or the host shutting its executor down): not a
      // failure of the source, so no health alert; keep the interrupt for whoever runs us.
      Thread.currentThread().interrupt();
      Loggers.POLL.info("Poll of {} interrupted", runner.name);
      return;
    } catch (Throwable t) {
      Throwables.rethrowIfFatal(t);
      runner.failed(t, ticker.read() - t0);
      pollLog.pollFailed(runner.name, t);
      context.logFailedResources();
      listener.onSourceError(runner.name, null, t);
      handOff(runner, evaluator.sourceFailed(runner.name, t, startedAt, t0), false);
      return;
    }
    Duration took = Duration.ofNanos(ticker.read() - t0);
    context.logFailedResources();
    Set<String> failed = context.failedResources();
    @Nullable Exception incomplete = context.incomplete();
    handOff(
        runner, evaluator.ingest(runner.name, samples, failed, incomplete, startedAt, t0), true);
    metricCheck.polled(runner.name, samples, incomplete == null);
    // Counted once its notifications are handed on, so that a poll counted is a poll done.
    runner.succeeded(startedAt, took.toNanos());
    listener.onPollSucceeded(runner.name, samples.size(), took);
  }

  /**
   * Fails a poll that would start more series than {@link Builder#maxNewSeriesPerPoll} allows (a
   * label that holds a request id or a timestamp): the source's health alert fires, naming the
   * count and the fix, and no series or alert of any source changes.
   */
  private void checkNewSeries(String source, List<Sample> samples) throws SourceException {
    int fresh = evaluator.newSeries(samples, maxNewSeriesPerPoll);
    if (fresh <= maxNewSeriesPerPoll) return;
    throw new SourceException(
        SourceException.Kind.BAD_DATA,
        source
            + " returned more than "
            + maxNewSeriesPerPoll
            + " new series in one poll (of "
            + samples.size()
            + " samples); a label that changes every poll (an id, a timestamp) makes a new series"
            + " each time: drop it in the source, or raise ResourceMonitor.Builder"
            + ".maxNewSeriesPerPoll",
        null,
        -1,
        null,
        null);
  }

  /**
   * Hands what the evaluator returned to delivery, outside the evaluator's lock: the engine hears
   * nothing back. Then reports the rule errors of that evaluation.
   */
  private void handOff(SourceRunner runner, Evaluation evaluation, boolean polled) {
    try {
      SilenceSync sync = silenceSync;
      if (sync != null) sync.sync();
      InstanceLease l = lease;
      if (l != null) l.beat();
      try {
        delivery.accept(evaluation);
      } finally {
        AlertStates states = alertStates; // after delivery took it on, even if that failed
        if (states != null) states.write(evaluation.sequence(), evaluation.states());
      }
      if (polled && restoring.get()) resolveRestored(runner, evaluation.at());
    } finally {
      Throwable failure = evaluation.failure();
      if (failure != null) {
        Loggers.RULES.error("Evaluation after a poll of {} failed", runner.name, failure);
      }
      for (Evaluation.RuleFailure f : evaluation.ruleFailures()) ruleFailed(f);
    }
  }

  /**
   * Once every source was polled successfully since the start, the alerts that sinks were told of
   * before a restart and the engine does not know resolved while the monitor was down.
   */
  private void resolveRestored(SourceRunner polled, Instant now) {
    for (SourceRunner r : sources) {
      if (r != polled && r.stats().lastSuccess() == null) return;
    }
    if (!restoring.compareAndSet(true, false)) return; // another poll thread got here first
    Set<String> known = new java.util.HashSet<>();
    for (Alert a : evaluator.activeAlerts()) known.add(a.fingerprint());
    delivery.resolveRestored(known, now);
  }

  /** Logs a rule error once, then at most once a minute per rule and cause; tells the listener. */
  private void ruleFailed(Evaluation.RuleFailure failed) {
    Throwable error = failed.error();
    long repeats = ruleErrors.admit(failed.rule() + "\0" + error.getClass().getName());
    if (repeats >= 0) {
      Loggers.RULES.warn(
          "Rule {} failed on {}: {}{}",
          failed.rule(),
          failed.series(),
          Throwables.message(error),
          LogThrottle.repeats(repeats));
    }
    if (Loggers.RULES.isDebugEnabled()) {
      Loggers.RULES.debug(
          "Rule {} failed on {}; stack trace:", failed.rule(), failed.series(), error);
    }
    listener.onRuleError(failed.rule(), error);
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (SourceRunner r : sources) names.add(r.name + "=" + r.schedule);
    return "ResourceMonitor{sources="
        + names
        + ", sinks="
        + sinks.stream().map(SinkDispatcher::name).toList()
        + "}";
  }

  private final class Context implements PollContext {
    private final SourceRunner runner;
    private final Instant now;
    private final Set<String> failedResources = ConcurrentHashMap.newKeySet();
    private final AtomicInteger errorCount = new AtomicInteger();
    private final AtomicReference<Map.@Nullable Entry<String, Exception>> firstError =
        new AtomicReference<>();
    private final AtomicReference<@Nullable Exception> incomplete = new AtomicReference<>();

    Context(SourceRunner runner, Instant now) {
      this.runner = runner;
      this.now = now;
    }

    @Override
    public String sourceName() {
      return runner.name;
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void reportError(String resource, Exception error) {
      requireNonNull(resource, "resource == null");
      requireNonNull(error, "error == null");
      failedResources.add(resource);
      errorCount.incrementAndGet();
      firstError.compareAndSet(null, Map.entry(resource, error));
      runner.resourceFailed(error);
      listener.onSourceError(runner.name, resource, error);
    }

    @Override
    public void reportIncomplete(Exception error) {
      incomplete.compareAndSet(null, requireNonNull(error, "error == null"));
    }

    /** Why the poll is incomplete, as {@link #reportIncomplete} said first; null if it is not. */
    @Nullable Exception incomplete() {
      return incomplete.get();
    }

    /** One log line for all the resources that failed in this poll, if any did. */
    void logFailedResources() {
      Map.Entry<String, Exception> first = firstError.get();
      if (first != null) {
        pollLog.resourcesFailed(runner.name, errorCount.get(), first.getKey(), first.getValue());
      }
    }

    /** The resources reported through {@link #reportError}: their alerts keep their state. */
    Set<String> failedResources() {
      return Set.copyOf(failedResources);
    }
  }

  private record SourceRegistration(MetricSource source, Schedule schedule) {}

  /**
   * Configures a {@link ResourceMonitor}. Not thread safe. Setters reject bad values at once;
   * {@link #build()} rejects missing or conflicting settings.
   */
  public static final class Builder {
    private final Map<String, SourceRegistration> sources = new LinkedHashMap<>();
    private final List<AlertRule> rules = new ArrayList<>();
    private final Map<String, AlertSink> sinks = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();
    private MonitorListener listener = MonitorListener.NONE;
    private @Nullable Executor executor;
    private @Nullable Integer pollThreads;
    private int sinkQueueCapacity = 10_000;
    private int deliveryAttempts = 3;
    private Duration deliveryBackoff = Duration.ofSeconds(1);
    private Duration maxDeliveryBackoff = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration startupGracePeriod = Duration.ZERO;
    private int sourceFailuresToAlert = 1;
    private final List<MuteWindow> muteWindows = new ArrayList<>();
    private final List<InhibitRule> inhibitRules = new ArrayList<>();
    private @Nullable Route route;
    private final Map<String, Delivery.Budget> budgets = new LinkedHashMap<>();
    private @Nullable StateStore stateStore;
    private String instanceId = "default";
    private int maxNewSeriesPerPoll = 100_000;
    private boolean withoutSinks;

    /** Resolved by {@link #build()}. */
    private @Nullable RouteTree routeTree;

    private Builder() {}

    /**
     * Sets the root of the routing tree (Alertmanager's {@code route}): which sinks get which
     * notifications, grouped how, reminded how often. The root takes every notification, so it has
     * no matchers, and names at least one sink. Without a route every sink gets every notification
     * one at a time, as soon as it is decided.
     *
     * @throws NullPointerException if {@code root} is null
     * @throws IllegalStateException if a route was already set
     */
    public Builder route(Route root) {
      requireNonNull(root, "route == null");
      if (route != null) {
        throw new IllegalStateException(
            "route already set: there is one root route; add children with Route.Builder.route");
      }
      this.route = root;
      return this;
    }

    /**
     * Keeps the silences, what each sink was told and what it was not yet given in {@code store},
     * so a restart does not announce firing alerts again, resolves those that ended meanwhile, and
     * delivers what was queued; replicas sharing a store share silences and tell each sink once
     * (docs/state.md). Without a store everything is in memory. The monitor never closes the store.
     *
     * @throws NullPointerException if {@code store} is null
     */
    public Builder stateStore(StateStore store) {
      this.stateStore = requireNonNull(store, "stateStore == null");
      return this;
    }

    /**
     * Sets how many series one poll may start; 100,000 by default. A poll that would start more (a
     * label that changes every poll: a request id, a timestamp) fails as {@code bad_data}: the
     * source's health alert fires naming the count and the fix, and no series or alert changes, so
     * memory stays bounded whatever a source returns.
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public Builder maxNewSeriesPerPoll(int limit) {
      if (limit < 1) throw new IllegalArgumentException("maxNewSeriesPerPoll < 1: " + limit);
      this.maxNewSeriesPerPoll = limit;
      return this;
    }

    /**
     * Names this monitor among the replicas that share a {@link #stateStore}: each replica needs
     * its own, stable across its restarts (a pod or host name); {@code default} by default. A
     * replica keeps its undelivered notifications under its name; those of a replica whose
     * heartbeat stopped two minutes ago are delivered by another.
     *
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code id} is blank or has characters other than letters,
     *     digits, '-', '_' and '.'
     */
    public Builder instanceId(String id) {
      checkName(id, "instanceId");
      this.instanceId = id;
      return this;
    }

    /**
     * Gives the sink registered as {@code sink} a budget: at most {@code deliveries} deliveries (a
     * notification, or a group to an {@link AlertGroupSink}) in any window of {@code per}. What
     * comes while it is spent is held back, counted in {@link MonitorStats.SinkStats#heldBack()},
     * and sent as one {@link AlertGroup.Kind#DIGEST} as soon as the window allows one more
     * delivery; an {@link AlertGroupSink} receives that digest in one call, any other sink its
     * notifications one by one. At most {@link #sinkQueueCapacity} notifications are held; past
     * that the oldest reminders go first, counted as dropped ({@code budget full}).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deliveries} is less than 1 or {@code per} is not
     *     positive
     */
    public Builder sinkBudget(String sink, int deliveries, Duration per) {
      requireNonNull(sink, "sinkBudget sink == null");
      requireNonNull(per, "sinkBudget per == null");
      if (deliveries < 1) {
        throw new IllegalArgumentException("sinkBudget deliveries < 1: " + deliveries);
      }
      if (per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("sinkBudget per must be positive: " + per);
      }
      budgets.put(sink, new Delivery.Budget(deliveries, per));
      return this;
    }

    /**
     * Adds an inhibit rule, like an entry of Alertmanager's {@code inhibit_rules}. Without any,
     * {@link InhibitRule#DEFAULT} applies (a firing critical alert mutes the warning and info
     * notifications of its resource); adding one replaces that default, so add {@code
     * InhibitRule.DEFAULT} as well to keep it.
     *
     * @throws NullPointerException if {@code rule} is null
     */
    public Builder inhibitRule(InhibitRule rule) {
      inhibitRules.add(requireNonNull(rule, "inhibitRule == null"));
      return this;
    }

    /**
     * Suppresses every notification for {@code grace} after {@link ResourceMonitor#start()}, so a
     * restart does not page anyone for what was already known; alerts are still evaluated, and the
     * reminders of alerts still firing afterwards are sent. Zero by default.
     *
     * @throws NullPointerException if {@code grace} is null
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Builder startupGracePeriod(Duration grace) {
      this.startupGracePeriod = Durations.nonNegative(grace, "startupGracePeriod");
      return this;
    }

    /**
     * Sets how many polls of a source must fail in a row before its {@code SourceHealth} alert
     * fires; 1 by default (the first failure). A higher value rides out a single flaky poll; the
     * alert resolves on the first successful poll either way. Failing polls never change metric
     * alerts, whatever this setting.
     *
     * @throws IllegalArgumentException if {@code failures} is not in [1, 1000]
     */
    public Builder sourceFailuresToAlert(int failures) {
      if (failures < 1 || failures > 1000) {
        throw new IllegalArgumentException(
            "sourceFailuresToAlert must be in [1, 1000]: " + failures);
      }
      this.sourceFailuresToAlert = failures;
      return this;
    }

    /**
     * Adds a recurring mute window (like Alertmanager's {@code mute_time_intervals}): while it is
     * active, the notifications of the alerts it matches are suppressed.
     *
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if a window of the same name was added already
     */
    public Builder muteWindow(MuteWindow window) {
      requireNonNull(window, "muteWindow == null");
      for (MuteWindow w : muteWindows) {
        if (w.name().equals(window.name())) {
          throw new IllegalArgumentException(
              "mute window name already registered: " + window.name());
        }
      }
      muteWindows.add(window);
      return this;
    }

    /**
     * Registers a source polled on {@code schedule}.
     *
     * @param name unique name of the source, used in logs, stats and thread names
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or already registered
     */
    public Builder source(String name, Schedule schedule, MetricSource source) {
      checkName(name, "source");
      requireNonNull(schedule, "schedule == null");
      requireNonNull(source, "source == null");
      if (sources.containsKey(name)) {
        throw new IllegalArgumentException("source name already registered: " + name);
      }
      sources.put(name, new SourceRegistration(source, schedule));
      return this;
    }

    /**
     * Adds a rule.
     *
     * @throws NullPointerException if {@code rule} is null
     * @throws IllegalArgumentException if a rule of the same name was added already
     */
    public Builder rule(AlertRule rule) {
      requireNonNull(rule, "rule == null");
      for (AlertRule r : rules) {
        if (r.name().equals(rule.name())) {
          throw new IllegalArgumentException("rule name already registered: " + rule.name());
        }
      }
      rules.add(rule);
      return this;
    }

    /**
     * Registers a sink under {@code name}. Without a {@link #route}, every notification goes to
     * every sink; with one, to the sinks of the routes that take it.
     *
     * @param name unique name of the sink, used in logs, stats and its thread's name
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank, has characters other than letters,
     *     digits, '-', '_' and '.', or is already registered
     */
    public Builder sink(String name, AlertSink sink) {
      checkName(name, "sink");
      requireNonNull(sink, "sink == null");
      if (sinks.containsKey(name)) {
        throw new IllegalArgumentException("sink name already registered: " + name);
      }
      sinks.put(name, sink);
      return this;
    }

    /**
     * Declares that this monitor has no sink on purpose: the host reads its alerts through {@link
     * ResourceMonitor#activeAlerts()} or its {@link #listener} only. Without this, {@link #build()}
     * refuses a monitor without a sink, whose notifications would go nowhere. Conflicts with {@link
     * #sink}.
     */
    public Builder withoutSinks() {
      this.withoutSinks = true;
      return this;
    }

    /**
     * Sets the wall clock for timestamps ({@code startsAt}, {@code endsAt}); UTC system clock by
     * default. Tests pass a clock they control.
     *
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets the monotonic ticker that drives the schedules; {@link Ticker#system()} by default.
     * Tests pass a ticker they advance by hand.
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * Sets the listener told about polls, errors and deliveries; {@link MonitorListener#NONE} by
     * default.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(MonitorListener listener) {
      this.listener = requireNonNull(listener, "listener == null");
      return this;
    }

    /**
     * Runs polls on the host's executor instead of the monitor's own pool. The monitor never shuts
     * it down. Conflicts with {@link #pollThreads}.
     *
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor == null");
      return this;
    }

    /**
     * Sets how many sources may be polled at once by the monitor's own pool; 4 by default.
     *
     * @throws IllegalArgumentException if {@code threads} is not in [1, 256]
     */
    public Builder pollThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("pollThreads must be in [1, 256]: " + threads);
      }
      this.pollThreads = threads;
      return this;
    }

    /**
     * Sets how many notifications each sink may have queued; 10,000 by default. When full, the
     * oldest is dropped, logged and reported.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public Builder sinkQueueCapacity(int capacity) {
      if (capacity < 1) throw new IllegalArgumentException("sinkQueueCapacity < 1: " + capacity);
      this.sinkQueueCapacity = capacity;
      return this;
    }

    /**
     * Sets how many times a sink is tried per notification; 3 by default (1 means no retry).
     *
     * @throws IllegalArgumentException if {@code attempts} is not in [1, 100]
     */
    public Builder deliveryAttempts(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new IllegalArgumentException("deliveryAttempts must be in [1, 100]: " + attempts);
      }
      this.deliveryAttempts = attempts;
      return this;
    }

    /**
     * Sets the pause before the first retry of a delivery (1 s by default) and the longest pause
     * (30 s by default); the pause grows exponentially (multiplier 2, randomized by ±50%, capped at
     * {@code max}: Resilience4j's {@code IntervalFunction.ofExponentialRandomBackoff}). Pauses are
     * real time, not the {@link #ticker}'s: a test with a failing sink sets {@code
     * deliveryBackoff(Duration.ZERO, Duration.ZERO)}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code initial} is negative or {@code max} is less than
     *     {@code initial}
     */
    public Builder deliveryBackoff(Duration initial, Duration max) {
      requireNonNull(initial, "deliveryBackoff initial == null");
      requireNonNull(max, "deliveryBackoff max == null");
      if (initial.isNegative()) {
        throw new IllegalArgumentException("deliveryBackoff initial is negative: " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "deliveryBackoff max " + max + " is less than initial " + initial);
      }
      this.deliveryBackoff = initial;
      this.maxDeliveryBackoff = max;
      return this;
    }

    /**
     * Sets how long {@link ResourceMonitor#close()} may take at most; 10 s by default.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Durations.nonNegative(timeout, "shutdownTimeout");
      return this;
    }

    /**
     * Builds the monitor; it does not poll until {@link ResourceMonitor#start()}.
     *
     * <p>A monitor with sinks but no rule is built, with a WARN line: only the sources' {@code
     * SourceHealth} alerts reach its sinks.
     *
     * @throws IllegalStateException if no source is registered, if no sink is registered and {@link
     *     #withoutSinks()} was not called, or both were, if both {@code executor} and {@code
     *     pollThreads} are set, if a route or budget names a sink that is not registered, if a
     *     registered sink is on no route, or if the root route has matchers or no sink
     */
    public ResourceMonitor build() {
      if (sources.isEmpty()) throw new IllegalStateException("no source: add one with source()");
      if (executor != null && pollThreads != null) {
        throw new IllegalStateException("executor and pollThreads both set: choose one");
      }
      for (String sink : budgets.keySet()) {
        if (!sinks.containsKey(sink)) {
          throw new IllegalStateException(
              "sinkBudget names sink \""
                  + sink
                  + "\", which is not registered; register it with sink(\""
                  + sink
                  + "\", ...) or use one of "
                  + sinks.keySet());
        }
      }
      Route root = route;
      routeTree =
          root == null ? RouteTree.everySink(sinks.keySet()) : RouteTree.of(root, sinks.keySet());
      if (sinks.isEmpty() && !withoutSinks) {
        throw new IllegalStateException(
            "no sink: notifications would go nowhere; add one with sink(name, sink), or call"
                + " withoutSinks() if the monitor is read through activeAlerts() or its listener"
                + " only");
      }
      if (withoutSinks && !sinks.isEmpty()) {
        throw new IllegalStateException(
            "withoutSinks() and sink() both set: remove withoutSinks() or the sinks "
                + sinks.keySet());
      }
      if (rules.isEmpty() && !sinks.isEmpty()) {
        log.warn(
            "Vigil monitor has sinks {} but no rule: only the sources' health alerts (SourceHealth)"
                + " reach them; add rules with ResourceMonitor.Builder.rule(...)",
            sinks.keySet());
      }
      return new ResourceMonitor(this);
    }

    private static void checkName(String name, String what) {
      requireNonNull(name, what + " name == null");
      if (name.isBlank()) throw new IllegalArgumentException(what + " name is blank");
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
          throw new IllegalArgumentException(
              what + " name may hold letters, digits, '-', '_' and '.' only: \"" + name + "\"");
        }
      }
    }
  }
}
