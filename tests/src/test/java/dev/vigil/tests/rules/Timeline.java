package dev.vigil.tests.rules;

import dev.vigil.AlertNotification;
import dev.vigil.AlertRule;
import dev.vigil.NotificationType;
import dev.vigil.testing.RuleTester;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Runs a rule over a script and writes what it notified as {@code "step:TYPE"} events. */
final class Timeline {
  private Timeline() {}

  /** Runs {@code rule} over one series of cpu_usage for vm-1, one step a minute. */
  static String run(AlertRule rule, String values) {
    return run(rule, Duration.ofMinutes(1), values);
  }

  static String run(AlertRule rule, Duration interval, String values) {
    try (RuleTester tester =
        RuleTester.builder()
            .rule(rule)
            .series("cpu_usage", "vm-1", values)
            .interval(interval)
            .build()) {
      tester.run();
      return events(tester);
    }
  }

  /** The metric alerts' notifications (source health left out) as {@code "1:FIRING 3:RESOLVED"}. */
  static String events(RuleTester tester) {
    return tester.recorded().stream()
        .filter(r -> !r.notification().rule().equals("SourceHealth"))
        .map(r -> r.step() + ":" + describe(r.notification()))
        .collect(Collectors.joining(" "));
  }

  private static String describe(AlertNotification n) {
    return n.type() == NotificationType.SEVERITY_CHANGED
        ? "SEVERITY_CHANGED/" + n.severity()
        : n.type().name();
  }

  /** "-" in a table cell means: no notification at all. */
  static String expected(String cell) {
    return cell.equals("-")
        ? ""
        : Arrays.stream(cell.trim().split("\\s+")).collect(Collectors.joining(" "));
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
