package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StateStore} must have, as JUnit 5 tests: extend it, return a fresh,
 * empty store from {@link #open()} and the same data from {@link #reopen()}.
 *
 * <pre>{@code
 * class MyStoreTest extends StateStoreContract {
 *   @Override protected StateStore open() { return MyStore.create(...); }
 *   @Override protected StateStore reopen() { return MyStore.connect(...); }
 * }
 * }</pre>
 *
 * <p>It checks round trips, isolation of spaces, text of any kind, the atomicity of the conditional
 * writes under contention (exactly one of many concurrent claims wins), and that what was written
 * and synced is there after a reopen.
 */
public abstract class StateStoreContract {
  private final List<StateStore> opened = new ArrayList<>();
  private StateStore store;

  /** A new, empty store. Called once per test. */
  protected abstract StateStore open() throws Exception;

  /**
   * Another store over the data of the last {@link #open()} (a new process would see it). The
   * contract closes the first store before calling it.
   */
  protected abstract StateStore reopen() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = track(open());
  }

  @AfterEach
  void closeStores() throws Exception {
    for (StateStore s : opened) s.close();
  }

  private StateStore track(StateStore s) {
    opened.add(s);
    return s;
  }

  @Test
  void anEmptySpaceLoadsEmpty() throws Exception {
    assertEquals(Map.of(), store.load("nothing"));
    assertNull(store.get("nothing", "k"));
  }

  @Test
  void putGetLoadAndRemoveRoundTrip() throws Exception {
    store.put("s", "a", "1");
    store.put("s", "b", "2");
    store.put("s", "a", "3");
    assertEquals("3", store.get("s", "a"));
    assertEquals(Map.of("a", "3", "b", "2"), store.load("s"));
    assertTrue(store.remove("s", "a"));
    assertFalse(store.remove("s", "a"), "removed twice");
    assertEquals(Map.of("b", "2"), store.load("s"));
  }

  @Test
  void spacesAreApart() throws Exception {
    store.put("nflog/email/{}", "fp", "x");
    store.put("nflog/pager/{}", "fp", "y");
    assertEquals("x", store.get("nflog/email/{}", "fp"));
    assertEquals(Map.of("fp", "y"), store.load("nflog/pager/{}"));
    assertEquals(Map.of(), store.load("nflog"));
  }

  @Test
  void conditionalWritesDoWhatTheySay() throws Exception {
    assertTrue(store.putIfAbsent("s", "k", "v1"));
    assertFalse(store.putIfAbsent("s", "k", "v2"), "second claim won");
    assertEquals("v1", store.get("s", "k"));
    assertFalse(store.replace("s", "k", "other", "v3"), "replaced a mismatch");
    assertTrue(store.replace("s", "k", "v1", "v3"));
    assertEquals("v3", store.get("s", "k"));
    assertFalse(store.replace("s", "missing", "v1", "v3"), "replaced nothing");
    assertNull(store.get("s", "missing"));
  }

  @Test
  void anyTextSurvives() throws Exception {
    String text = "line 1\nline 2\r\n\t\"quoted\" \\ 👩‍💻 ü \u0000 end" + "x".repeat(70_000);
    store.put("s", "key with spaces / and \n newline", text);
    store.sync();
    assertEquals(text, store.get("s", "key with spaces / and \n newline"));
    store.close();
    StateStore again = track(reopen());
    assertEquals(text, again.get("s", "key with spaces / and \n newline"));
  }

  @Test
  void whatWasSyncedIsThereAfterAReopen() throws Exception {
    for (int i = 0; i < 1_000; i++) store.put("s", "k" + i, "v" + i);
    for (int i = 0; i < 1_000; i += 2) store.remove("s", "k" + i);
    store.replace("s", "k1", "v1", "changed");
    store.sync();
    store.close();
    StateStore again = track(reopen());
    Map<String, String> loaded = again.load("s");
    assertEquals(500, loaded.size());
    assertEquals("changed", loaded.get("k1"));
    assertEquals("v3", loaded.get("k3"));
    assertFalse(loaded.containsKey("k0"), "a removed record came back");
  }

  @Test
  void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
    int claimants = 8;
    ExecutorService pool = Executors.newFixedThreadPool(claimants);
    try {
      for (int round = 0; round < 50; round++) {
        String key = "claim-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < claimants; i++) {
          String me = "replica-" + i;
          Callable<Boolean> claim =
              () -> {
                go.await();
                return store.putIfAbsent("claims", key, me);
              };
          results.add(pool.submit(claim));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : results) if (f.get(10, TimeUnit.SECONDS)) won++;
        assertEquals(1, won, "winners of " + key);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void exactlyOneOfManyConcurrentReplacesWins() throws Exception {
    int claimants = 8;
    store.put("leases", "k", "free");
    ExecutorService pool = Executors.newFixedThreadPool(claimants);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < claimants; i++) {
        String me = "replica-" + i;
        Callable<Boolean> take =
            () -> {
              go.await();
              return store.replace("leases", "k", "free", me);
            };
        results.add(pool.submit(take));
      }
      go.countDown();
      int won = 0;
      for (Future<Boolean> f : results) if (f.get(10, TimeUnit.SECONDS)) won++;
      assertEquals(1, won, "winners");
      assertTrue(String.valueOf(store.get("leases", "k")).startsWith("replica-"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRemovesReportOneRemoval() throws Exception {
    store.put("s", "k", "v");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Boolean> remove =
            () -> {
              go.await();
              return store.remove("s", "k");
            };
        results.add(pool.submit(remove));
      }
      go.countDown();
      int removed = 0;
      for (Future<Boolean> f : results) if (f.get(10, TimeUnit.SECONDS)) removed++;
      assertEquals(1, removed, "removals reported");
    } finally {
      pool.shutdownNow();
    }
  }
}
