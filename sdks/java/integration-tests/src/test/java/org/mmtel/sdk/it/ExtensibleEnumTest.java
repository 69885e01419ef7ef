package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmtel.sdk.it.TestServers.SILENT;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.ApiException;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionEvent;
import org.mmtel.callcontrol.model.ImsSessionInfo;

/**
 * 3GPP extensible enumerations (anyOf [enum, string], TS 29.501 clause 5.2.3.3): a value that no
 * version of the SDK knows comes back from the server and is kept, not refused.
 */
class ExtensibleEnumTest {
  private final ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(TestServers.callControlClient(TestServers.apiRoot()));

  private ImsSession createWithEvents(ImsSessionEvent... events) throws ApiException {
    ImsSession request =
        new ImsSession()
            .afId("default")
            .imsSessionInfo(
                new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com").events(List.of(events)))
            .notifUri("http://127.0.0.1:9/notifications");
    return sessions.createImsSession(request, SILENT);
  }

  @Test
  void anUnknownValueFromTheServerIsKept() throws ApiException {
    ImsSession created = createWithEvents(ImsSessionEvent.fromValue("FUTURE_EVENT"));

    ImsSessionEvent echoed = created.getImsSessionInfo().getEvents().get(0);
    assertFalse(echoed.isKnown());
    assertEquals("FUTURE_EVENT", echoed.getValue());
    assertEquals(ImsSessionEvent.fromValue("FUTURE_EVENT"), echoed);
  }

  @Test
  void aKnownValueFromTheServerIsItsConstant() throws ApiException {
    ImsSession created = createWithEvents(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS);

    ImsSessionEvent echoed = created.getImsSessionInfo().getEvents().get(0);
    assertTrue(echoed.isKnown());
    assertEquals(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS, echoed);
    assertSame(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS, echoed);
  }
}
