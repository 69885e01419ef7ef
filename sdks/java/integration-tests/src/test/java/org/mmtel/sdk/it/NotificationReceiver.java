package org.mmtel.sdk.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal AS notification endpoint on the JDK's HttpServer: every POST to its path is read into
 * {@code type} with the SDK's JSON settings and answered 204 (400 when the body does not parse),
 * as TS 29.122 clause 5.2.5 asks of a notification receiver.
 */
final class NotificationReceiver<T> implements AutoCloseable {
  private final HttpServer server;
  private final String path;
  private final Class<T> type;
  private final ObjectMapper mapper;
  private final BlockingQueue<T> received = new LinkedBlockingQueue<>();
  private final List<String> rejected = new ArrayList<>();

  private NotificationReceiver(InetSocketAddress address, String path, Class<T> type, ObjectMapper mapper) throws IOException {
    this.path = path;
    this.type = type;
    this.mapper = mapper;
    this.server = HttpServer.create(address, 0);
    server.createContext(path, this::handle);
    server.start();
  }

  /** A receiver on 127.0.0.1 at a free port. */
  static <T> NotificationReceiver<T> start(String path, Class<T> type, ObjectMapper mapper) throws IOException {
    return new NotificationReceiver<>(new InetSocketAddress("127.0.0.1", 0), path, type, mapper);
  }

  /** A receiver at the host, port and path of {@code uri} (a notification URI configured in the server). */
  static <T> NotificationReceiver<T> startAt(URI uri, Class<T> type, ObjectMapper mapper) throws IOException {
    return new NotificationReceiver<>(new InetSocketAddress(uri.getHost(), uri.getPort()), uri.getPath(), type, mapper);
  }

  /** The URI to give the server as notification URI. */
  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next notification received, waiting up to {@code timeout}; fails when none arrives. */
  T next(Duration timeout) throws InterruptedException {
    T notification = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (notification == null) {
      throw new AssertionError("no notification arrived at " + uri() + " within " + timeout + "; rejected bodies: " + rejected);
    }
    return notification;
  }

  /** The next {@code count} notifications, in the order they arrived. */
  List<T> next(int count, Duration timeout) throws InterruptedException {
    List<T> notifications = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      notifications.add(next(timeout));
    }
    return notifications;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.readAllBytes();
      T notification;
      try {
        notification = mapper.readValue(bytes, type);
      } catch (IOException e) {
        synchronized (rejected) {
          rejected.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8) + " (" + e.getMessage() + ")");
        }
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      received.add(notification);
      exchange.sendResponseHeaders(204, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
