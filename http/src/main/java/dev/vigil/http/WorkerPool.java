package dev.vigil.http;

import dev.vigil.internal.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of a source: daemon threads named {@code vigil-<name>-N}, created when first
 * needed and ended after a minute without work, on which one poll's requests run through {@link
 * SweepRunners} while the polling thread only waits, interruptibly and at most until the sweep
 * deadline. Thread safe.
 */
final class WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final int threads;
  private final ThreadPoolExecutor pool;

  WorkerPool(String name, int threads) {
    this.name = name;
    this.threads = threads;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory(name));
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code task} for each index {@code 0..size-1} on at most as many workers as this pool has,
   * and waits until all are done or {@code sweep}'s deadline passes; then the group's calls still
   * running are cancelled.
   *
   * @return true if every index was done in time
   * @throws InterruptedException if the polling thread is interrupted: the calls are cancelled
   * @throws IllegalStateException if the pool is closed, or was during the run
   */
  boolean run(int size, IntConsumer task, SweepBudget sweep, CallGroup calls)
      throws InterruptedException {
    SweepRunners runners = new SweepRunners(size, task);
    calls.track(runners);
    try {
      runners.start(pool, threads);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the source was closed during the poll", e);
    }
    boolean ended;
    try {
      ended = runners.await(sweep.remainingNanos());
    } catch (InterruptedException e) {
      calls.cancel();
      throw e;
    }
    if (ended && !runners.complete()) {
      throw new IllegalStateException("the source was closed during the poll");
    }
    if (!ended) calls.cancel();
    return ended;
  }

  /** Stops the workers, waiting up to 5 seconds; idempotent; keeps the interrupt status. */
  void close() {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("vigil-{} threads still running after close", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
