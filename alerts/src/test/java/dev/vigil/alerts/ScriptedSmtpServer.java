package dev.vigil.alerts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket SMTP server on 127.0.0.1 whose replies a test scripts per connection: a reply to
 * {@code RCPT TO} by recipient, a reply to the end of {@code DATA}, and what happens at {@code
 * QUIT} (221, or a TCP reset without reply). GreenMail cannot fail after it accepted a message;
 * this can. Counts the messages it accepted (250 after {@code DATA}). Serves connections one at a
 * time.
 */
final class ScriptedSmtpServer implements AutoCloseable {
  /** What one connection does. */
  record Script(String dataReply, boolean resetAtQuit, Map<String, String> rcptReplies) {
    static Script accept() {
      return new Script("250 2.0.0 queued", false, Map.of());
    }
  }

  private final ServerSocket socket;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Script> scripts = new ConcurrentLinkedQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  final Map<String, String> lastRecipients = new ConcurrentHashMap<>();

  ScriptedSmtpServer() throws IOException {
    this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "scripted-smtp-server");
    thread.setDaemon(true);
    thread.start();
  }

  /** The next connection follows {@code script}; later ones accept, unless scripted too. */
  void next(Script script) {
    scripts.add(script);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Messages answered with a 2xx after {@code DATA}. */
  int accepted() {
    return accepted.get();
  }

  int connections() {
    return connections.get();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        connections.incrementAndGet();
        Script script = scripts.poll();
        converse(client, script != null ? script : Script.accept());
      } catch (IOException e) {
        // closed, or the client hung up: next connection
      }
    }
  }

  private void converse(Socket client, Script script) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    OutputStream out = client.getOutputStream();
    send(out, "220 scripted ESMTP");
    for (String line; (line = in.readLine()) != null; ) {
      String upper = line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("EHLO")) {
        send(out, "250-scripted\r\n250 8BITMIME");
      } else if (upper.startsWith("RCPT TO:")) {
        String address = line.substring(8).trim().replaceAll("[<>]", "");
        send(out, script.rcptReplies().getOrDefault(address, "250 2.1.5 ok"));
      } else if (upper.equals("DATA")) {
        send(out, "354 go ahead");
        for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
          // the message
        }
        if (script.dataReply().startsWith("2")) accepted.incrementAndGet();
        send(out, script.dataReply());
      } else if (upper.startsWith("QUIT")) {
        if (script.resetAtQuit()) {
          client.setSoLinger(true, 0); // close sends a TCP reset, not a FIN
          return;
        }
        send(out, "221 bye");
        return;
      } else {
        send(out, "250 ok");
      }
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
