package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.ApiClient;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.api.IndividualImsSessionDocumentApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionEvent;
import org.mmtel.callcontrol.model.ImsSessionEventNotification;
import org.mmtel.callcontrol.model.ImsSessionEventReport;
import org.mmtel.callcontrol.model.ImsSessionInfo;
import org.mmtel.callcontrol.model.ImsSessionState;
import org.mmtel.callcontrol.model.NotifyImsSessionRequest;
import org.mmtel.callcontrol.model.TestNotification;

/**
 * IMS Session Notifications (TS 29.392 clause 6.4.5.2) sent by the server's simulated network to
 * an AS endpoint, read with the generated callback body type: the anyOf of
 * ImsSessionEventNotification and TestNotification.
 */
class NotificationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ApiClient client = TestServers.callControlClient(TestServers.apiRoot());
  private final ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(client);
  private final IndividualImsSessionDocumentApi session = new IndividualImsSessionDocumentApi(client);

  @Test
  void imsSessionNotificationsArriveInTheOrderOfTheAnswerScenario() throws Exception {
    try (NotificationReceiver<NotifyImsSessionRequest> receiver =
        NotificationReceiver.start("/ims-session-notification", NotifyImsSessionRequest.class, client.getObjectMapper())) {
      ImsSession created =
          sessions.createImsSession(
              new ImsSession()
                  .afId("default")
                  .imsSessionInfo(new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com"))
                  .notifUri(receiver.uri())
                  .notifCorreId("call-1"));

      List<NotifyImsSessionRequest> received = receiver.next(3, WAIT);
      session.releaseImsSession(created.getImsSessionInfo().getSessionId());

      List<ImsSessionEventNotification> notifications =
          received.stream().map(n -> assertInstanceOf(ImsSessionEventNotification.class, n.getActualInstance())).toList();
      List<ImsSessionEventReport> reports = notifications.stream().flatMap(n -> n.getEventReports().stream()).toList();
      assertEquals(
          List.of(
              ImsSessionEvent.SESSION_ESTABLISHMENT_PROGRESS,
              ImsSessionEvent.SESSION_ESTABLISHMENT_ALERTING,
              ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS),
          reports.stream().map(ImsSessionEventReport::getEvent).toList());
      assertEquals(
          List.of(ImsSessionState.INITIATING, ImsSessionState.ALERTING, ImsSessionState.ESTABLISHED),
          reports.stream().map(ImsSessionEventReport::getSessionState).toList());
      for (ImsSessionEventNotification notification : notifications) {
        assertEquals(created.getSelf(), notification.getSession());
        assertEquals(created.getImsSessionInfo().getSessionId(), notification.getSessionId());
        assertEquals("call-1", notification.getNotifCorreId());
      }
    }
  }

  @Test
  void theTestNotificationIsToldApartFromAnEventNotification() throws Exception {
    try (NotificationReceiver<NotifyImsSessionRequest> receiver =
        NotificationReceiver.start("/ims-session-notification", NotifyImsSessionRequest.class, client.getObjectMapper())) {
      // Feature 2 of suppFeat, Notification_test_event (TS 29.122 clause 5.2.5.3).
      ImsSession created =
          sessions.createImsSession(
              new ImsSession()
                  .afId("default")
                  .imsSessionInfo(
                      new ImsSessionInfo()
                          .callingParty("tel:+4930123456")
                          .calledParty("sip:bob@example.com")
                          .addEventsItem(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS))
                  .notifUri(receiver.uri())
                  .suppFeat("2")
                  .requestTestNotification(true));

      NotifyImsSessionRequest first = receiver.next(WAIT);
      NotifyImsSessionRequest second = receiver.next(WAIT);
      session.releaseImsSession(created.getImsSessionInfo().getSessionId());

      TestNotification test = assertInstanceOf(TestNotification.class, first.getActualInstance());
      assertEquals(created.getSelf(), test.getSubscription());
      ImsSessionEventNotification event = assertInstanceOf(ImsSessionEventNotification.class, second.getActualInstance());
      assertEquals(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS, event.getEventReports().get(0).getEvent());
    }
  }
}
