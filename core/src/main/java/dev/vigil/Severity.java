package dev.vigil;

/** How urgent an alert is. Ordered from least to most severe, so {@code compareTo} ranks them. */
public enum Severity {
  /** Informational: worth recording, nobody needs to act. */
  INFO,
  /** Someone should look soon. */
  WARNING,
  /** Someone must act now. */
  CRITICAL
}
