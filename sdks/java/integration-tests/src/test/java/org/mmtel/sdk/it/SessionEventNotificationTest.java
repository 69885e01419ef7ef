package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mmtel.callevent.ApiClient;
import org.mmtel.callevent.model.EventInitiator;
import org.mmtel.callevent.model.EventType;
import org.mmtel.callevent.model.MediaType;
import org.mmtel.callevent.model.SessionCase;
import org.mmtel.callevent.model.SessionEventNotification;

/**
 * A Session Event Notification (MMTel_CallEvent, TS 29.392 clause 6.3.5.2) of an incoming call,
 * injected through the simulator's /sim/v1 API and sent to the SessionEventNotificationUri the
 * server was started with (MMTEL_SESSION_EVENT_NOTIFICATION_URI, where this test listens).
 */
class SessionEventNotificationTest {
  @Test
  void anIncomingCallArrivesAsASessionEventNotification() throws Exception {
    String target = System.getenv("MMTEL_SESSION_EVENT_NOTIFICATION_URI");
    assumeTrue(
        target != null && !target.isBlank(),
        "MMTEL_SESSION_EVENT_NOTIFICATION_URI is not set: start the server with it (a free loopback port)"
            + " and give this test the same value, as `pnpm --filter @mmtel/sdkgen test:java` does");
    String simulator = TestServers.apiRoot() + "/sim/v1";

    try (NotificationReceiver<SessionEventNotification> receiver =
        NotificationReceiver.startAt(URI.create(target), SessionEventNotification.class, ApiClient.createDefaultObjectMapper())) {
      String call =
          "{\"callingIdentity\":\"tel:+4930123456\",\"calledIdentity\":\"sip:alice@example.com\","
              + "\"mediaInfoList\":{\"1\":{\"mediaId\":\"1\",\"mediaType\":\"AUDIO\"}}}";
      HttpResponse<String> injected =
          ApiClient.createDefaultHttpClientBuilder().build()
              .send(
                  HttpRequest.newBuilder(URI.create(simulator + "/incoming-calls"))
                      .header("content-type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(call))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(202, injected.statusCode(), injected::body);
      String sessionId = ApiClient.createDefaultObjectMapper().readTree(injected.body()).get("sessionId").asText();

      SessionEventNotification notification = receiver.next(Duration.ofSeconds(10));

      assertEquals(sessionId, notification.getSessionId());
      assertEquals(EventType.SESSION_ESTABLISHMENT_REQUEST, notification.getNotificationEvent().getEventType());
      assertEquals(EventInitiator.REMOTE_IMS_SUBSCRIBER, notification.getNotificationEvent().getEventInitiator());
      assertEquals(SessionCase.TERMINATING_IMS_SESSION, notification.getSessionInfo().getSessionCase());
      assertEquals("sip:alice@example.com", notification.getSessionInfo().getCalledIdentity());
      assertEquals(MediaType.AUDIO, notification.getMediaInfoList().get("1").getMediaType());
    }
  }
}
