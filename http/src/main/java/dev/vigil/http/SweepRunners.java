package dev.vigil.http;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a task for each index {@code 0..size-1} on a few threads of an executor, without a task, a
 * {@code Future} or a wake-up of the waiting thread per index: each of at most {@code concurrency}
 * runners takes the next index from a shared counter until none is left, and the waiting thread is
 * woken once, when the last index is done or the sweep is stopped.
 *
 * <p>Memory effects: everything the tasks did happens-before {@link #await} returns for a
 * {@linkplain #complete() complete} sweep, so tasks may write their results into a plain array.
 *
 * <p>One instance serves one sweep. {@link #start} and {@link #await} are called by the thread that
 * owns the sweep, {@link #stop} by any thread.
 */
final class SweepRunners {
  private final int size;
  private final IntConsumer task;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger unfinished;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile @Nullable Throwable failure;

  /**
   * Prepares a sweep.
   *
   * @param task run once for each index; it should not throw: a throwable ends the sweep, and
   *     {@link #await} reports it
   */
  SweepRunners(int size, IntConsumer task) {
    this.size = size;
    this.task = task;
    this.unfinished = new AtomicInteger(size);
    if (size == 0) done.countDown();
  }

  /**
   * Hands {@code min(concurrency, size)} runners to {@code executor}.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses one; the sweep
   *     is stopped then
   */
  void start(Executor executor, int concurrency) {
    int runners = Math.min(concurrency, size);
    try {
      for (int i = 0; i < runners; i++) executor.execute(this::run);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void run() {
    while (!stopped) {
      int i = next.getAndIncrement();
      if (i >= size) return;
      try {
        task.accept(i);
      } catch (Throwable t) {
        failure = t;
        stop();
        throw t; // the executor's thread ends as it would have; await() reports it
      }
      // A release: the last decrement publishes every task's writes to the thread in await().
      if (unfinished.decrementAndGet() == 0) done.countDown();
    }
  }

  /**
   * Ends the sweep early: runners take no further index (running tasks finish theirs) and {@link
   * #await} returns. Idempotent.
   */
  void stop() {
    stopped = true;
    done.countDown();
  }

  /**
   * Waits until every index is done or the sweep is stopped; then see {@link #complete()}.
   *
   * @throws InterruptedException if interrupted while waiting (the sweep goes on: stop it)
   * @throws IllegalStateException if a task threw
   */
  void await() throws InterruptedException {
    done.await();
    rethrowFailure();
  }

  /**
   * Waits at most {@code timeoutNanos} until every index is done or the sweep is stopped; then see
   * {@link #complete()}. Tasks still running when it returns false go on: stop the sweep.
   *
   * @return false if the time passed first
   * @throws InterruptedException if interrupted while waiting (the sweep goes on: stop it)
   * @throws IllegalStateException if a task threw
   */
  boolean await(long timeoutNanos) throws InterruptedException {
    boolean ended = done.await(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    rethrowFailure();
    return ended;
  }

  private void rethrowFailure() {
    Throwable t = failure;
    if (t != null) throw new IllegalStateException("reading the resources failed unexpectedly", t);
  }

  /** True if the task ran for every index. */
  boolean complete() {
    return unfinished.get() == 0;
  }
}
