package dev.vigil;

import dev.vigil.internal.SampleWindow;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The series the engine keeps, compactly: an open-addressing table of {@link Series} looked up by
 * (metric, resource, labels) without a key object, label maps interned so that equal label sets
 * share one map, windows sized to what the rules read (see {@link WindowSpec}), and each source's
 * series in one array in the order they started. Not thread safe: guarded by the evaluator's lock.
 *
 * <p>Costs: a lookup is O(1) expected and allocates nothing; starting a series allocates it, its
 * windows and, for a label set not seen before, one interned map.
 */
final class SeriesStore {
  private static final int INITIAL_TABLE = 64;

  /** The table, a power of two at most half full; null slots are free, {@link #TOMB} deleted. */
  private Series[] table = new Series[INITIAL_TABLE];

  private int size;
  private int used; // size plus tombstones

  private static final Series TOMB =
      new Series("\0", "\0", Map.of(), 0, "", WindowSpec.NONE_SPECS, 0);

  /** Label sets by themselves: one shared map per distinct set. */
  private final Map<Map<String, String>, Map<String, String>> interned = new HashMap<>();

  /** The windows each metric's rules read, with the aggregates they read from each. */
  private final Map<String, WindowSpec[]> windowsByMetric;

  /** The quiet slots (longs) each series of a metric holds; see {@link Series#quiet}. */
  private final Map<String, Integer> quietSlots;

  /** Series of heartbeat metrics by metric, in the order they started: ticked after each poll. */
  private final Map<String, Set<Series>> heartbeatSeries = new HashMap<>();

  /** Each source's series in the order they started; removed ones are dropped on its sweep. */
  private final Map<String, SourceSeries> bySource = new HashMap<>();

  SeriesStore(
      Map<String, WindowSpec[]> windowsByMetric,
      Map<String, Integer> quietSlots,
      Set<String> heartbeatMetrics) {
    this.windowsByMetric = Map.copyOf(windowsByMetric);
    this.quietSlots = Map.copyOf(quietSlots);
    for (String m : heartbeatMetrics) heartbeatSeries.put(m, new LinkedHashSet<>());
  }

  int size() {
    return size;
  }

  /** The series, or null. Allocates nothing. */
  @Nullable Series find(String metric, String resource, Map<String, String> labels) {
    return find(metric, resource, labels, Series.hash(metric, resource, labels));
  }

