package dev.vigil.examples.springboot;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real SMTP server (GreenMail) on 127.0.0.1 and an ephemeral port, with waits that have a
 * deadline.
 */
final class Mailbox implements AutoCloseable {
  private final GreenMail greenMail =
      new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private boolean started;

  /** Starts the server, unless it is started. */
  synchronized Mailbox start() {
    if (!started) greenMail.start();
    started = true;
    return this;
  }

  int port() {
    return greenMail.getSmtp().getPort();
  }

  /** Every email received so far, in order. */
  List<MimeMessage> messages() {
    return List.of(greenMail.getReceivedMessages());
  }

  /**
   * Waits until an email whose subject matches arrives, or the timeout passes.
   *
   * @return the first email received whose subject matches
   * @throws AssertionError if none arrives in time; the message lists the subjects received
   */
  MimeMessage await(Predicate<String> subject, Duration timeout) throws MessagingException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      MimeMessage[] received = greenMail.getReceivedMessages();
      for (MimeMessage message : received) {
        if (subject.test(message.getSubject())) return message;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching email within " + timeout + "; got " + subjects());
      }
      greenMail.waitForIncomingEmail(
          Math.max(1, Duration.ofNanos(left).toMillis()), received.length + 1);
    }
  }

  /** The subjects of every email received so far, in order. */
  List<String> subjects() throws MessagingException {
    List<String> subjects = new ArrayList<>();
    for (MimeMessage message : greenMail.getReceivedMessages()) subjects.add(message.getSubject());
    return subjects;
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
