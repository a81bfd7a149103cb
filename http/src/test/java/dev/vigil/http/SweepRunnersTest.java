package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SweepRunnersTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void runsTheTaskOnceForEveryIndexAndPublishesWhatTheTasksWrote() throws Exception {
    int[] written = new int[10_000]; // a plain array: await() must make the writes visible
    AtomicIntegerArray runs = new AtomicIntegerArray(written.length);
    SweepRunners sweep =
        new SweepRunners(
            written.length,
            i -> {
              runs.incrementAndGet(i);
              written[i] = i + 1;
            });

    sweep.start(executor, 4);
    sweep.await();

    assertThat(sweep.complete()).isTrue();
    for (int i = 0; i < written.length; i++) {
      assertThat(runs.get(i)).as("runs of index %d", i).isEqualTo(1);
      assertThat(written[i]).isEqualTo(i + 1);
    }
  }

  @Test
  void usesAtMostConcurrencyThreadsAndOneExecutorTaskPerRunner() throws Exception {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger tasks = new AtomicInteger();
    SweepRunners sweep = new SweepRunners(1_000, i -> threads.add(Thread.currentThread()));

    sweep.start(
        r -> {
          tasks.incrementAndGet();
          executor.execute(r);
        },
        3);
    sweep.await();

    assertThat(tasks).hasValue(3);
    assertThat(threads).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    assertThat(sweep.complete()).isTrue();
  }

  @Test
  void fewerItemsThanConcurrencyStartOneRunnerPerItem() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    SweepRunners sweep = new SweepRunners(2, i -> {});

    sweep.start(
        r -> {
          tasks.incrementAndGet();
          executor.execute(r);
        },
        16);
    sweep.await();

    assertThat(tasks).hasValue(2);
  }

  @Test
  void emptySweepIsCompleteWithoutRunningAnything() throws Exception {
    SweepRunners sweep = new SweepRunners(0, i -> {});

    sweep.start(
        r -> {
          throw new AssertionError("no runner expected");
        },
        4);
    sweep.await();

    assertThat(sweep.complete()).isTrue();
  }

  @Test
  void stopWakesTheWaiterAndRunnersTakeNoFurtherIndex() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    SweepRunners sweep =
        new SweepRunners(
            100,
            i -> {
              ran.incrementAndGet();
              blocked.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    sweep.start(executor, 1);
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();

    sweep.stop();
    sweep.await(); // returns although index 0 is still running
    release.countDown();

    assertThat(sweep.complete()).isFalse();
    executor.shutdown();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).as("only the index that was running when stopped").hasValue(1);
  }

  @Test
  void aTaskThatThrowsEndsTheSweepAndAwaitReportsIt() {
    SweepRunners sweep =
        new SweepRunners(
            1_000,
            i -> {
              if (i == 7) throw new IllegalArgumentException("bug at 7");
            });

    sweep.start(executor, 2);

    assertThatThrownBy(sweep::await)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed unexpectedly")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
    assertThat(sweep.complete()).isFalse();
  }

  @Test
  void anExecutorThatRefusesAPartOfTheRunnersStopsTheSweep() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    SweepRunners sweep =
        new SweepRunners(
            10,
            i -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    assertThatThrownBy(
            () ->
                sweep.start(
                    r -> {
                      if (accepted.incrementAndGet() > 1) throw new RejectedExecutionException();
                      executor.execute(r);
                    },
                    4))
        .isInstanceOf(RejectedExecutionException.class);
    release.countDown();
    sweep.await(); // stopped: does not wait for the ten items

    assertThat(sweep.complete()).isFalse();
  }
}
