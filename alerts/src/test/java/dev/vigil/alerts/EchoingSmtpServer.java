package dev.vigil.alerts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A careless SMTP server on 127.0.0.1 that rejects every AUTH and echoes what the client sent,
 * Base64 and decoded, in its 535 reply, as some servers do. GreenMail never echoes credentials, so
 * this is what proves the sink scrubs them. Serves connections one after another until closed.
 */
final class EchoingSmtpServer implements AutoCloseable {
  private final ServerSocket socket;
  private final String mechanism;
  private final Thread thread;

  /** Starts a server that offers only {@code mechanism} ({@code PLAIN} or {@code LOGIN}). */
  EchoingSmtpServer(String mechanism) throws IOException {
    this.mechanism = mechanism;
    this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "echoing-smtp-server");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        converse(client);
      } catch (IOException e) {
        // closed, or the client hung up: next connection
      }
    }
  }

  private void converse(Socket client) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    OutputStream out = client.getOutputStream();
    send(out, "220 echo ESMTP");
    for (String line; (line = in.readLine()) != null; ) {
      String upper = line.toUpperCase(java.util.Locale.ROOT);
      if (upper.startsWith("EHLO")) {
        send(out, "250-echo\r\n250 AUTH " + mechanism);
      } else if (upper.startsWith("AUTH PLAIN")) {
        String blob =
            line.length() > "AUTH PLAIN ".length() ? line.substring(11) : ask(out, in, "334 ");
        send(out, "535 5.7.8 Authentication failed for " + blob + " = " + decoded(blob));
      } else if (upper.startsWith("AUTH LOGIN")) {
        String user = ask(out, in, "334 VXNlcm5hbWU6");
        String password = ask(out, in, "334 UGFzc3dvcmQ6");
        send(
            out,
            "535 5.7.8 Authentication failed for "
                + user
                + ":"
                + password
                + " = "
                + decoded(user)
                + ":"
                + decoded(password));
      } else if (upper.startsWith("QUIT")) {
        send(out, "221 bye");
        return;
      } else {
        send(out, "250 ok");
      }
    }
  }

  private static String ask(OutputStream out, BufferedReader in, String prompt) throws IOException {
    send(out, prompt);
    String answer = in.readLine();
    return answer == null ? "" : answer;
  }

  private static String decoded(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8)
          .replace('\0', '|');
    } catch (IllegalArgumentException e) {
      return "?";
    }
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
