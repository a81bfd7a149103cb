package dev.vigil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The routing tree with every setting inherited and checked: Alertmanager's {@code dispatch/
 * route.go}. {@link #match} returns the routes that deliver a notification, as {@code Route.Match}
 * does. Immutable and thread safe.
 */
final class RouteTree {

  /**
   * A route with its inherited settings.
   *
   * @param id unique path of the route, as Alertmanager's {@code Route.ID()}: {@code
   *     {}/{severity="critical"}/0}
   * @param groupBy the grouping labels, or null when the route does not group
   * @param repeatInterval the reminder interval for its sinks, or null for the rules' own
   */
  record Node(
      String id,
      String label,
      Route route,
      List<String> sinks,
      @Nullable List<String> groupBy,
      Duration groupWait,
      Duration groupInterval,
      @Nullable Duration repeatInterval,
      boolean sendResolved,
      List<Node> children) {

    /** The labels a notification is grouped by on this route; null if it does not group. */
    @Nullable Map<String, String> groupLabels(Map<String, String> labels) {
      List<String> by = groupBy;
      if (by == null) return null;
      if (by.size() == 1 && by.get(0).equals(Route.ALL_LABELS)) return labels;
      Map<String, String> out = new java.util.TreeMap<>();
      for (String name : by) {
        String v = labels.get(name);
        if (v != null) out.put(name, v);
      }
      return out;
    }

    /** The group key: the route's id and the group labels, as Alertmanager's {@code GroupKey}. */
    String groupKey(Map<String, String> groupLabels) {
      return id + ":" + format(groupLabels);
    }
  }

  private final Node root;
  private final List<Node> all;

  private RouteTree(Node root, List<Node> all) {
    this.root = root;
    this.all = List.copyOf(all);
  }

  /** Every sink on one route that takes everything, ungrouped: the monitor without routes. */
  static RouteTree everySink(Collection<String> sinks) {
    Route route = Route.builder().build();
    Node root =
        new Node(
            "{}",
            "default",
            route,
            List.copyOf(sinks),
            null,
            Route.DEFAULT_GROUP_WAIT,
            Route.DEFAULT_GROUP_INTERVAL,
            null,
            true,
            List.of());
    return new RouteTree(root, List.of(root));
  }

  /**
   * Resolves {@code root} against the registered sinks.
   *
   * @throws IllegalStateException naming the route and the fix if the tree is not valid
   */
  static RouteTree of(Route root, Set<String> registeredSinks) {
    if (!root.matchers().isEmpty()) {
      throw new IllegalStateException(
          "route: the root route takes every notification and has no matchers, but has "
              + root.matchers()
              + "; move them to a child route (Route.Builder.route(...))");
    }
    if (root.sinks().isEmpty()) {
      throw new IllegalStateException(
          "route: the root route names no sink; add Route.Builder.sinks(...) with one of "
              + registeredSinks);
    }
    Node resolved =
        resolve(
            root,
            new Inherited(
                List.of(),
                null,
                Route.DEFAULT_GROUP_WAIT,
                Route.DEFAULT_GROUP_INTERVAL,
                null,
                true),
            "{}",
            registeredSinks);
    List<Node> all = new ArrayList<>();
    flatten(resolved, all);
    Set<String> routed = new LinkedHashSet<>();
    for (Node n : all) routed.addAll(n.sinks());
    for (String sink : registeredSinks) {
      if (!routed.contains(sink)) {
        throw new IllegalStateException(
            "sink \""
                + sink
                + "\" is on no route and would receive nothing; add it to a route with"
                + " Route.Builder.sinks(\""
                + sink
                + "\") or do not register it");
      }
    }
    return new RouteTree(resolved, all);
  }

  /** The settings a route takes from its parent when it does not set them. */
  private record Inherited(
      List<String> sinks,
      @Nullable List<String> groupBy,
      Duration groupWait,
      Duration groupInterval,
      @Nullable Duration repeatInterval,
      boolean sendResolved) {}

  private static Node resolve(Route r, Inherited parent, String id, Set<String> registered) {
    String label = r.name() != null ? r.name() : id;
    for (String sink : r.sinks()) {
      if (!registered.contains(sink)) {
        throw new IllegalStateException(
            "route "
                + label
                + " names sink \""
                + sink
                + "\", which is not registered; register it with sink(\""
                + sink
                + "\", ...) or use one of "
                + registered);
      }
    }
    Boolean grouped = r.grouped();
    List<String> groupBy =
        grouped == null ? parent.groupBy() : grouped ? List.copyOf(r.groupBy()) : null;
    Duration wait = r.groupWait();
    Duration interval = r.groupInterval();
    Duration repeat = r.repeatInterval();
    Boolean sendResolved = r.sendResolved();
    Inherited own =
        new Inherited(
            r.sinks().isEmpty() ? parent.sinks() : r.sinks(),
            groupBy,
            wait != null ? wait : parent.groupWait(),
            interval != null ? interval : parent.groupInterval(),
            repeat != null ? repeat : parent.repeatInterval(),
            sendResolved != null ? sendResolved : parent.sendResolved());
    List<Node> children = new ArrayList<>();
    List<Route> routes = r.routes();
    for (int i = 0; i < routes.size(); i++) {
      Route child = routes.get(i);
      children.add(resolve(child, own, id + "/" + format(child.matchers()) + "/" + i, registered));
    }
    return new Node(
        id,
        label,
        r,
        own.sinks(),
        own.groupBy(),
        own.groupWait(),
        own.groupInterval(),
        own.repeatInterval(),
        own.sendResolved(),
        List.copyOf(children));
  }

  private static void flatten(Node node, List<Node> out) {
    out.add(node);
    for (Node child : node.children()) flatten(child, out);
  }

  /**
   * The routes that deliver a notification with {@code labels}: Alertmanager's {@code Route.Match}.
   * Never empty: the root takes what no child takes.
   */
  List<Node> match(Map<String, String> labels) {
    List<Node> out = new ArrayList<>(1);
    match(root, labels, out);
    return out;
  }

  private static boolean match(Node node, Map<String, String> labels, List<Node> out) {
    if (!node.route().matches(labels)) return false;
    int before = out.size();
    for (Node child : node.children()) {
      boolean matched = match(child, labels, out);
      if (matched && !child.route().continueMatching()) break;
    }
    if (out.size() == before) out.add(node);
    return true;
  }

  /** Every route, parents before their children. */
  List<Node> nodes() {
    return all;
  }

  static String format(Map<String, String> labels) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    labels.forEach((k, v) -> j.add(Matcher.equal(k, v).toString()));
    return j.toString();
  }

  static String format(List<Matcher> matchers) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    for (Matcher m : matchers) j.add(m.toString());
    return j.toString();
  }
}
