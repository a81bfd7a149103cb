package dev.vigil.http;

/**
 * How many retries one poll (sweep) may spend, so that a failing API is not hammered: at most
 * {@code minRetries} plus {@code ratio} of the requests the poll made so far. With the defaults (10
 * and 0.1) a poll of 1,000 resources against an API that fails everything makes about 1,110
 * requests instead of 3,000. Like Finagle's {@code RetryBudget} (a minimum plus a percentage of
 * requests), counted per poll instead of per second because polls are periodic.
 *
 * @param minRetries retries always allowed in a poll, at least 0
 * @param ratio retries allowed per request made, between 0 and 1
 */
public record RetryBudget(int minRetries, double ratio) {

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if {@code minRetries} is negative or {@code ratio} is not
   *     between 0 and 1
   */
  public RetryBudget {
    if (minRetries < 0) {
      throw new IllegalArgumentException("retryBudget minRetries is negative: " + minRetries);
    }
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("retryBudget ratio must be between 0 and 1: " + ratio);
    }
  }

  /** 10 retries plus 10% of the requests per poll. */
  public static RetryBudget ofDefaults() {
    return new RetryBudget(10, 0.1);
  }

  /** Retries allowed after {@code requests} requests. */
  long allowed(long requests) {
    return minRetries + (long) (ratio * requests);
  }
}
