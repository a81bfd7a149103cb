package dev.vigil;

import dev.vigil.internal.SampleWindow;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One series of a {@link SeriesStore}: its identity (metric, resource, interned labels), the latest
 * value, the windows its rules read, and the alerts of the rules reading its metric, by their index
 * in {@link RuleRuntime}'s list of readers. An alert that never left its quiet state (inactive, no
 * breach so far, no history) of a rule on this series alone is no object: two longs here hold what
 * it needs (see {@link #quiet}). Not thread safe: guarded by the evaluator's lock.
 */
final class Series {
  static final long NONE = Long.MIN_VALUE;

  final String metric;
  final String resource;

  /** Interned: every series with equal labels shares one map. */
  final Map<String, String> labels;

  final String source;
  final int hash;

  /** The windows, shared by every series of the metric, and this series' samples in each. */
  final SeriesStore.WindowSpec[] specs;

  /** One window per spec: null without specs, the window itself for one, else an array. */
  private final @Nullable Object windows;

  double last = Double.NaN;

  /** Ticker reading of the last sample. */
  long lastNanos = NONE;

  /** Wall clock (epoch millis) of the last evaluation of this series: a quiet alert's. */
  long evaluatedAtMillis;

  /** The last poll that brought a sample of this series. */
  long touchedPoll;

  /** The slot of its resource in its source's {@link LastSeen}, as last known; -1 if none. */
  int seenSlot = -1;

  /** Removed from the store; the source's list drops it on its next sweep. */
  boolean removed;

  /**
   * The quiet alerts of the quiet rules reading this metric: for each, at {@link
   * RuleRuntime#bitsSlot}, the evaluation periods with a real datapoint, newest in bit 0 (a quiet
   * alert has no breach among them), and at {@link RuleRuntime#dataSlot} the ticker reading of its
   * last datapoint or {@link #NONE}; a rule on latest values has no such slot, its last datapoint
   * is the last sample. Null when no quiet rule reads the metric.
   */
  final long @Nullable [] quiet;

  /** Bit {@code i}: the quiet alert of reader {@code i} exists (was evaluated, not forgotten). */
  long quietLive;

  /** The alerts of the rules reading this series' metric, by their index there; lazily. */
  @Nullable AlertEntry @Nullable [] entries;

  Series(
      String metric,
      String resource,
      Map<String, String> labels,
      int hash,
      String source,
      SeriesStore.WindowSpec[] specs,
      int quietSlots) {
    this.metric = metric;
    this.resource = resource;
    this.labels = labels;
    this.hash = hash;
    this.source = source;
    this.specs = specs;
    if (specs.length == 0) {
      this.windows = null;
    } else if (specs.length == 1) {
      this.windows = specs[0].create();
    } else {
      SampleWindow[] w = new SampleWindow[specs.length];
      for (int i = 0; i < specs.length; i++) w[i] = specs[i].create();
      this.windows = w;
    }
    this.quiet = quietSlots == 0 ? null : new long[quietSlots];
  }

  static int hash(String metric, String resource, Map<String, String> labels) {
    int h = metric.hashCode();
    h = 31 * h + resource.hashCode();
    h = 31 * h + labels.hashCode();
    h *= 0x9E3779B9; // Fibonacci hashing: near names land far apart in the open-addressing table
    return h ^ (h >>> 16);
  }

  boolean is(String metric, String resource, Map<String, String> labels) {
    return this.metric.equals(metric)
        && this.resource.equals(resource)
        && (this.labels == labels || this.labels.equals(labels));
  }

  /**
   * The alert of the {@code i}-th rule reading this metric, if it is an object and not forgotten.
   */
  @Nullable AlertEntry entry(int i) {
    AlertEntry[] cached = entries;
    if (cached == null) return null;
    AlertEntry e = cached[i];
    return e == null || e.forgotten ? null : e;
  }

  void cache(int i, int rules, AlertEntry e) {
    AlertEntry[] cached = entries;
    if (cached == null) entries = cached = new AlertEntry[rules];
    cached[i] = e;
  }

  /** Adds a sample taken at ticker reading {@code nanos}. */
  void add(double value, long nanos) {
    last = value;
    lastNanos = nanos;
    Object w = windows;
    if (w == null) return;
    long millis = Math.floorDiv(nanos, 1_000_000L);
    if (w instanceof SampleWindow one) {
      one.add(millis, value);
    } else {
      for (SampleWindow window : (SampleWindow[]) w) window.add(millis, value);
    }
  }

  /** The window of spec {@code index} (as {@link SeriesStore#windowIndex}), or null if none. */
  @Nullable SampleWindow window(int index) {
    Object w = windows;
    if (w == null || index < 0) return null;
    return w instanceof SampleWindow one ? one : ((SampleWindow[]) w)[index];
  }

  /** The aggregate {@code a} of this series now, NaN without enough data. */
  double aggregate(Aggregation a, long nowNanos) {
    if (a.kind == Aggregation.Kind.LATEST) return last;
    Window window = a.window;
    if (window == null) return Double.NaN;
    int index = -1;
    for (int i = 0; i < specs.length; i++) {
      if (specs[i].window().equals(window)) index = i;
    }
    return aggregate(a, index, nowNanos);
  }

  /** As {@link #aggregate(Aggregation, long)}, with the index of its window known. */
  double aggregate(Aggregation a, int windowIndex, long nowNanos) {
    if (a.kind == Aggregation.Kind.LATEST) return last;
    Window window = a.window;
    SampleWindow w = window(windowIndex);
    if (w == null || window == null) return Double.NaN;
    if (w.keepsTimes()) {
      w.evictExpired(Math.max(Math.floorDiv(nowNanos, 1_000_000L), millis(lastNanos)));
    }
    if (w.isEmpty()) return Double.NaN;
    // "The last N samples" means N: a count window has no value until it is full.
    if (window.duration().isZero() && w.size() < window.count()) return Double.NaN;
    return switch (a.kind) {
      case AVG -> w.avg();
      case MIN -> w.min();
      case MAX -> w.max();
      case PERCENTILE -> w.percentile(a.percentile);
      case RATE -> w.size() < 2 ? Double.NaN : w.ratePerSecond();
      case PREDICT_LINEAR ->
          w.size() < 2 ? Double.NaN : w.predictLinear(w.lastTimeMillis() + a.ahead.toMillis());
      case LATEST -> last;
    };
  }

  private static long millis(long nanos) {
    return nanos == NONE ? Long.MIN_VALUE : Math.floorDiv(nanos, 1_000_000L);
  }

  @Override
  public String toString() {
    return "SeriesKey[metric=" + metric + ", resource=" + resource + ", labels=" + labels + "]";
  }
}
