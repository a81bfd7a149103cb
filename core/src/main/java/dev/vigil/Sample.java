package dev.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * One measured value of one metric for one resource, as returned by a {@link MetricSource}.
 *
 * <p>Immutable and thread safe. A sample always carries a real, finite number: a source that cannot
 * read a value must report an error instead of inventing one, so {@code NaN} and the infinities are
 * rejected here.
 *
 * @param metric the metric name, such as {@code cpu_usage}
 * @param resource the id of the measured resource, such as {@code vm-000001}
 * @param labels extra dimensions of the resource, such as {@code region=eu-west-1}; copied
 * @param value the measured value, finite
 * @param timestamp when the value was measured
 */
public record Sample(
    String metric, String resource, Map<String, String> labels, double value, Instant timestamp) {

  /**
   * Validates and copies the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code metric} or {@code resource} is blank or {@code
   *     value} is not finite
   */
  public Sample {
    requireNonNull(metric, "metric == null");
    requireNonNull(resource, "resource == null");
    requireNonNull(labels, "labels == null");
    requireNonNull(timestamp, "timestamp == null");
    if (metric.isBlank()) throw new IllegalArgumentException("metric is blank");
    if (resource.isBlank()) throw new IllegalArgumentException("resource is blank");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "value is " + value + " for " + metric + " of " + resource + ": not a finite number");
    }
    labels = Map.copyOf(labels);
  }

  /**
   * Returns a sample without labels.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code value} is not finite
   */
  public static Sample of(String metric, String resource, double value, Instant timestamp) {
    return new Sample(metric, resource, Map.of(), value, timestamp);
  }
}
