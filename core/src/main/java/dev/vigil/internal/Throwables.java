package dev.vigil.internal;

/** The one rule for user callbacks: catch everything but a dying VM. */
public final class Throwables {
  private Throwables() {}

  /** Rethrows {@code t} if it is a {@link VirtualMachineError}; otherwise returns. */
  public static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal) throw fatal;
  }
}
