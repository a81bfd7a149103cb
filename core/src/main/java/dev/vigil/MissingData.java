package dev.vigil;

/**
 * What a rule does when an evaluation finds no datapoint for an alert: its source was polled
 * successfully but returned no sample of the metric for the resource. Modelled on CloudWatch's
 * {@code treatMissingData} and Grafana's "No Data" state. A source that fails is never missing
 * data: its alerts keep their state and its source-health alert fires instead.
 */
public enum MissingData {
  /**
   * The datapoint is absent (CloudWatch {@code missing}): the alert keeps its state, and once no
   * data arrived for the rule's staleness period it moves to {@link AlertState#NO_DATA}, which is
   * notified. The default.
   */
  MISSING,
  /** The alert keeps its state, however long data is missing (CloudWatch {@code ignore}). */
  IGNORE,
  /** A missing datapoint counts as breaching (CloudWatch {@code breaching}). */
  BREACHING,
  /** A missing datapoint counts as not breaching (CloudWatch {@code notBreaching}). */
  NOT_BREACHING,
  /** The last value received is evaluated again in place of the missing one. */
  KEEP_LAST
}
