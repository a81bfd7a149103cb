package dev.vigil.internal;

/**
 * Nagios-style flap detection for one alert: tells a state that keeps changing from one that
 * changed once.
 *
 * <p>The algorithm is Nagios Core's ({@code base/flapping.c}, {@code check_for_service_flapping};
 * described in the Nagios Core 4 documentation, "Detection and Handling of State Flapping"):
 *
 * <ol>
 *   <li>Keep the last {@value #HISTORY_SIZE} states, so {@value #TRANSITIONS} transitions between
 *       neighbours.
 *   <li>Weight transition {@code i} (1 the oldest, 20 the newest) by {@code 0.75 + (i - 1) * 0.5 /
 *       19}: weights rise linearly from {@value #OLDEST_WEIGHT} to {@value #NEWEST_WEIGHT}, so a
 *       recent change counts 5/3 as much as the oldest. (Nagios Core's {@code low_curve_value} and
 *       {@code high_curve_value}; the weights average 1, so a state that changed at every check
 *       scores exactly 100%.)
 *   <li>The percent state change is {@code 100 * (sum of the weights of transitions where the state
 *       changed) / 20}.
 *   <li>Flapping starts when the percentage reaches the high threshold ({@code >=}) and stops when
 *       it falls to the low threshold ({@code <=}); in between the flapping flag keeps its value.
 *       These are Nagios Core's comparisons.
 * </ol>
 *
 * <p>The default thresholds, {@value #DEFAULT_LOW_THRESHOLD}% and {@value
 * #DEFAULT_HIGH_THRESHOLD}%, are Nagios Core 4's built-in service defaults ({@code
 * DEFAULT_LOW_SERVICE_FLAP_THRESHOLD} and {@code DEFAULT_HIGH_SERVICE_FLAP_THRESHOLD} in {@code
 * include/defaults.h}), used when {@code nagios.cfg} sets no {@code low_service_flap_threshold} /
 * {@code high_service_flap_threshold}. (Nagios' sample {@code nagios.cfg} sets 5/20 and its
 * configuration reference shows 25/50 as examples.)
 *
 * <p>As for a new Nagios service, whose state history starts zeroed ({@code STATE_OK}), a new
 * detector's history is all OK (state 0): a first record of a problem is one change. It flaps only
 * after at least six changes with the defaults.
 *
 * <p>Not thread safe: the rule evaluator guards each detector with its own lock. Each {@link
 * #record} costs O({@value #HISTORY_SIZE}) and the detector holds {@value #HISTORY_SIZE} ints.
 */
public final class FlapDetector {
  /** How many states are kept: 21, as in Nagios ({@code MAX_STATE_HISTORY_ENTRIES}). */
  public static final int HISTORY_SIZE = 21;

  /** How many transitions the percentage is computed over: 20. */
  public static final int TRANSITIONS = HISTORY_SIZE - 1;

  /** Weight of the oldest transition: 0.75, Nagios' {@code low_curve_value}. */
  public static final double OLDEST_WEIGHT = 0.75;

  /** Weight of the newest transition: 1.25, Nagios' {@code high_curve_value}. */
  public static final double NEWEST_WEIGHT = 1.25;

  /** Default low threshold, in percent: 20, Nagios Core 4's built-in service default. */
  public static final double DEFAULT_LOW_THRESHOLD = 20.0;

  /** Default high threshold, in percent: 30, Nagios Core 4's built-in service default. */
  public static final double DEFAULT_HIGH_THRESHOLD = 30.0;

  /** What a {@link #record} changed about flapping. */
  public enum Transition {
    /** Flapping neither started nor stopped. */
    NONE,
    /** The percent state change reached the high threshold: flapping started. */
    STARTED,
    /** The percent state change fell to the low threshold: flapping stopped. */
    STOPPED
  }

  private final double lowThreshold;
  private final double highThreshold;

  /** Ring of the last states; {@code next} is the slot of the oldest, overwritten next. */
  private final int[] history = new int[HISTORY_SIZE];

  private int next;
  private boolean flapping;
  private double percentStateChange;

  /** Creates a detector with Nagios Core 4's default service thresholds, 20% and 30%. */
  public FlapDetector() {
    this(DEFAULT_LOW_THRESHOLD, DEFAULT_HIGH_THRESHOLD);
  }