  private @Nullable Series find(
      String metric, String resource, Map<String, String> labels, int hash) {
    Series[] t = table;
    int mask = t.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Series s = t[i];
      if (s == null) return null;
      if (s != TOMB && s.hash == hash && s.is(metric, resource, labels)) return s;
    }
  }

  /** The series of {@code sample}, started (for {@code source}) if new; {@code created} says so. */
  Series getOrCreate(Sample sample, String source, boolean[] created) {
    String metric = sample.metric();
    String resource = sample.resource();
    Map<String, String> labels = sample.labels();
    int hash = Series.hash(metric, resource, labels);
    Series s = find(metric, resource, labels, hash);
    created[0] = s == null;
    if (s != null) return s;
    s =
        new Series(
            metric,
            resource,
            intern(labels),
            hash,
            source,
            windowsByMetric.getOrDefault(metric, WindowSpec.NONE_SPECS),
            quietSlots.getOrDefault(metric, 0));
    insert(s);
    bySource.computeIfAbsent(source, k -> new SourceSeries()).add(s);
    Set<Series> beats = heartbeatSeries.get(metric);
    if (beats != null) beats.add(s);
    return s;
  }

  /** The shared instance of {@code labels}. */
  Map<String, String> intern(Map<String, String> labels) {
    if (labels.isEmpty()) return Map.of();
    Map<String, String> shared = interned.get(labels);
    if (shared == null) {
      shared = Map.copyOf(labels);
      interned.put(shared, shared);
    }
    return shared;
  }

  /** The distinct label sets interned and not yet dropped ({@link #reintern}). */
  int internedLabelSets() {
    return interned.size();
  }

  /**
   * Keeps only the label sets that live series hold, once the interned ones outnumber twice the
   * series: a label that changes every poll (a pod name) does not grow the table without bound. An
   * alert keeps its own reference; a series created later with equal labels gets a new instance,
   * which compares equal.
   */
  private void reintern() {
    interned.clear();
    for (Series s : table) {
      if (s != null && s != TOMB && !s.labels.isEmpty()) interned.putIfAbsent(s.labels, s.labels);
    }
  }

  void remove(Series s) {
    if (s.removed) return;
    Series[] t = table;
    int mask = t.length - 1;
    for (int i = s.hash & mask; ; i = (i + 1) & mask) {
      Series at = t[i];
      if (at == null) return;
      if (at == s) {
        t[i] = TOMB;
        size--;
        if (interned.size() > 2 * size + 1024) reintern();
        break;
      }
    }
    s.removed = true;
    SourceSeries list = bySource.get(s.source);
    if (list != null) list.removed();
    Set<Series> beats = heartbeatSeries.get(s.metric);
    if (beats != null) beats.remove(s);
  }

  /** The series of heartbeat metric {@code metric}, in the order they started. */
  Set<Series> heartbeatSeries(String metric) {
    return heartbeatSeries.getOrDefault(metric, Set.of());
  }

  /** The series {@code source} started, for its sweep; removed ones are dropped while reading. */
  SourceSeries ofSource(String source) {
    return bySource.computeIfAbsent(source, k -> new SourceSeries());
  }

  private void insert(Series s) {
    if ((used + 1) * 2 > table.length) rehash(size + 1 > table.length / 4 ? 2 : 1);
    Series[] t = table;
    int mask = t.length - 1;
    int i = s.hash & mask;
    while (t[i] != null && t[i] != TOMB) i = (i + 1) & mask;
    if (t[i] == null) used++;
    t[i] = s;
    size++;
  }

  private void rehash(int factor) {
    Series[] old = table;
    Series[] t = new Series[old.length * factor];
    int mask = t.length - 1;
    for (Series s : old) {
      if (s == null || s == TOMB) continue;
      int i = s.hash & mask;
      while (t[i] != null) i = (i + 1) & mask;
      t[i] = s;
    }
    table = t;
    used = size;
  }

  /** One source's series in the order they started, compacted as it is read. */
  static final class SourceSeries {
    private Series[] series = new Series[16];
    private int size;

    /** The series of each position of the source's last poll (null for no series), reused. */
    private @Nullable Series[] positions = new Series[0];

    /**
     * The series at each position of the last poll, for a poll of {@code samples} samples: the
     * caller reads a position, then writes what it found there this time.
     */
    @Nullable Series[] positions(int samples) {
      if (positions.length != samples) {
        positions = Arrays.copyOf(positions, samples);
      }
      return positions;
    }

    /** Series not removed. */
    private int live;

    /** Series removed since the last {@link #compact}. */
    private int removed;

    void add(Series s) {
      if (size == series.length) series = Arrays.copyOf(series, size * 2);
      series[size++] = s;
      live++;
    }

    void removed() {
      live--;
      removed++;
    }

    /** The series not removed. */
    int live() {
      return live;
    }

    /** Drops the removed series, keeping the order, and returns how many are left. */
    int compact() {
      if (removed == 0) return size;
      removed = 0;
      int w = 0;
      for (int r = 0; r < size; r++) {
        Series s = series[r];
        if (!s.removed) series[w++] = s;
      }
      Arrays.fill(series, w, size, null);
      size = w;
      if (series.length > 64 && size < series.length / 4) {
        series = Arrays.copyOf(series, Math.max(16, size * 2));
      }
      return size;
    }

    Series get(int i) {
      return series[i];
    }
  }

  /**
   * A window some rule reads from a metric, and what is read from it: the extremes (min, max), the
   * trend (predict_linear) or the times (rate, and any window bounded by age). A count window read
   * for its average or percentiles keeps one array of doubles and nothing else.
   */
  record WindowSpec(Window window, boolean extremes, boolean trend, boolean times) {
    static final WindowSpec[] NONE_SPECS = new WindowSpec[0];

    /** {@code specs} with {@code window} read for {@code kind}, merged into one spec per window. */
    static WindowSpec[] add(WindowSpec @Nullable [] specs, Window window, Aggregation.Kind kind) {
      boolean extremes = kind == Aggregation.Kind.MIN || kind == Aggregation.Kind.MAX;
      boolean trend = kind == Aggregation.Kind.PREDICT_LINEAR;
      boolean times = trend || kind == Aggregation.Kind.RATE || !window.duration().isZero();
      WindowSpec[] out = specs == null ? NONE_SPECS : specs;
      for (int i = 0; i < out.length; i++) {
        WindowSpec s = out[i];
        if (s.window.equals(window)) {
          out = out.clone();
          out[i] =
              new WindowSpec(window, s.extremes || extremes, s.trend || trend, s.times || times);
          return out;
        }
      }
      out = Arrays.copyOf(out, out.length + 1);
      out[out.length - 1] = new WindowSpec(window, extremes, trend, times);
      return out;
    }

    /** The index of {@code window} in {@code specs}, or -1. */
    static int indexOf(WindowSpec @Nullable [] specs, @Nullable Window window) {
      if (specs == null || window == null) return -1;
      for (int i = 0; i < specs.length; i++) if (specs[i].window.equals(window)) return i;
      return -1;
    }

    SampleWindow create() {
      if (!times && !trend) return SampleWindow.ofValues(window.count(), extremes);
      return SampleWindow.of(
          window.count(), window.duration().isZero() ? null : window.duration(), extremes, trend);
    }
  }
}
