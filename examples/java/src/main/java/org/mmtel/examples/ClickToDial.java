package org.mmtel.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mmtel.callcontrol.ApiClient;
import org.mmtel.callcontrol.ApiException;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.api.IndividualImsSessionDocumentApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionEvent;
import org.mmtel.callcontrol.model.ImsSessionEventNotification;
import org.mmtel.callcontrol.model.ImsSessionEventReport;
import org.mmtel.callcontrol.model.ImsSessionInfo;
import org.mmtel.callcontrol.model.InvalidParam;
import org.mmtel.callcontrol.model.NotifyImsSessionRequest;
import org.mmtel.callcontrol.model.ProblemDetails;

/**
 * Click-to-dial: an Application Server that asks the MMTel Enabler Server for a call between two
 * parties (MMTel_CallControl, 3GPP TS 29.392), prints the IMS Session Notifications it receives
 * about the call until the call is answered or has failed, and then releases it.
 *
 * <pre>mvn -f sdks/java/pom.xml -pl :mmtel-example-click-to-dial -am compile exec:java -Dexec.args=http://127.0.0.1:8080</pre>
 */
public final class ClickToDial {
  private ClickToDial() {}

  /** {@code args[0]}: the server's {apiRoot} (default http://127.0.0.1:8080, where {@code pnpm start} listens). */
  public static void main(String[] args) throws Exception {
    String apiRoot = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
    try {
      run(apiRoot, System.out);
    } catch (ApiException e) {
      // Every 4xx and 5xx of the MMTel APIs carries a TS 29.122 ProblemDetails.
      ProblemDetails problem = e.getResponseBodyAs(ProblemDetails.class);
      if (problem == null) {
        throw e;
      }
      System.err.println("HTTP " + e.getCode() + " " + problem.getCause() + ": " + problem.getDetail());
      for (InvalidParam invalid : Objects.requireNonNullElse(problem.getInvalidParams(), List.<InvalidParam>of())) {
        System.err.println("  " + invalid.getParam() + ": " + invalid.getReason());
      }
      System.exit(1);
    }
  }

  /** Places the call, prints its events to {@code out}, releases it, and returns the events. */
  public static List<ImsSessionEvent> run(String apiRoot, PrintStream out) throws Exception {
    // The AS's notification endpoint: the JDK's HttpServer on loopback, at a free port.
    ObjectMapper mapper = ApiClient.createDefaultObjectMapper();
    BlockingQueue<ImsSessionEventNotification> notifications = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/notifications", exchange -> {
      try (exchange) {
        NotifyImsSessionRequest body = mapper.readValue(exchange.getRequestBody(), NotifyImsSessionRequest.class);
        if (body.getActualInstance() instanceof ImsSessionEventNotification notification) {
          notifications.add(notification);
        }
        exchange.sendResponseHeaders(204, -1);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
      }
    });
    receiver.start();
    String notifUri = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notifications";

    try {
      ApiClient client = new ApiClient();
      client.updateBaseUri(apiRoot + "/mmtel-callcontrol/v1");
      ImsSession call =
          new ImsSessionsCollectionApi(client)
              .createImsSession(
                  new ImsSession()
                      .afId("default")
                      .imsSessionInfo(new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com"))
                      .notifUri(notifUri));
      out.println("call created: " + call.getSelf());

      List<ImsSessionEvent> events = new ArrayList<>();
      while (!events.contains(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS)
          && !events.contains(ImsSessionEvent.SESSION_ESTABLISHMENT_FAILURE)) {
        ImsSessionEventNotification notification = notifications.poll(30, TimeUnit.SECONDS);
        if (notification == null) {
          throw new IllegalStateException("no IMS Session Notification within 30 s at " + notifUri);
        }
        for (ImsSessionEventReport report : notification.getEventReports()) {
          out.println(report.getEvent() + " -> " + report.getSessionState());
          events.add(report.getEvent());
        }
      }

      String sessionId = call.getImsSessionInfo().getSessionId();
      new IndividualImsSessionDocumentApi(client).releaseImsSession(sessionId);
      out.println("call released: " + sessionId);
      return events;
    } finally {
      receiver.stop(0);
    }
  }
}
