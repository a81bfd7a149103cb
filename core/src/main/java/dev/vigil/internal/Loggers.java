package dev.vigil.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loggers of the engine, one per concern, so that an operator can tune each apart (all are
 * children of {@code dev.vigil}):
 *
 * <ul>
 *   <li>{@code dev.vigil.monitor}: start, close, the scheduler;
 *   <li>{@code dev.vigil.poll}: sources: failed polls, failed resources, skipped ticks;
 *   <li>{@code dev.vigil.rules}: rule evaluation errors and suppressed notifications;
 *   <li>{@code dev.vigil.delivery}: sinks: retries, drops, flushing on close;
 *   <li>{@code dev.vigil.listener}: a {@code MonitorListener} that threw.
 * </ul>
 *
 * Sources and sinks in other modules log under their class names ({@code
 * dev.vigil.http.HttpJsonSource}, ...). A repeating problem is logged once, then at most once a
 * minute with a count ({@link LogThrottle}); a stack trace is logged at DEBUG only.
 */
public final class Loggers {
  public static final Logger MONITOR = LoggerFactory.getLogger("dev.vigil.monitor");
  public static final Logger POLL = LoggerFactory.getLogger("dev.vigil.poll");
  public static final Logger RULES = LoggerFactory.getLogger("dev.vigil.rules");
  public static final Logger DELIVERY = LoggerFactory.getLogger("dev.vigil.delivery");
  public static final Logger LISTENER = LoggerFactory.getLogger("dev.vigil.listener");

  private Loggers() {}
}
