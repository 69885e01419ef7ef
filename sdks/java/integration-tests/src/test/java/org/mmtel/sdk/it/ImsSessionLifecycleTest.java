package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmtel.sdk.it.TestServers.SILENT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.ApiClient;
import org.mmtel.callcontrol.ApiException;
import org.mmtel.callcontrol.ApiResponse;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.api.IndividualImsSessionDocumentApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionEvent;
import org.mmtel.callcontrol.model.ImsSessionInfo;
import org.mmtel.callcontrol.model.ImsSessionInfoPatch;
import org.mmtel.callcontrol.model.ImsSessionPatch;
import org.mmtel.callcontrol.model.ImsSessionState;
import org.mmtel.callcontrol.model.MediaType;
import org.mmtel.callcontrol.model.MmtelMediaComponent;
import org.mmtel.callcontrol.model.ProblemDetails;

/** POST, PUT, PATCH and DELETE of IMS sessions through the generated MMTel_CallControl SDK. */
class ImsSessionLifecycleTest {
  private final ApiClient client = TestServers.callControlClient(TestServers.apiRoot());
  private final ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(client);
  private final IndividualImsSessionDocumentApi session = new IndividualImsSessionDocumentApi(client);
  private final ObjectMapper mapper = client.getObjectMapper();

  private static ImsSessionInfo parties() {
    return new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com");
  }

  private static ImsSession newSession(ImsSessionInfo info) {
    return new ImsSession().afId("default").imsSessionInfo(info).notifUri("http://127.0.0.1:9/notifications");
  }

  private static ImsSession newSession() {
    return newSession(parties());
  }

  private ImsSession create(ImsSession request) throws ApiException {
    return sessions.createImsSession(request, SILENT);
  }

  @Test
  void createAnswers201WithTheSessionAndItsSelfInLocation() throws ApiException {
    ApiResponse<ImsSession> response = sessions.createImsSessionWithHttpInfo(newSession(), SILENT);

    assertEquals(201, response.getStatusCode());
    ImsSession created = response.getData();
    String sessionId = created.getImsSessionInfo().getSessionId();
    assertNotNull(sessionId);
    assertEquals(TestServers.apiRoot() + "/mmtel-callcontrol/v1/ims-sessions/" + sessionId, created.getSelf());
    assertEquals(List.of(created.getSelf()), response.getHeaders().get("Location"));
    assertEquals(ImsSessionState.INITIATING, created.getImsSessionInfo().getSessionState());
    assertEquals("sip:bob@example.com", created.getImsSessionInfo().getCalledParty());
    assertEquals("default", created.getAfId());
  }

  @Test
  void putReplacesTheSession() throws ApiException {
    ImsSession created = create(newSession(parties().maxDuration(300)));
    created.getImsSessionInfo().maxDuration(600);

    ImsSession replaced = session.updateImsSession(created.getImsSessionInfo().getSessionId(), created.notifCorreId("put-1"));

    assertEquals(600, replaced.getImsSessionInfo().getMaxDuration());
    assertEquals("put-1", replaced.getNotifCorreId());
    assertEquals(created.getSelf(), replaced.getSelf());
  }

  @Test
  void readOnlyAttributesAreNotWrittenIntoARequestBody() throws ApiException {
    ImsSession created = create(newSession());
    assertNotNull(created.getSelf());

    JsonNode body = mapper.valueToTree(created);

    assertFalse(body.has("self"), body::toString);
    assertFalse(body.get("imsSessionInfo").has("sessionId"), body::toString);
    assertFalse(body.get("imsSessionInfo").has("sessionState"), body::toString);
    assertEquals("tel:+4930123456", body.get("imsSessionInfo").get("callingParty").asText());
  }

  @Test
  void patchRemovesAnAttributeSentAsNull() throws Exception {
    ImsSession created = create(newSession(parties().maxDuration(300)).notifCorreId("corr-1"));
    ImsSessionPatch patch = new ImsSessionPatch().notifCorreId(null);
    assertEquals("{\"notifCorreId\":null}", mapper.writeValueAsString(patch));

    ImsSession patched = session.modifyImsSession(created.getImsSessionInfo().getSessionId(), patch);

    assertNull(patched.getNotifCorreId());
    assertEquals(300, patched.getImsSessionInfo().getMaxDuration());
  }

  @Test
  void patchChangesOnlyTheAttributesItSends() throws Exception {
    ImsSession created = create(newSession(parties().addEventsItem(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS)));
    ImsSessionPatch patch = new ImsSessionPatch().imsSessionInfo(new ImsSessionInfoPatch().maxDuration(120));
    assertEquals("{\"imsSessionInfo\":{\"maxDuration\":120}}", mapper.writeValueAsString(patch));

    ImsSession patched = session.modifyImsSession(created.getImsSessionInfo().getSessionId(), patch);

    assertEquals(120, patched.getImsSessionInfo().getMaxDuration());
    assertEquals(List.of(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS), patched.getImsSessionInfo().getEvents());
    assertNull(patched.getImsSessionInfo().getMediaComponents());
  }

  @Test
  void patchRemovesAMediaComponentSentAsNullInTheMap() throws Exception {
    ImsSession created =
        create(
            newSession(
                parties()
                    .putMediaComponentsItem("1", new MmtelMediaComponent().mediaId("1").mediaType(MediaType.AUDIO))
                    .putMediaComponentsItem("2", new MmtelMediaComponent().mediaId("2").mediaType(MediaType.VIDEO))));
    ImsSessionPatch patch = new ImsSessionPatch().imsSessionInfo(new ImsSessionInfoPatch().putMediaComponentsItem("2", null));
    assertEquals("{\"imsSessionInfo\":{\"mediaComponents\":{\"2\":null}}}", mapper.writeValueAsString(patch));

    ImsSession patched = session.modifyImsSession(created.getImsSessionInfo().getSessionId(), patch);

    assertEquals(
        Map.of("1", new MmtelMediaComponent().mediaId("1").mediaType(MediaType.AUDIO)), patched.getImsSessionInfo().getMediaComponents());
  }

  @Test
  void releaseAnswers204() throws ApiException {
    ImsSession created = create(newSession());

    ApiResponse<Void> response = session.releaseImsSessionWithHttpInfo(created.getImsSessionInfo().getSessionId());

    assertEquals(204, response.getStatusCode());
  }

  @Test
  void aReleasedSessionAnswers404WithProblemDetails() throws ApiException {
    ImsSession created = create(newSession());
    session.releaseImsSession(created.getImsSessionInfo().getSessionId());

    ApiException e = assertThrows(ApiException.class, () -> session.releaseImsSession(created.getImsSessionInfo().getSessionId()));

    assertEquals(404, e.getCode());
    ProblemDetails problem = e.getResponseBodyAs(ProblemDetails.class);
    assertEquals(404, problem.getStatus());
    assertEquals("SESSION_NOT_FOUND", problem.getCause());
    assertTrue(e.getResponseHeaders().firstValue("content-type").orElse("").startsWith("application/problem+json"));
  }
}
