package dev.vigil.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.vigil.ResourceMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Starts polling once the application is ready and closes the monitor when the context stops.
 *
 * <p><b>Start.</b> The context's refresh only marks this lifecycle running; {@link
 * ResourceMonitor#start()} is called on the {@link ApplicationReadyEvent}, after every runner, so
 * no source is polled while the application is still starting (and a failed start polls nothing).
 * An application context without a {@code SpringApplication} (a test's {@code
 * ApplicationContextRunner}) never polls until the test publishes that event, or calls {@link
 * ResourceMonitor#pollNow()} itself.
 *
 * <p><b>Stop.</b> In Spring's shutdown phase {@link #getPhase()}: {@link ResourceMonitor#close()}
 * stops polling and delivers what is queued within {@code vigil.shutdown-timeout} (10 s by
 * default), which should stay below {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by
 * default). A closed monitor does not start again.
 *
 * <p>Thread safe.
 */
public final class VigilLifecycle
    implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
  private static final Logger log = LoggerFactory.getLogger(VigilLifecycle.class);

  private final ResourceMonitor monitor;
  private boolean running; // guarded by this
  private boolean polling; // guarded by this
  private boolean closed; // guarded by this

  /**
   * Manages {@code monitor}.
   *
   * @throws NullPointerException if {@code monitor} is null
   */
  public VigilLifecycle(ResourceMonitor monitor) {
    this.monitor = requireNonNull(monitor, "monitor == null");
  }

  /** Marks the lifecycle running; polling waits for {@link ApplicationReadyEvent}. */
  @Override
  public synchronized void start() {
    if (!closed) running = true;
  }

  /** Starts polling, once, if the lifecycle is running. */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    synchronized (this) {
      if (!running || polling || closed) return;
      polling = true;
    }
    try {
      monitor.start();
    } catch (IllegalStateException e) {
      // Started (or closed) by the application itself: leave it as it is.
      log.warn("Vigil monitor not started on ApplicationReadyEvent: {}", e.getMessage());
    }
  }

  /** Closes the monitor: bounded by {@code vigil.shutdown-timeout}. Idempotent. */
  @Override
  public void stop() {
    synchronized (this) {
      running = false;
      polling = false;
      if (closed) return;
      closed = true;
    }
    log.debug("Closing the Vigil monitor");
    monitor.close();
  }

  @Override
  public synchronized boolean isRunning() {
    return running;
  }

  /** Whether the monitor was started and not yet closed. */
  public synchronized boolean isPolling() {
    return polling;
  }

  /** Whether the monitor was closed. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Stops late in the shutdown: after the web server stopped taking requests ({@code
   * SmartLifecycle.DEFAULT_PHASE - 1024}) nothing is left that this phase waits for, and alerts are
   * still delivered while the application drains.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 2048;
  }

  @Override
  public String toString() {
    return "VigilLifecycle{polling=" + isPolling() + ", closed=" + isClosed() + "}";
  }
}
