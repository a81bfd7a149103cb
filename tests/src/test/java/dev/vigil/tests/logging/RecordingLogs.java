package dev.vigil.tests.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of this test module: records every event at every level, with its throwable, so
 * that tests can assert what an operator would see; events at INFO and above are also printed to
 * standard error. Registered through {@code META-INF/services}. Thread safe.
 */
public final class RecordingLogs implements SLF4JServiceProvider {
  /** One logging call. */
  public record Event(
      Level level, String logger, String thread, String message, @Nullable Throwable thrown) {}

  private static final int MAX_EVENTS = 200_000;
  private static final List<Event> events = new ArrayList<>();

  private final ILoggerFactory loggerFactory = RecordingLogger::new;
  private final IMarkerFactory markerFactory = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** The events recorded since the last {@link #clear()} that satisfy {@code filter}. */
  public static List<Event> events(Predicate<Event> filter) {
    synchronized (events) {
      return events.stream().filter(filter).toList();
    }
  }

  /** Forgets what was recorded. */
  public static void clear() {
    synchronized (events) {
      events.clear();
    }
  }

  private static void record(Event e) {
    synchronized (events) {
      if (events.size() < MAX_EVENTS) events.add(e);
    }
    if (e.level().toInt() >= Level.INFO.toInt()) {
      System.err.println(
          "[" + e.thread() + "] " + e.level() + " " + e.logger() + " - " + e.message());
      if (e.thrown() != null) e.thrown().printStackTrace();
    }
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggerFactory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markerFactory;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class RecordingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    RecordingLogger(String name) {
      this.name = name;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return RecordingLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level,
        @Nullable Marker marker,
        @Nullable String pattern,
        Object @Nullable [] arguments,
        @Nullable Throwable throwable) {
      String message = MessageFormatter.basicArrayFormat(pattern, arguments);
      record(
          new Event(
              level, name, Thread.currentThread().getName(), String.valueOf(message), throwable));
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }

  /** For {@link Logger} users that ask for the factory's name. */
  @Override
  public String toString() {
    return "RecordingLogs";
  }
}
