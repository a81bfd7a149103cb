package dev.vigil;

import java.util.Arrays;

/**
 * When each resource of a source was last listed: an open-addressing map from resource name to a
 * ticker reading, two arrays and no object per entry. Not thread safe: guarded by the evaluator's
 * lock.
 */
final class LastSeen {
  static final long NONE = Long.MIN_VALUE;

  private String[] keys = new String[16];
  private long[] values = new long[16];
  private int size;

  int size() {
    return size;
  }

  /** The reading for {@code resource}, or {@link #NONE}. */
  long get(String resource) {
    String[] k = keys;
    int mask = k.length - 1;
    for (int i = spread(resource.hashCode()) & mask; ; i = (i + 1) & mask) {
      String at = k[i];
      if (at == null) return NONE;
      if (at.equals(resource)) return values[i];
    }
  }

  void put(String resource, long nanos) {
    String[] k = keys;
    int mask = k.length - 1;
    int i = spread(resource.hashCode()) & mask;
    for (; ; i = (i + 1) & mask) {
      String at = k[i];
      if (at == null) break;
      if (at.equals(resource)) {
        values[i] = nanos;
        return;
      }
    }
    k[i] = resource;
    values[i] = nanos;
    if (++size * 5 > k.length * 4) resize(k.length * 2); // at most 80% full
  }

  /** Removes the resources last listed {@code maxAge} or longer before {@code now}. */
  void removeOlderThan(long now, long maxAge) {
    boolean any = false;
    for (int i = 0; i < keys.length && !any; i++) {
      any = keys[i] != null && now - values[i] >= maxAge;
    }
    if (!any) return;
    String[] oldKeys = keys;
    long[] oldValues = values;
    int capacity = oldKeys.length;
    keys = new String[capacity];
    values = new long[capacity];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null && now - oldValues[i] < maxAge) put(oldKeys[i], oldValues[i]);
    }
    if (capacity > 16 && size * 8 < capacity) resize(Math.max(16, Integer.highestOneBit(size) * 4));
  }

  private void resize(int capacity) {
    String[] oldKeys = keys;
    long[] oldValues = values;
    keys = new String[capacity];
    values = new long[capacity];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != null) put(oldKeys[i], oldValues[i]);
  }

  /** Fibonacci hashing: near keys (vm-0001, vm-0002) land far apart, so no long probe runs. */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  @Override
  public String toString() {
    return "LastSeen{size=" + size + ", capacity=" + Arrays.asList(keys).size() + "}";
  }
}
