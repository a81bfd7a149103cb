package dev.vigil.examples;

import dev.vigil.AlertSink;
import dev.vigil.testing.AlertSinkContract;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How to test your own sink: extend {@link AlertSinkContract}, make the sink talk to a receiver you
 * control, and let the receiver answer what the contract asks for.
 */
class TicketAlertSinkContractTest extends AlertSinkContract {
  private final Deque<Integer> answers = new ArrayDeque<>();
  private int accepted;

  @Override
  protected AlertSink newSink() {
    return new TicketAlertSink(
        (key, title, open) -> {
          int status = answers.isEmpty() ? 200 : answers.poll();
          if (status < 300) accepted++;
          return status;
        });
  }

  @Override
  protected void nextDelivery(Outcome outcome) {
    answers.add(
        switch (outcome) {
          case ACCEPT -> 201;
          case TRANSIENT -> 503;
          case PERMANENT -> 422;
        });
  }

  @Override
  protected int accepted() {
    return accepted;
  }
}
