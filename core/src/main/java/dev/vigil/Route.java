package dev.vigil;

import static java.util.Objects.requireNonNull;

import dev.vigil.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A node of the routing tree, like a {@code route} of Alertmanager's configuration: which
 * notifications it takes ({@link Builder#matchers}), which sinks receive them, how they are grouped
 * and how often reminders go out. Register the root with {@link ResourceMonitor.Builder#route}.
 *
 * <pre>{@code
 * Route.builder()                                  // the root takes everything
 *     .sinks("email")
 *     .groupBy("alertname")
 *     .route(Route.builder()
 *         .matchers(Matcher.equal("severity", "critical"))
 *         .sinks("pager")
 *         .continueMatching(true)                  // and still go on to the siblings
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>Matching</b> (Alertmanager's {@code route.Match}): a notification enters a route whose
 * matchers all match its labels; it then goes to the first child that takes it, and on to the next
 * siblings only while the matching child has {@code continueMatching}; if no child takes it, the
 * route itself delivers it. The root takes every notification.
 *
 * <p><b>Inheritance</b>: sinks, grouping, {@code groupWait}, {@code groupInterval}, {@code
 * repeatInterval} and {@code sendResolved} not set on a route are its parent's; {@code matchers}
 * and {@code continueMatching} are its own.
 *
 * <p><b>Grouping</b> (off unless {@link Builder#groupBy} is set): notifications of a route whose
 * {@code groupBy} labels have the same values travel together as one {@link AlertGroup}: the first
 * waits {@code groupWait} (30 s by default), later ones go out at most every {@code groupInterval}
 * (5 min by default). {@code groupBy("...")} groups by all labels, so each alert is its own group;
 * {@code groupBy()} with no labels puts all of the route's notifications in one group.
 *
 * <p>Immutable and thread safe.
 */
public final class Route {
  /** {@code groupBy} value that groups by all labels, as in Alertmanager. */
  public static final String ALL_LABELS = "...";

  static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
  static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);

  private final @Nullable String name;
  private final List<Matcher> matchers;
  private final List<String> sinks;
  private final boolean continueMatching;
  private final @Nullable Boolean grouped;
  private final List<String> groupBy;
  private final @Nullable Duration groupWait;
  private final @Nullable Duration groupInterval;
  private final @Nullable Duration repeatInterval;
  private final @Nullable Boolean sendResolved;
  private final List<Route> routes;

  private Route(Builder b) {
    this.name = b.name;
    this.matchers = List.copyOf(b.matchers);
    this.sinks = List.copyOf(b.sinks);
    this.continueMatching = b.continueMatching;
    this.grouped = b.grouped;
    this.groupBy = List.copyOf(b.groupBy);
    this.groupWait = b.groupWait;
    this.groupInterval = b.groupInterval;
    this.repeatInterval = b.repeatInterval;
    this.sendResolved = b.sendResolved;
    this.routes = List.copyOf(b.routes);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The route's name for logs, or null. */
  public @Nullable String name() {
    return name;
  }

  /** The matchers a notification's labels must all match. */
  public List<Matcher> matchers() {
    return matchers;
  }

  /** The sinks named on this route itself; empty to inherit the parent's. */
  public List<String> sinks() {
    return sinks;
  }

  /** Whether a notification this route took goes on to its next siblings. */
  public boolean continueMatching() {
    return continueMatching;
  }

  /** The child routes, in matching order. */
  public List<Route> routes() {
    return routes;
  }

  /** Whether {@code labels} match every matcher of this route (not of its children). */
  boolean matches(Map<String, String> labels) {
    for (Matcher m : matchers) if (!m.matches(labels)) return false;
    return true;
  }

  @Nullable Boolean grouped() {
    return grouped;
  }

  List<String> groupBy() {
    return groupBy;
  }

  @Nullable Duration groupWait() {
    return groupWait;
  }

  @Nullable Duration groupInterval() {
    return groupInterval;
  }

  @Nullable Duration repeatInterval() {
    return repeatInterval;
  }

  @Nullable Boolean sendResolved() {
    return sendResolved;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Route{");
    if (name != null) s.append("name=").append(name).append(", ");
    s.append("matchers=").append(matchers).append(", sinks=").append(sinks);
    if (continueMatching) s.append(", continue");
    if (Boolean.TRUE.equals(grouped)) s.append(", groupBy=").append(groupBy);
    if (Boolean.FALSE.equals(grouped)) s.append(", ungrouped");
    if (!routes.isEmpty()) s.append(", routes=").append(routes);
    return s.append('}').toString();
  }

  /** Configures a {@link Route}. Not thread safe. */
  public static final class Builder {
    private @Nullable String name;
    private final List<Matcher> matchers = new ArrayList<>();
    private final Set<String> sinks = new LinkedHashSet<>();
    private boolean continueMatching;
    private @Nullable Boolean grouped;
    private final List<String> groupBy = new ArrayList<>();
    private @Nullable Duration groupWait;
    private @Nullable Duration groupInterval;
    private @Nullable Duration repeatInterval;
    private @Nullable Boolean sendResolved;
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /**
     * Names the route in logs and in {@link #toString()}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder name(String name) {
      requireNonNull(name, "route name == null");
      if (name.isBlank()) throw new IllegalArgumentException("route name is blank");
      this.name = name;
      return this;
    }

    /**
     * Adds matchers that a notification's labels must all match (Alertmanager's {@code matchers}).
     * The labels are the notification's: {@code alertname}, {@code resource}, {@code severity}
     * (lower case), the sample's and the rule's labels.
     *
     * @throws NullPointerException if a matcher is null
     */
    public Builder matchers(Matcher... matchers) {
      for (Matcher m : matchers) this.matchers.add(requireNonNull(m, "matcher == null"));
      return this;
    }

    /**
     * Adds sinks, by the names they were registered under with {@link
     * ResourceMonitor.Builder#sink}, that receive this route's notifications.
     *
     * @throws NullPointerException if a name is null
     */
    public Builder sinks(String... sinks) {
      for (String s : sinks) this.sinks.add(requireNonNull(s, "sink name == null"));
      return this;
    }

    /**
     * Whether a notification this route took goes on to the route's next siblings (Alertmanager's
     * {@code continue}); false by default.
     */
    public Builder continueMatching(boolean continueMatching) {
      this.continueMatching = continueMatching;
      return this;
    }

    /**
     * Groups this route's notifications by the values of {@code labels} (Alertmanager's {@code
     * group_by}); {@link #ALL_LABELS} groups by all labels; no labels at all puts every
     * notification of the route into one group.
     *
     * @throws NullPointerException if a label is null
     * @throws IllegalArgumentException if {@link #ALL_LABELS} is given with other labels
     */
    public Builder groupBy(String... labels) {
      List<String> list = new ArrayList<>();
      for (String l : labels) list.add(requireNonNull(l, "groupBy label == null"));
      if (list.contains(ALL_LABELS) && list.size() > 1) {
        throw new IllegalArgumentException(
            "groupBy \"...\" means all labels and stands alone: " + list);
      }
      this.grouped = true;
      this.groupBy.clear();
      this.groupBy.addAll(list);
      return this;
    }

    /**
     * Sends this route's notifications one at a time as they come, even if the parent groups: the
     * default of a root route.
     */
    public Builder ungrouped() {
      this.grouped = false;
      this.groupBy.clear();
      return this;
    }

    /**
     * How long a new group waits for more notifications before its first flush (Alertmanager's
     * {@code group_wait}); 30 s by default.
     *
     * @throws NullPointerException if {@code wait} is null
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    public Builder groupWait(Duration wait) {
      this.groupWait = Durations.nonNegative(wait, "groupWait");
      return this;
    }

    /**
     * The least time between two flushes of one group (Alertmanager's {@code group_interval}); 5
     * min by default.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder groupInterval(Duration interval) {
      requireNonNull(interval, "groupInterval == null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("groupInterval must be positive: " + interval);
      }
      this.groupInterval = interval;
      return this;
    }

    /**
     * How often a sink of this route is reminded of an alert that still fires (Alertmanager's
     * {@code repeat_interval}); zero for never. Overrides the rule's {@link
     * AlertRule.Builder#repeatInterval} for the sinks of this route; without it, the rule's holds.
     *
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Builder repeatInterval(Duration interval) {
      this.repeatInterval = Durations.nonNegative(interval, "repeatInterval");
      return this;
    }

    /**
     * Whether this route's sinks hear that an alert resolved (Alertmanager's {@code
     * send_resolved}); true by default.
     */
    public Builder sendResolved(boolean sendResolved) {
      this.sendResolved = sendResolved;
      return this;
    }

    /**
     * Adds a child route; children are tried in the order they were added.
     *
     * @throws NullPointerException if {@code route} is null
     */
    public Builder route(Route route) {
      routes.add(requireNonNull(route, "route == null"));
      return this;
    }

    /** Builds the route; {@link ResourceMonitor.Builder#build()} checks the tree as a whole. */
    public Route build() {
      return new Route(this);
    }
  }
}