  /**
   * Creates a detector with the given thresholds.
   *
   * @param lowThreshold flapping stops at or below this percent state change
   * @param highThreshold flapping starts at or above this percent state change
   * @throws IllegalArgumentException unless {@code 0 <= lowThreshold < highThreshold <= 100}
   */
  public FlapDetector(double lowThreshold, double highThreshold) {
    if (!(lowThreshold >= 0 && lowThreshold < highThreshold && highThreshold <= 100)) {
      throw new IllegalArgumentException(
          "lowThreshold "
              + lowThreshold
              + " and highThreshold "
              + highThreshold
              + ": need 0 <= lowThreshold < highThreshold <= 100");
    }
    this.lowThreshold = lowThreshold;
    this.highThreshold = highThreshold;
  }

  /**
   * Records the outcome of one evaluation: {@code true} if the rule was in alarm.
   *
   * @return {@link Transition#STARTED} or {@link Transition#STOPPED} on the one evaluation where
   *     flapping starts or stops, {@link Transition#NONE} otherwise
   */
  public Transition record(boolean inAlarm) {
    return record(inAlarm ? 1 : 0);
  }

  /**
   * Records the state of one evaluation, for rules with more than two states (such as 0 = ok, 1 =
   * warning, 2 = critical): any change between two different values is a transition.
   *
   * @return {@link Transition#STARTED} or {@link Transition#STOPPED} on the one evaluation where
   *     flapping starts or stops, {@link Transition#NONE} otherwise
   */
  public Transition record(int state) {
    history[next] = state;
    next = (next + 1) % HISTORY_SIZE;
    percentStateChange = computePercentStateChange();

    if (percentStateChange >= highThreshold && !flapping) {
      flapping = true;
      return Transition.STARTED;
    }
    if (percentStateChange <= lowThreshold && flapping) {
      flapping = false;
      return Transition.STOPPED;
    }
    return Transition.NONE;
  }

  /**
   * Returns the recorded states, oldest first: what {@link #restored} takes back after a restart.
   */
  public int[] states() {
    int[] out = new int[HISTORY_SIZE];
    for (int i = 0; i < HISTORY_SIZE; i++) out[i] = history[(next + i) % HISTORY_SIZE];
    return out;
  }

  /**
   * Returns a detector with the states {@code states} (oldest first, as {@link #states()} gave
   * them) and the flapping flag {@code flapping}, as a detector was before a restart.
   *
   * @throws IllegalArgumentException if the thresholds are invalid (as for the constructor) or
   *     {@code states} does not hold {@value #HISTORY_SIZE} entries
   */
  public static FlapDetector restored(
      double lowThreshold, double highThreshold, int[] states, boolean flapping) {
    FlapDetector d = new FlapDetector(lowThreshold, highThreshold);
    if (states.length != HISTORY_SIZE) {
      throw new IllegalArgumentException(
          "states has " + states.length + " entries: needs " + HISTORY_SIZE);
    }
    System.arraycopy(states, 0, d.history, 0, HISTORY_SIZE);
    d.flapping = flapping;
    d.percentStateChange = d.computePercentStateChange();
    return d;
  }

  /** Returns true between a {@link Transition#STARTED} and the next {@link Transition#STOPPED}. */
  public boolean isFlapping() {
    return flapping;
  }

  /**
   * Returns the weighted percent state change after the last {@link #record}, in [0, 100]; 0 before
   * the first.
   */
  public double percentStateChange() {
    return percentStateChange;
  }

  /** Returns the threshold at or below which flapping stops, in percent. */
  public double lowThreshold() {
    return lowThreshold;
  }

  /** Returns the threshold at or above which flapping starts, in percent. */
  public double highThreshold() {
    return highThreshold;
  }

  private double computePercentStateChange() {
    double weightedChanges = 0;
    int previous = history[next]; // the oldest state
    for (int i = 1; i < HISTORY_SIZE; i++) {
      int state = history[(next + i) % HISTORY_SIZE];
      if (state != previous) weightedChanges += weight(i);
      previous = state;
    }
    return weightedChanges * 100 / TRANSITIONS;
  }

  /** Weight of transition {@code i}, 1 the oldest and {@value #TRANSITIONS} the newest. */
  static double weight(int i) {
    return OLDEST_WEIGHT + (i - 1) * (NEWEST_WEIGHT - OLDEST_WEIGHT) / (TRANSITIONS - 1);
  }

  @Override
  public String toString() {
    return "FlapDetector{flapping=" + flapping + ", percentStateChange=" + percentStateChange + "}";
  }
}
