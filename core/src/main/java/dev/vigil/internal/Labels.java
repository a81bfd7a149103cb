package dev.vigil.internal;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Label maps: sorted copies and stable fingerprints. */
public final class Labels {
  private Labels() {}

  /** The labels the engine sets on every alert itself; sources and rules may not set them. */
  public static final java.util.List<String> RESERVED =
      java.util.List.of("alertname", "resource", "severity");

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final byte SEPARATOR = (byte) 0xff;

  /** Returns an unmodifiable copy sorted by label name. */
  public static Map<String, String> sortedCopy(Map<String, String> labels) {
    requireNonNull(labels, "labels == null");
    if (labels.isEmpty()) return Map.of();
    TreeMap<String, String> sorted = new TreeMap<>();
    labels.forEach(
        (k, v) ->
            sorted.put(
                requireNonNull(k, "label name == null"),
                requireNonNull(v, "label " + k + " == null")));
    return Collections.unmodifiableMap(sorted);
  }

  /**
   * Returns a 16-hex-digit FNV-1a hash of the labels in name order, with a separator byte between
   * names and values as Prometheus does, so equal label sets always give equal fingerprints.
   */
  public static String fingerprint(Map<String, String> labels) {
    long hash = FNV_OFFSET;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      hash = fnv(hash, e.getKey());
      hash = fnv(hash, e.getValue());
    }
    return String.format("%016x", hash);
  }

  private static long fnv(long hash, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= FNV_PRIME;
    }
    hash ^= (SEPARATOR & 0xff);
    hash *= FNV_PRIME;
    return hash;
  }
}
