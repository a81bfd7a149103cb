package dev.vigil.examples;

import dev.vigil.Aggregation;
import dev.vigil.AlertRule;
import dev.vigil.MissingData;
import dev.vigil.Window;
import java.time.Duration;
import java.util.List;

/**
 * The alert rules a team might run on its fleet, kept in one place so that they can be unit-tested
 * ({@code FleetRulesTest} tests them with {@code vigil-testing}'s {@code RuleTester}).
 */
public final class FleetRules {
  private FleetRules() {}

  /**
   * CPU: warn when the 3-sample average is above 80 for 5 minutes, escalate above 95, clear only
   * below 70, remind every 4 hours.
   */
  public static AlertRule highCpu() {
    return AlertRule.builder("HighCpu")
        .metric("cpu_usage")
        .aggregate(Aggregation.avg(Window.last(3)))
        .above(80)
        .criticalAbove(95)
        .clearBelow(70)
        .forDuration(Duration.ofMinutes(5))
        .repeatInterval(Duration.ofHours(4))
        .summary("CPU usage on {resource} is {value}% ({severity})")
        .label("team", "infra")
        .build();
  }

  /**
   * Disk: critical when a linear fit over the last hour says the disk is full within 4 hours; a
   * missing datapoint keeps the state.
   */
  public static AlertRule diskFullSoon() {
    return AlertRule.builder("DiskFullSoon")
        .metric("disk_usage")
        .aggregate(Aggregation.predictLinear(Window.of(Duration.ofHours(1)), Duration.ofHours(4)))
        .above(100)
        .severity(dev.vigil.Severity.CRITICAL)
        .missingData(MissingData.IGNORE)
        .summary("Disk of {resource} will be full within 4h (predicted {value}%)")
        .build();
  }

  /** Every rule of the fleet. */
  public static List<AlertRule> all() {
    return List.of(highCpu(), diskFullSoon());
  }
}
