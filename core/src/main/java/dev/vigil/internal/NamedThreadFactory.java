package dev.vigil.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads named {@code vigil-<name>-N}. */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  /** Threads will be named {@code vigil-<name>-1}, {@code vigil-<name>-2}, and so on. */
  public NamedThreadFactory(String name) {
    this.prefix = "vigil-" + name + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + next.getAndIncrement());
    t.setDaemon(true);
    return t;
  }
}
