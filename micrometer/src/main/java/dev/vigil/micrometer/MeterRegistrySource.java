package dev.vigil.micrometer;

import static java.util.Objects.requireNonNull;

import dev.vigil.MetricSource;
import dev.vigil.PollContext;
import dev.vigil.Sample;
import dev.vigil.internal.Labels;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetricSource} that reads the application's own Micrometer meters, so that a rule can
 * alert on the application's latency, error rate or queue sizes with the same engine as on its
 * infrastructure.
 *
 * <pre>{@code
 * MeterRegistrySource app = MeterRegistrySource.builder(meterRegistry)
 *     .resource("checkout-service")
 *     .include("http.server.requests", "jvm.memory.used")
 *     .build();
 * }</pre>
 *
 * <p><b>Samples.</b> Each meter gives the samples below, named after the meter, with its tags as
 * labels (a tag named like a reserved label, {@code alertname}, {@code resource} or {@code
 * severity}, becomes {@code tag_<name>}). Times are in seconds, amounts in the meter's base unit.
 *
 * <table>
 *   <caption>Samples per meter type</caption>
 *   <tr><th>Meter</th><th>Samples</th></tr>
 *   <tr><td>{@link Gauge}, {@link TimeGauge}</td><td>{@code <name>}: its value</td></tr>
 *   <tr><td>{@link Counter}, {@link FunctionCounter}</td>
 *       <td>{@code <name>.rate}: increments per second since the previous poll</td></tr>
 *   <tr><td>{@link Timer}, {@link DistributionSummary}</td>
 *       <td>{@code <name>.rate} (events per second), {@code <name>.mean} (mean of the events since
 *       the previous poll), {@code <name>.max} (Micrometer's decaying maximum), and {@code
 *       <name>.p<percentile>} for each percentile the meter publishes
 *       ({@code publishPercentiles(0.99)} gives {@code <name>.p99}, 0.999 gives {@code .p99.9})</td></tr>
 *   <tr><td>{@link FunctionTimer}</td><td>{@code <name>.rate}, {@code <name>.mean}</td></tr>
 *   <tr><td>{@link LongTaskTimer}</td>
 *       <td>{@code <name>.active} (tasks running), {@code <name>.duration} (their total time so
 *       far), {@code <name>.max} (the longest running)</td></tr>
 * </table>
 *
 * <p><b>Never a made-up value.</b> Rates and means need two polls: the first poll of a meter gives
 * none. A timer or summary without events since the previous poll gives its rate (0, a real
 * measurement) but no mean, maximum or percentiles, since Micrometer would report 0 for them. A
 * gauge whose value is NaN (its object was garbage collected, or its function failed) gives no
 * sample. A counter that went down (the meter was removed and registered again) gives no rate for
 * that interval. Rates assume cumulative counters, as the Prometheus and the simple registry keep
 * them; a step registry's counters count per step. Intervals are measured on the registry's clock
 * ({@link Clock#monotonicTime()}).
 *
 * <p><b>Errors.</b> A meter that throws while read is reported through {@link
 * PollContext#reportError} under its name, and the other meters are read as usual.
 *
 * <p>Thread safety: the monitor never polls one source concurrently with itself, which is all this
 * class needs; the registry may be updated concurrently by the application, as Micrometer allows.
 */
public final class MeterRegistrySource implements MetricSource {
  private final MeterRegistry registry;
  private final String resource;
  private final @Nullable String resourceTag;
  private final List<String> include;
  private final Predicate<Meter.Id> filter;

  /** The cumulative readings of the previous poll, by meter. */
  private Map<Meter.Id, Reading> previous = new HashMap<>();

  /** A cumulative reading of a counter or timer: its count, its total and when. */
  private record Reading(double count, double total, long nanos) {}

  private MeterRegistrySource(Builder b) {
    this.registry = b.registry;
    this.resource = b.resource;
    this.resourceTag = b.resourceTag;
    this.include = List.copyOf(b.include);
    this.filter = b.filter;
  }

  /**
   * Starts a source that reads {@code registry}.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(requireNonNull(registry, "registry == null"));
  }

  @Override
  public List<Sample> poll(PollContext context) {
    Instant now = context.now();
    long nanos = registry.config().clock().monotonicTime();
    Map<Meter.Id, Reading> current = new HashMap<>();
    List<Sample> out = new ArrayList<>();
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      // Percentile and histogram gauges some registries derive from a timer: read from the timer.
      if (id.syntheticAssociation() != null || !included(id)) continue;
      try {
        new Reader(id, now, nanos, current, out).read(meter);
      } catch (RuntimeException e) {
        context.reportError(id.getName(), e);
      }
    }
    previous = current;
    return out;
  }

  private boolean included(Meter.Id id) {
    if (!filter.test(id)) return false;
    if (include.isEmpty()) return true;
    String name = id.getName();
    for (String prefix : include) {
      if (name.equals(prefix) || name.startsWith(prefix + ".")) return true;
    }
    return false;
  }

  /** Reads one meter into samples. */
  private final class Reader {
    private final Meter.Id id;
    private final Instant now;
    private final long nanos;
    private final Map<Meter.Id, Reading> current;
    private final List<Sample> out;
    private final String resourceOfMeter;
    private final Map<String, String> labels;

    Reader(Meter.Id id, Instant now, long nanos, Map<Meter.Id, Reading> current, List<Sample> out) {
      this.id = id;
      this.now = now;
      this.nanos = nanos;
      this.current = current;
      this.out = out;
      Map<String, String> l = new LinkedHashMap<>();
      String fromTag = null;
      for (Tag t : id.getTagsAsIterable()) {
        if (t.getKey().equals(resourceTag)) fromTag = t.getValue();
        String key = Labels.RESERVED.contains(t.getKey()) ? "tag_" + t.getKey() : t.getKey();
        l.put(key, t.getValue());
      }
      this.labels = l;
      this.resourceOfMeter = fromTag == null || fromTag.isBlank() ? resource : fromTag;
    }

    void read(Meter meter) {
      meter.use(
          gauge -> emit("", gauge.value()),
          counter -> rate(counter.count()),
          timer -> timed(timer),
          summary -> summarised(summary),
          longTask -> {
            emit(".active", longTask.activeTasks());
            emit(".duration", longTask.duration(TimeUnit.SECONDS));
            emit(".max", longTask.max(TimeUnit.SECONDS));
          },
          timeGauge -> emit("", timeGauge.value(TimeUnit.SECONDS)),
          functionCounter -> rate(functionCounter.count()),
          functionTimer ->
              meanAndRate(functionTimer.count(), functionTimer.totalTime(TimeUnit.SECONDS)),
          other -> {} // a custom meter: its measurements have no agreed meaning
          );
    }

    private void timed(Timer timer) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      if (meanAndRate((double) snapshot.count(), snapshot.total(TimeUnit.SECONDS))) {
        emit(".max", snapshot.max(TimeUnit.SECONDS));
        for (ValueAtPercentile p : snapshot.percentileValues()) {
          emit(".p" + percentile(p.percentile()), p.value(TimeUnit.SECONDS));
        }
      }
    }

    private void summarised(DistributionSummary summary) {
      HistogramSnapshot snapshot = summary.takeSnapshot();
      if (meanAndRate((double) snapshot.count(), snapshot.total())) {
        emit(".max", snapshot.max());
        for (ValueAtPercentile p : snapshot.percentileValues()) {
          emit(".p" + percentile(p.percentile()), p.value());
        }
      }
    }

    /** Emits {@code .rate}; true if there were events since the previous poll. */
    private boolean meanAndRate(double count, double total) {
      Reading before = remember(count, total);
      if (before == null || nanos <= before.nanos() || count < before.count()) return false;
      double events = count - before.count();
      emit(".rate", events / ((nanos - before.nanos()) / 1e9));
      if (events <= 0) return false;
      emit(".mean", (total - before.total()) / events);
      return true;
    }

    private void rate(double count) {
      Reading before = remember(count, 0);
      if (before == null || nanos <= before.nanos() || count < before.count()) return;
      emit(".rate", (count - before.count()) / ((nanos - before.nanos()) / 1e9));
    }

    private @Nullable Reading remember(double count, double total) {
      current.put(id, new Reading(count, total, nanos));
      return previous.get(id);
    }

    private void emit(String suffix, double value) {
      if (!Double.isFinite(value)) return;
      out.add(new Sample(id.getName() + suffix, resourceOfMeter, labels, value, now));
    }
  }

  /** 0.99 as {@code 99}, 0.999 as {@code 99.9}, 0.5 as {@code 50}. */
  static String percentile(double p) {
    return BigDecimal.valueOf(p).movePointRight(2).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return "MeterRegistrySource{registry="
        + registry.getClass().getSimpleName()
        + ", resource="
        + resource
        + (include.isEmpty() ? "" : ", include=" + include)
        + "}";
  }

  /** Configures a {@link MeterRegistrySource}. Not thread safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private String resource = "app";
    private @Nullable String resourceTag;
    private final Set<String> include = new HashSet<>();
    private Predicate<Meter.Id> filter = id -> true;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * The resource every sample is about, unless {@link #resourceTag} gives one: the application,
     * by default {@code app}.
     *
     * @throws NullPointerException if {@code resource} is null
     * @throws IllegalArgumentException if {@code resource} is blank
     */
    public Builder resource(String resource) {
      requireNonNull(resource, "resource == null");
      if (resource.isBlank()) throw new IllegalArgumentException("resource is blank");
      this.resource = resource;
      return this;
    }

    /**
     * Takes the resource of a meter's samples from its tag {@code tag} (for example {@code uri} or
     * {@code queue}), and the {@link #resource} where a meter has no such tag.
     *
     * @throws NullPointerException if {@code tag} is null
     * @throws IllegalArgumentException if {@code tag} is blank
     */
    public Builder resourceTag(String tag) {
      requireNonNull(tag, "tag == null");
      if (tag.isBlank()) throw new IllegalArgumentException("resource tag is blank");
      this.resourceTag = tag;
      return this;
    }

    /**
     * Reads only the meters with these names, or names under them ({@code http.server} includes
     * {@code http.server.requests}); by default every meter. Calls add up.
     *
     * @throws NullPointerException if a name is null
     * @throws IllegalArgumentException if a name is blank
     */
    public Builder include(String... names) {
      for (String name : names) {
        requireNonNull(name, "name == null");
        if (name.isBlank()) throw new IllegalArgumentException("meter name is blank");
        include.add(name);
      }
      return this;
    }

    /**
     * Reads only the meters whose id {@code filter} accepts (together with {@link #include}).
     *
     * @throws NullPointerException if {@code filter} is null
     */
    public Builder filter(Predicate<Meter.Id> filter) {
      this.filter = requireNonNull(filter, "filter == null");
      return this;
    }

    /** Builds the source. */
    public MeterRegistrySource build() {
      return new MeterRegistrySource(this);
    }
  }
}
