package dev.vigil.internal;

/**
 * The sliding-window maximum (or minimum) in O(1) amortized per operation: a deque of (sequence
 * number, value) whose values only decrease (for a maximum) from front to back. Each sample is
 * pushed once and popped at most once; the front is always the extreme of the window.
 *
 * <p>Not thread safe; owned by one {@link SampleWindow}.
 */
final class MonotonicDeque {
  private final boolean max;
  private long[] seqs = new long[16];
  private double[] values = new double[16];
  private int head;
  private int size;

  /** {@code max} true keeps the maximum at the front, false the minimum. */
  MonotonicDeque(boolean max) {
    this.max = max;
  }

  /** Appends the newest sample, dropping the older ones it dominates. */
  void push(long seq, double value) {
    while (size > 0 && dominates(value, values[index(size - 1)])) size--;
    if (size == seqs.length) grow();
    int i = index(size);
    seqs[i] = seq;
    values[i] = value;
    size++;
  }

  /** Tells the deque that the sample {@code seq}, the oldest of the window, has left it. */
  void evict(long seq) {
    if (size > 0 && seqs[head] == seq) {
      head = index(1);
      size--;
    }
  }

  /** Returns the extreme of the window, or {@code NaN} when empty. */
  double front() {
    return size == 0 ? Double.NaN : values[head];
  }

  void clear() {
    head = 0;
    size = 0;
  }

  private boolean dominates(double newer, double older) {
    return max ? newer >= older : newer <= older;
  }

  private int index(int offset) {
    return (head + offset) % seqs.length;
  }

  private void grow() {
    int capacity = seqs.length * 2;
    long[] newSeqs = new long[capacity];
    double[] newValues = new double[capacity];
    for (int k = 0; k < size; k++) {
      newSeqs[k] = seqs[index(k)];
      newValues[k] = values[index(k)];
    }
    seqs = newSeqs;
    values = newValues;
    head = 0;
  }
}
