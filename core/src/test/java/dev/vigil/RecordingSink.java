package dev.vigil;

import java.util.ArrayList;
import java.util.List;

/** Records every notification it is given. */
final class RecordingSink implements AlertSink {
  private final List<AlertNotification> received = new ArrayList<>();
  volatile boolean closed;

  @Override
  public synchronized void deliver(AlertNotification notification) {
    received.add(notification);
    notifyAll();
  }

  @Override
  public void close() {
    closed = true;
  }

  synchronized List<AlertNotification> received() {
    return List.copyOf(received);
  }
}
