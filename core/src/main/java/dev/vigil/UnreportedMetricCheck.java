package dev.vigil;

import dev.vigil.internal.Loggers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Warns of rules whose metric no source reports: {@code metric("cpu")} when the source emits {@code
 * cpu_usage} would otherwise produce nothing at all. Fed by the monitor with the samples of every
 * successful poll, after the evaluator had them.
 *
 * <p>Rules are not tied to sources, so the check runs once every source has had a successful,
 * complete poll (one not {@linkplain PollContext#reportIncomplete reported incomplete}: the poll
 * that leaves its {@code SourceHealth} alert resolved; resources reported failed do not matter).
 * Each rule that reads a metric none of the polls until then reported gets one WARN line naming the
 * rule, the metric(s) and the metrics that were seen, one {@link
 * MonitorListener#onUnreportedMetric} event per metric, and counts in {@link
 * MonitorStats#rulesWithoutData()} until all of its metrics were reported; a metric reported later
 * is logged once at INFO. Absent rules are exempt: their own alert fires for a metric nobody
 * reports.
 *
 * <p><b>Cost.</b> Metric names are collected only until the check: a set of names per poll, merged
 * into at most {@link #MAX_SEEN} names, and none once every checked metric was seen. Afterwards
 * each sample is looked up in the small set of warned metrics, and only while one of them is still
 * unreported; when none is, a poll costs one volatile read.
 *
 * <p>Thread safe: polls of different sources feed it concurrently.
 */
final class UnreportedMetricCheck {
  private static final Logger log = Loggers.RULES;

  /** How many seen metric names a WARN line shows. */
  static final int SHOWN = 20;

  /** How many distinct metric names are collected before the check, at most. */
  static final int MAX_SEEN = 10_000;

  private final MonitorListener listener;

  /** The metrics each checked rule reads, by rule name, in rule order. */
  private final Map<String, Set<String>> metricsByRule = new LinkedHashMap<>();

  // Guarded by this.
  /** Sources that have not had a successful, complete poll yet; the check runs when empty. */
  private final Set<String> waitingFor;

  /** The metric names seen before the check (at most MAX_SEEN); null once it ran or is moot. */
  private @Nullable Set<String> seen = new HashSet<>();

  /** Whether more names than MAX_SEEN were seen. */
  private boolean seenCapped;

  /** After the check: the metrics of each warned rule that are still unreported. */
  private final Map<String, Set<String>> unreported = new LinkedHashMap<>();

  /**
   * The metrics to look for in each poll: before the check, those of the rules not seen yet; after
   * it, the warned ones still unreported. Empty when there is nothing left to do. Immutable.
   */
  private volatile Set<String> watched;

  /** Whether every metric name is collected (before the check). */
  private volatile boolean collecting;

  UnreportedMetricCheck(List<AlertRule> rules, Set<String> sources, MonitorListener listener) {
    this.listener = listener;
    Set<String> all = new HashSet<>();
    for (AlertRule rule : rules) {
      if (rule.absentGrace() != null) continue; // its alert fires for a metric nobody reports
      Set<String> metrics = new TreeSet<>();
      metrics.add(rule.metric());
      for (Condition c :
          new Condition[] {rule.condition(), rule.criticalCondition(), rule.clearCondition()}) {
        if (c != null) metrics.addAll(c.metrics());
      }
      metricsByRule.put(rule.name(), Collections.unmodifiableSet(metrics));
      all.addAll(metrics);
    }
    this.waitingFor = new HashSet<>(sources);
    this.watched = Set.copyOf(all);
    this.collecting = !all.isEmpty();
    if (all.isEmpty()) seen = null;
  }

  /**
   * A poll of {@code source} succeeded with {@code samples}; {@code complete} is false if the
   * source reported it incomplete.
   */
  // The == on names is a fast path only: an equal name of another identity is looked up.
  @SuppressWarnings("ReferenceEquality")
  void polled(String source, List<Sample> samples, boolean complete) {
    if (collecting) {
      collect(source, samples, complete);
      return;
    }
    Set<String> look = watched;
    if (look.isEmpty()) return; // the steady state: nothing left to look for
    @Nullable Set<String> found = null;
    @Nullable String last = null;
    for (int i = 0, n = samples.size(); i < n; i++) {
      String metric = samples.get(i).metric();
      if (metric == last) continue; // sources often emit one metric name instance in a row
      last = metric;
      if (look.contains(metric)) {
        if (found == null) found = new HashSet<>();
        found.add(metric);
      }
    }
    if (found != null) reported(source, found);
  }

  @SuppressWarnings("ReferenceEquality") // as in polled()
  private void collect(String source, List<Sample> samples, boolean complete) {
    Set<String> names = new HashSet<>();
    @Nullable String last = null;
    for (int i = 0, n = samples.size(); i < n; i++) {
      String metric = samples.get(i).metric();
      if (metric == last) continue;
      last = metric;
      names.add(metric);
    }
    List<Warning> warnings = new ArrayList<>();
    synchronized (this) {
      Set<String> s = seen;
      if (s == null) {
        // The check ran on another thread meanwhile: this poll may report a warned metric.
        Set<String> found = new HashSet<>(names);
        found.retainAll(watched);
        if (!found.isEmpty()) reported(source, found);
        return;
      }
      for (String name : names) {
        if (s.size() < MAX_SEEN) s.add(name);
        else if (!s.contains(name)) seenCapped = true;
      }
      Set<String> remaining = new HashSet<>(watched);
      remaining.removeAll(names);
      if (complete) waitingFor.remove(source);
      if (remaining.isEmpty()) {
        finish(Set.of()); // every rule's metric was seen: nothing to warn of
      } else if (waitingFor.isEmpty()) {
        SortedSet<String> shown = Collections.unmodifiableSortedSet(new TreeSet<>(s));
        String seenText = describe(shown, seenCapped);
        for (Map.Entry<String, Set<String>> e : metricsByRule.entrySet()) {
          Set<String> missing = new TreeSet<>(e.getValue());
          missing.retainAll(remaining);
          if (missing.isEmpty()) continue;
          unreported.put(e.getKey(), missing);
          Warning w = new Warning(e.getKey(), List.copyOf(missing), shown);
          w.log(seenText); // under the lock: before any "now reported" line of another poll
          warnings.add(w);
        }
        finish(remaining);
      } else {
        watched = Set.copyOf(remaining);
      }
    }
    // Outside the lock: a listener must not hold up the polls of other sources.
    for (Warning w : warnings) {
      for (String metric : w.metrics()) listener.onUnreportedMetric(w.rule(), metric, w.seen());
    }
  }

  /** The check is done (or moot): from now on only {@code stillWatched} is looked for. */
  private void finish(Set<String> stillWatched) {
    seen = null;
    watched = Set.copyOf(stillWatched);
    collecting = false;
  }

  /** {@code source} reported {@code found}, some of them warned of as unreported. */
  private synchronized void reported(String source, Set<String> found) {
    for (Iterator<Map.Entry<String, Set<String>>> it = unreported.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Set<String>> e = it.next();
      for (String metric : found) {
        if (e.getValue().remove(metric)) {
          log.info("Rule {}: metric {} is now reported (by source {})", e.getKey(), metric, source);
        }
      }
      if (e.getValue().isEmpty()) it.remove();
    }
    Set<String> still = new LinkedHashSet<>();
    unreported.values().forEach(still::addAll);
    watched = Set.copyOf(still);
  }

  /** The rules warned of whose metrics are not all reported yet. */
  synchronized int rulesWithoutData() {
    return unreported.size();
  }

  /** The first {@link #SHOWN} names, sorted, and how many more there are. */
  static String describe(SortedSet<String> names, boolean capped) {
    if (names.isEmpty()) return "no metric at all";
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (String name : names) {
      if (i == SHOWN) break;
      if (i++ > 0) b.append(", ");
      b.append(name);
    }
    int more = names.size() - i;
    if (more > 0 || capped) {
      b.append(" and ").append(capped ? "at least " : "").append(more).append(" more");
    }
    return b.toString();
  }

  /** One rule's warning. */
  private record Warning(String rule, List<String> metrics, Set<String> seen) {
    void log(String seenText) {
      log.warn(
          "Rule {} reads {} {}, which no source has reported since the monitor started (every"
              + " source has been polled successfully); the sources reported: {}. Check the"
              + " metric name in the rule",
          rule,
          metrics.size() == 1 ? "metric" : "metrics",
          String.join(", ", metrics),
          seenText);
    }
  }
}
