package dev.vigil;

/**
 * What a rule does when an evaluation finds no datapoint for an alert: its source was polled
 * successfully but returned no sample of the metric for the resource. Modelled on CloudWatch's
 * {@code treatMissingData} and Grafana's "No Data" state. A source that fails is never missing
 * data: its alerts keep their state and its source-health alert fires instead.
 */
public enum MissingData {
  /**
   * The datapoint is absent (CloudWatch {@code missing}): the rule's evaluation range decides with
   * the real datapoints it holds, or the alert keeps its state when they do not decide; a pending
   * alert starts over, as in Prometheus when a series is absent. Once no data arrived for the
   * rule's staleness period the alert moves to {@link AlertState#NO_DATA}, which is notified. The
   * default.
   */
  MISSING,
  /**
   * As {@link #MISSING}, but where that would have too little data to decide the alert keeps its
   * state, however long data is missing, and never goes to NO_DATA (CloudWatch {@code ignore}).
   */
  IGNORE,
  /**
   * A missing datapoint counts as breaching (CloudWatch {@code breaching}) once fewer real
   * datapoints than the rule's N lie in its evaluation range.
   */
  BREACHING,
  /**
   * A missing datapoint counts as not breaching (CloudWatch {@code notBreaching}) once fewer real
   * datapoints than the rule's N lie in its evaluation range.
   */
  NOT_BREACHING,
  /** The last value received is evaluated again in place of the missing one. */
  KEEP_LAST
}
