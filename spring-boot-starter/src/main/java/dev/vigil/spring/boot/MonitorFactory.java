package dev.vigil.spring.boot;

import static dev.vigil.spring.boot.Settings.at;
import static dev.vigil.spring.boot.Settings.require;
import static dev.vigil.spring.boot.Settings.run;

import dev.vigil.AlertRule;
import dev.vigil.AlertSink;
import dev.vigil.InhibitRule;
import dev.vigil.Matcher;
import dev.vigil.MetricSource;
import dev.vigil.MonitorListener;
import dev.vigil.MuteWindow;
import dev.vigil.ResourceMonitor;
import dev.vigil.Route;
import dev.vigil.Schedule;
import dev.vigil.Ticker;
import dev.vigil.host.HostMetricsSource;
import dev.vigil.spring.boot.VigilProperties.InhibitRuleSpec;
import dev.vigil.spring.boot.VigilProperties.MuteWindowSpec;
import dev.vigil.spring.boot.VigilProperties.SilenceSpec;
import dev.vigil.spring.boot.VigilProperties.Sink;
import dev.vigil.spring.boot.VigilProperties.Source;
import dev.vigil.spring.boot.VigilProperties.SourceType;
import dev.vigil.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link ResourceMonitor} from {@link VigilProperties} and the application's beans.
 * Every fault is a {@link VigilConfigurationException} naming the property path; faults that only
 * {@link ResourceMonitor.Builder#build()} finds are translated to paths where they can be.
 */
final class MonitorFactory {
  static final String VIGIL_HTTP = "dev.vigil.http.HttpJsonSource";
  static final String VIGIL_ALERTS = "dev.vigil.alerts.LogAlertSink";

  private final VigilProperties props;
  private final Clock clock;
  private final Ticker ticker;
  private final Supplier<@Nullable MailServer> mail;
  private final ClassLoader classLoader;

  MonitorFactory(
      VigilProperties props,
      Clock clock,
      Ticker ticker,
      Supplier<@Nullable MailServer> mail,
      ClassLoader classLoader) {
    this.props = props;
    this.clock = clock;
    this.ticker = ticker;
    this.mail = mail;
    this.classLoader = classLoader;
  }

  ResourceMonitor build(
      Map<String, MetricSource> sourceBeans,
      Map<String, AlertSink> sinkBeans,
      List<AlertRule> ruleBeans,
      List<MonitorListener> listeners,
      @Nullable StateStore store) {
    ResourceMonitor.Builder b = ResourceMonitor.builder().clock(clock).ticker(ticker);
    global(b);
    if (store != null) b.stateStore(store);
    b.listener(CompositeListener.of(listeners));
    sources(b, sourceBeans);
    Set<String> ruleNames = new LinkedHashSet<>();
    for (Map.Entry<String, VigilProperties.Rule> r : props.getRules().entrySet()) {
      AlertRule rule = Rules.rule(r.getKey(), r.getValue());
      ruleNames.add(rule.name());
      b.rule(rule);
    }
    for (AlertRule rule : ruleBeans) {
      if (!ruleNames.add(rule.name())) {
        throw new VigilConfigurationException(
            "vigil.rules." + rule.name(),
            "is configured twice (a property rule and an AlertRule bean of that name)",
            "rename one of them",
            null);
      }
      b.rule(rule);
    }
    Set<String> sinkNames = sinks(b, sinkBeans);
    route(b, sinkNames);
    for (Map.Entry<String, MuteWindowSpec> w : props.getMuteWindows().entrySet()) {
      b.muteWindow(muteWindow(w.getKey(), w.getValue()));
    }
    List<InhibitRuleSpec> inhibit = props.getInhibitRules();
    for (int i = 0; i < inhibit.size(); i++) b.inhibitRule(inhibitRule(i, inhibit.get(i)));
    if (!inhibit.isEmpty() && props.isDefaultInhibitRule()) b.inhibitRule(InhibitRule.DEFAULT);
    if (props.isWithoutSinks()) {
      if (!sinkNames.isEmpty()) {
        throw new VigilConfigurationException(
            "vigil.without-sinks",
            "is true but sinks are configured " + sinkNames,
            "remove vigil.without-sinks or the sinks",
            null);
      }
      b.withoutSinks();
    }
    ResourceMonitor monitor = buildMonitor(b);
    try {
      silences(monitor);
    } catch (RuntimeException e) {
      monitor.close();
      throw e;
    }
    return monitor;
  }

  private void global(ResourceMonitor.Builder b) {
    run(
        "vigil.instance-id",
        "use letters, digits, '-', '_' and '.' only, such as the pod name",
        () -> b.instanceId(props.getInstanceId()));
    run(
        "vigil.startup-grace-period",
        "set a duration of zero or more",
        () -> b.startupGracePeriod(props.getStartupGracePeriod()));
    run(
        "vigil.source-failures-to-alert",
        "set 1 to 1000",
        () -> b.sourceFailuresToAlert(props.getSourceFailuresToAlert()));
    Integer threads = props.getPollThreads();
    if (threads != null) run("vigil.poll-threads", "set 1 to 256", () -> b.pollThreads(threads));
    run(
        "vigil.sink-queue-capacity",
        "set 1 or more",
        () -> b.sinkQueueCapacity(props.getSinkQueueCapacity()));
    run(
        "vigil.delivery-attempts",
        "set 1 to 100",
        () -> b.deliveryAttempts(props.getDeliveryAttempts()));
    run(
        "vigil.delivery-backoff",
        "set delivery-backoff >= 0 and max-delivery-backoff >= delivery-backoff",
        () -> b.deliveryBackoff(props.getDeliveryBackoff(), props.getMaxDeliveryBackoff()));
    run(
        "vigil.shutdown-timeout",
        "set a duration of zero or more, below spring.lifecycle.timeout-per-shutdown-phase",
        () -> b.shutdownTimeout(props.getShutdownTimeout()));
    run(
        "vigil.max-new-series-per-poll",
        "set 1 or more",
        () -> b.maxNewSeriesPerPoll(props.getMaxNewSeriesPerPoll()));
  }

  private void sources(ResourceMonitor.Builder b, Map<String, MetricSource> beans) {
    for (Map.Entry<String, MetricSource> e : beans.entrySet()) {
      String name = e.getKey();
      Source s = props.getSources().get(name);
      if (s != null && s.getType() != null) {
        throw new VigilConfigurationException(
            "vigil.sources." + name + ".type",
            "is set, but a MetricSource bean is named " + name + " too",
            "rename the bean or the source; for a bean, set only its schedule here (interval,"
                + " schedule, initial-delay, jitter)",
            null);
      }
      if (s != null && !s.isEnabled()) continue;
      Source settings = s != null ? s : new Source();
      Schedule schedule = schedule(name, settings);
      run(
          "vigil.sources." + name,
          "name the bean with letters, digits, '-', '_' and '.' only",
          () -> b.source(name, schedule, e.getValue()));
    }
    for (Map.Entry<String, Source> e : props.getSources().entrySet()) {
      String name = e.getKey();
      Source s = e.getValue();
      if (beans.containsKey(name) || !s.isEnabled()) continue;
      String p = "vigil.sources." + name;
      SourceType type =
          require(
              s.getType(),
              p + ".type",
              "set it to one of " + Settings.choices(SourceType.values()));
      Schedule schedule = schedule(name, s);
      MetricSource source = source(name, type, s);
      run(
          p,
          "name the source with letters, digits, '-', '_' and '.' only",
          () -> b.source(name, schedule, source));
    }
  }

  private MetricSource source(String name, SourceType type, Source s) {
    String p = "vigil.sources." + name;
    if (type == SourceType.HOST) {
      HostMetricsSource.Builder h = HostMetricsSource.builder();
      String resource = s.getResource();
      if (resource != null) run(p + ".resource", "set a name", () -> h.resource(resource));
      List<Path> disks = s.getDisks();
      for (int i = 0; i < disks.size(); i++) {
        Path disk = disks.get(i);
        run(p + ".disks[" + i + "]", "list each path once", () -> h.disk(disk));
      }
      return h.build();
    }
    if (!present(VIGIL_HTTP)) {
      throw new VigilConfigurationException(
          p + ".type",
          "is " + Settings.kebab(type) + ", which needs vigil-http on the classpath",
          "add the dependency dev.vigil:vigil-http (its version comes from dev.vigil:vigil-bom)",
          null);
    }
    return HttpSources.build(name, s, clock, ticker);
  }

  private static Schedule schedule(String name, Source s) {
    String p = "vigil.sources." + name;
    Schedule schedule =
        at(
            p + ".interval",
            "set a positive duration, such as 1m",
            () ->
                s.getSchedule() == VigilProperties.ScheduleKind.FIXED_DELAY
                    ? Schedule.fixedDelay(s.getInterval())
                    : Schedule.every(s.getInterval()));
    Duration initial = s.getInitialDelay();
    if (initial != null) {
      Schedule base = schedule;
      schedule =
          at(
              p + ".initial-delay",
              "set a duration of zero or more",
              () -> base.withInitialDelay(initial));
    }
    Duration jitter = s.getJitter();
    if (jitter != null) {
      Schedule base = schedule;
      schedule =
          at(
              p + ".jitter",
              "set a duration shorter than the interval",
              () -> base.withJitter(jitter));
    }
    return schedule;
  }

  private Set<String> sinks(ResourceMonitor.Builder b, Map<String, AlertSink> beans) {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, AlertSink> e : beans.entrySet()) {
      String name = e.getKey();
      Sink s = props.getSinks().get(name);
      if (s != null && s.getType() != null) {
        throw new VigilConfigurationException(
            "vigil.sinks." + name + ".type",
            "is set, but an AlertSink bean is named " + name + " too",
            "rename the bean or the sink; for a bean, set only its budget here",
            null);
      }
      if (s != null && !s.isEnabled()) continue;
      run(
          "vigil.sinks." + name,
          "name the bean with letters, digits, '-', '_' and '.' only",
          () -> b.sink(name, e.getValue()));
      names.add(name);
      if (s != null) budget(b, name, s);
    }
    for (Map.Entry<String, Sink> e : props.getSinks().entrySet()) {
      String name = e.getKey();
      Sink s = e.getValue();
      if (beans.containsKey(name) || !s.isEnabled()) continue;
      String p = "vigil.sinks." + name;
      VigilProperties.SinkType type =
          require(
              s.getType(),
              p + ".type",
              "set it to one of " + Settings.choices(VigilProperties.SinkType.values()));
      if (!present(VIGIL_ALERTS)) {
        throw new VigilConfigurationException(
            p + ".type",
            "is " + Settings.kebab(type) + ", which needs vigil-alerts on the classpath",
            "add the dependency dev.vigil:vigil-alerts (its version comes from dev.vigil:vigil-bom)",
            null);
      }
      AlertSink sink = Sinks.build(name, s, mail, clock);
      run(p, "name the sink with letters, digits, '-', '_' and '.' only", () -> b.sink(name, sink));
      names.add(name);
      budget(b, name, s);
    }
    return names;
  }

  private static void budget(ResourceMonitor.Builder b, String name, Sink s) {
    Integer deliveries = s.getBudget().getDeliveries();
    if (deliveries == null) return;
    String p = "vigil.sinks." + name + ".budget";
    Duration per =
        require(s.getBudget().getPer(), p + ".per", "set the budget's window, such as 1h");
    run(
        p,
        "set deliveries to 1 or more and per to a positive duration",
        () -> b.sinkBudget(name, deliveries, per));
  }

  private void route(ResourceMonitor.Builder b, Set<String> sinkNames) {
    VigilProperties.Route root = props.getRoute();
    if (root.getSinks().isEmpty() && root.getRoutes().isEmpty()) return;
    if (!root.getMatchers().isEmpty()) {
      throw new VigilConfigurationException(
          "vigil.route.matchers",
          "is set on the root route, which takes every notification",
          "move the matchers to a child route under vigil.route.routes",
          null);
    }
    Settings.require(
        root.getSinks().isEmpty() ? null : root.getSinks(),
        "vigil.route.sinks",
        "name the sinks that get what no child route takes, such as [ops]");
    Set<String> routed = new LinkedHashSet<>();
    Route tree = route(root, "vigil.route", sinkNames, routed);
    for (String sink : sinkNames) {
      if (!routed.contains(sink)) {
        throw new VigilConfigurationException(
            "vigil.route",
            "names no route to sink " + sink,
            "add "
                + sink
                + " to vigil.route.sinks or a child route's sinks, or disable it with"
                + " vigil.sinks."
                + sink
                + ".enabled=false",
            null);
      }
    }
    run("vigil.route", "fix the routing tree", () -> b.route(tree));
  }

  private static Route route(
      VigilProperties.Route r, String p, Set<String> sinkNames, Set<String> routed) {
    Route.Builder b = Route.builder();
    String name = r.getName();
    if (name != null) run(p + ".name", "set a name", () -> b.name(name));
    b.matchers(Settings.matchers(r.getMatchers(), p + ".matchers").toArray(new Matcher[0]));
    List<String> sinks = r.getSinks();
    for (int i = 0; i < sinks.size(); i++) {
      if (!sinkNames.contains(sinks.get(i))) {
        throw new VigilConfigurationException(
            p + ".sinks[" + i + "]",
            "names sink " + sinks.get(i) + ", which is not configured",
            "use one of " + sinkNames + ", or add vigil.sinks." + sinks.get(i),
            null);
      }
      routed.add(sinks.get(i));
    }
    b.sinks(sinks.toArray(new String[0]));
    List<String> groupBy = r.getGroupBy();
    if (groupBy != null) {
      run(
          p + ".group-by",
          "give label names, or ... alone",
          () -> b.groupBy(groupBy.toArray(new String[0])));
    }
    Duration wait = r.getGroupWait();
    if (wait != null)
      run(p + ".group-wait", "set a duration of zero or more", () -> b.groupWait(wait));
    Duration interval = r.getGroupInterval();
    if (interval != null) {
      run(p + ".group-interval", "set a positive duration", () -> b.groupInterval(interval));
    }
    Duration repeat = r.getRepeatInterval();
    if (repeat != null) {
      run(p + ".repeat-interval", "set a duration of zero or more", () -> b.repeatInterval(repeat));
    }
    b.sendResolved(r.isSendResolved());
    b.continueMatching(r.isContinue());
    List<VigilProperties.Route> children = r.getRoutes();
    for (int i = 0; i < children.size(); i++) {
      b.route(route(children.get(i), p + ".routes[" + i + "]", sinkNames, routed));
    }
    return at(p, "give the route sinks or child routes", b::build);
  }

  private static MuteWindow muteWindow(String name, MuteWindowSpec w) {
    String p = "vigil.mute-windows." + name;
    MuteWindow.Builder b = at(p, "name the window", () -> MuteWindow.builder(name));
    if (!w.getDays().isEmpty()) {
      run(
          p + ".days",
          "list days of the week",
          () -> b.days(w.getDays().toArray(new DayOfWeek[0])));
    }
    LocalTime start = w.getStart();
    LocalTime end = w.getEnd();
    if (start != null || end != null) {
      LocalTime s = require(start, p + ".start", "set both start and end, such as 22:00");
      LocalTime e = require(end, p + ".end", "set both start and end, such as 06:00");
      run(p + ".start", "set a start and an end that differ", () -> b.between(s, e));
    }
    java.time.ZoneId zone =
        require(w.getZone(), p + ".zone", "set the time zone, such as Europe/Berlin or UTC");
    b.zone(zone);
    b.matching(Settings.matchers(w.getMatchers(), p + ".matchers"));
    if (!w.getDaysOfMonth().isEmpty()) {
      int[] days = w.getDaysOfMonth().stream().mapToInt(Integer::intValue).toArray();
      run(
          p + ".days-of-month",
          "use 1 to 31, or -31 to -1 from the end",
          () -> b.daysOfMonth(days));
    }
    if (!w.getMonths().isEmpty()) {
      run(
          p + ".months",
          "list months",
          () -> b.months(w.getMonths().toArray(new java.time.Month[0])));
    }
    if (!w.getYears().isEmpty()) {
      int[] years = w.getYears().stream().mapToInt(Integer::intValue).toArray();
      run(p + ".years", "list years", () -> b.years(years));
    }
    return at(p, "fix the window's settings", b::build);
  }

  private static InhibitRule inhibitRule(int i, InhibitRuleSpec r) {
    String p = "vigil.inhibit-rules[" + i + "]";
    InhibitRule.Builder b = InhibitRule.builder();
    b.sourceMatchers(
        Settings.matchers(r.getSourceMatchers(), p + ".source-matchers").toArray(new Matcher[0]));
    b.targetMatchers(
        Settings.matchers(r.getTargetMatchers(), p + ".target-matchers").toArray(new Matcher[0]));
    if (!r.getEqual().isEmpty()) {
      run(p + ".equal", "list label names", () -> b.equal(r.getEqual().toArray(new String[0])));
    }
    return at(p, "set source-matchers and target-matchers", b::build);
  }

  private void silences(ResourceMonitor monitor) {
    List<SilenceSpec> silences = props.getSilences();
    for (int i = 0; i < silences.size(); i++) {
      SilenceSpec s = silences.get(i);
      String p = "vigil.silences[" + i + "]";
      List<Matcher> matchers = Settings.matchers(s.getMatchers(), p + ".matchers");
      if (matchers.isEmpty()) {
        throw new VigilConfigurationException(
            p + ".matchers",
            "is empty",
            "give at least one matcher, such as resource=\"vm-1\"",
            null);
      }
      String comment = require(s.getComment(), p + ".comment", "say why, for people");
      Duration duration = s.getDuration();
      Instant endsAt = s.getEndsAt();
      if ((duration == null) == (endsAt == null)) {
        throw new VigilConfigurationException(
            p + ".duration",
            duration == null ? "is required (or ends-at)" : "conflicts with ends-at",
            "set one of duration (such as 2h) and ends-at (such as 2026-12-24T06:00:00Z)",
            null);
      }
      String createdBy = s.getCreatedBy();
      Instant start = s.getStartsAt() != null ? s.getStartsAt() : clock.instant();
      Instant end = endsAt != null ? endsAt : start.plus(duration);
      run(
          p,
          "give a matcher that does not match the empty string and an end in the future",
          () -> monitor.silence(matchers, start, end, comment, createdBy));
    }
  }

  /** Translates {@link ResourceMonitor.Builder#build()}'s faults to property paths. */
  private static ResourceMonitor buildMonitor(ResourceMonitor.Builder b) {
    try {
      return b.build();
    } catch (IllegalStateException e) {
      String m = String.valueOf(e.getMessage());
      if (m.startsWith("no source")) {
        throw new VigilConfigurationException(
            "vigil.sources",
            "is empty",
            "add a source, such as vigil.sources.cloud.type=http-json, or a MetricSource bean",
            e);
      }
      if (m.startsWith("no sink")) {
        throw new VigilConfigurationException(
            "vigil.sinks",
            "is empty",
            "add a sink, such as vigil.sinks.ops.type=log, or an AlertSink bean; or set"
                + " vigil.without-sinks=true if alerts are read through the actuator endpoint or a"
                + " MonitorListener only",
            e);
      }
      if (m.startsWith("executor and pollThreads")) {
        throw new VigilConfigurationException(
            "vigil.poll-threads", "is invalid (" + m + ")", "remove vigil.poll-threads", e);
      }
      if (m.contains("route")) {
        throw new VigilConfigurationException(
            "vigil.route", "is invalid (" + m + ")", "fix the routing tree", e);
      }
      throw new VigilConfigurationException(
          "vigil", "is invalid (" + m + ")", "fix the settings", e);
    }
  }

  private boolean present(String className) {
    return org.springframework.util.ClassUtils.isPresent(className, classLoader);
  }
}
