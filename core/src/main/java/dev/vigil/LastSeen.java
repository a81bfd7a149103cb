package dev.vigil;

import java.util.Arrays;

/**
 * When each resource of a source was last listed: resource names and ticker readings in two dense
 * arrays in the order the resources were first listed, and an open-addressing index over them; no
 * object per entry. A caller that remembers a resource's slot ({@link #put} returns it) updates it
 * with {@link #putAt} without hashing, and, as sources list their resources in much the same order
 * every poll, in the order of the arrays. Not thread safe: guarded by the evaluator's lock.
 */
final class LastSeen {
  static final long NONE = Long.MIN_VALUE;

  private String[] keys = new String[16];
  private long[] values = new long[16];
  private int size;

  /** Slot + 1 of each key by hash; 0 is free. At most half full. */
  private int[] index = new int[32];

  int size() {
    return size;
  }

  /** The reading for {@code resource}, or {@link #NONE}. */
  long get(String resource) {
    int slot = slot(resource);
    return slot < 0 ? NONE : values[slot];
  }

  /** Records {@code nanos} for {@code resource} and returns its slot. */
  int put(String resource, long nanos) {
    int slot = slot(resource);
    if (slot >= 0) {
      values[slot] = nanos;
      return slot;
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    slot = size++;
    keys[slot] = resource;
    values[slot] = nanos;
    if (size * 2 > index.length) reindex(index.length * 2);
    else insert(slot);
    return slot;
  }

  /**
   * Records {@code nanos} for {@code resource} at {@code slot} if it is still there (slots move
   * when old resources are removed); returns false, changing nothing, if not.
   */
  @SuppressWarnings("ReferenceEquality") // the same instance first: the common case, no compare
  boolean putAt(int slot, String resource, long nanos) {
    if (slot < 0 || slot >= size) return false;
    String at = keys[slot];
    if (at != resource && !at.equals(resource)) return false;
    values[slot] = nanos;
    return true;
  }

  /** Removes the resources last listed {@code maxAge} or longer before {@code now}; slots move. */
  void removeOlderThan(long now, long maxAge) {
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (now - values[r] >= maxAge) continue;
      keys[w] = keys[r];
      values[w] = values[r];
      w++;
    }
    if (w == size) return;
    Arrays.fill(keys, w, size, null);
    size = w;
    int capacity = 16;
    while (capacity < size) capacity *= 2;
    if (capacity < keys.length / 2) {
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    int indexCapacity = 32;
    while (indexCapacity < size * 2) indexCapacity *= 2;
    reindex(indexCapacity);
  }

  @SuppressWarnings("ReferenceEquality") // as in putAt
  private int slot(String resource) {
    int[] idx = index;
    int mask = idx.length - 1;
    for (int i = spread(resource.hashCode()) & mask; ; i = (i + 1) & mask) {
      int at = idx[i];
      if (at == 0) return -1;
      String k = keys[at - 1];
      if (k == resource || k.equals(resource)) return at - 1;
    }
  }

  private void insert(int slot) {
    int[] idx = index;
    int mask = idx.length - 1;
    int i = spread(keys[slot].hashCode()) & mask;
    while (idx[i] != 0) i = (i + 1) & mask;
    idx[i] = slot + 1;
  }

  private void reindex(int capacity) {
    index = new int[capacity];
    for (int slot = 0; slot < size; slot++) insert(slot);
  }

  /** Fibonacci hashing: near keys (vm-0001, vm-0002) land far apart, so no long probe runs. */
  private static int spread(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  @Override
  public String toString() {
    return "LastSeen{size=" + size + "}";
  }
}
