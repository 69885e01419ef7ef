package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmtel.sdk.it.TestServers.SILENT;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.ApiClient;
import org.mmtel.callcontrol.ApiException;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.api.IndividualImsSessionDocumentApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionInfo;
import org.mmtel.callcontrol.model.ImsSessionInfoPatch;
import org.mmtel.callcontrol.model.ImsSessionPatch;
import org.mmtel.callcontrol.model.InvalidParam;
import org.mmtel.callcontrol.model.ProblemDetails;

/** What the SDK makes of a ProblemDetails, and of a response holding more than it knows. */
class ErrorAndForwardCompatibilityTest {
  private final ApiClient client = TestServers.callControlClient(TestServers.apiRoot());
  private final ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(client);

  @Test
  void aBadCalledPartyAnswers400WithProblemDetailsAndInvalidParams() {
    ImsSession request =
        new ImsSession()
            .afId("default")
            .imsSessionInfo(new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("bob at example dot com"))
            .notifUri("http://127.0.0.1:9/notifications");

    ApiException e = assertThrows(ApiException.class, () -> sessions.createImsSession(request));

    assertEquals(400, e.getCode());
    ProblemDetails problem = e.getResponseBodyAs(ProblemDetails.class);
    assertEquals(400, problem.getStatus());
    assertEquals("MANDATORY_IE_INCORRECT", problem.getCause());
    List<InvalidParam> invalid = problem.getInvalidParams();
    assertEquals(List.of("/imsSessionInfo/calledParty"), invalid.stream().map(InvalidParam::getParam).toList());
    assertTrue(invalid.get(0).getReason() != null && !invalid.get(0).getReason().isBlank(), invalid::toString);
  }

  @Test
  void textBeyondAsciiInAResponseIsReadAsUtf8() throws ApiException {
    // JSON is UTF-8 (RFC 8259), whatever the JVM's default charset: surefire runs these tests with
    // file.encoding=US-ASCII, the default of JDK 17 under a POSIX locale.
    String correlation = "Zoë → ☎ 通话";
    ImsSession request =
        new ImsSession()
            .afId("default")
            .imsSessionInfo(new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com"))
            .notifUri("http://127.0.0.1:9/notifications")
            .notifCorreId(correlation);

    ImsSession created = sessions.createImsSession(request, SILENT);

    assertEquals(correlation, created.getNotifCorreId());
  }

  @Test
  void attributesTheSdkDoesNotKnowAreIgnoredInAResponse() throws Exception {
    // The server keeps attributes it does not know and returns them, as a newer server would send
    // attributes this SDK does not know. The SDK has no field for one, so it is sent raw.
    String body =
        "{\"afId\":\"default\",\"imsSessionInfo\":{\"callingParty\":\"tel:+4930123456\",\"calledParty\":\"sip:bob@example.com\"},"
            + "\"notifUri\":\"http://127.0.0.1:9/notifications\",\"futureAttribute\":{\"nested\":[1,2]}}";
    HttpResponse<String> created =
        ApiClient.createDefaultHttpClientBuilder().build()
            .send(
                HttpRequest.newBuilder(URI.create(TestServers.apiRoot() + "/mmtel-callcontrol/v1/ims-sessions"))
                    .header("content-type", "application/json")
                    .header("x-mmtel-sim-scenario", "silent")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created::body);
    assertTrue(created.body().contains("futureAttribute"), created::body);
    String sessionId = client.getObjectMapper().readTree(created.body()).get("imsSessionInfo").get("sessionId").asText();

    ImsSession patched =
        new IndividualImsSessionDocumentApi(client)
            .modifyImsSession(sessionId, new ImsSessionPatch().imsSessionInfo(new ImsSessionInfoPatch().maxDuration(60)), SILENT);

    assertEquals(sessionId, patched.getImsSessionInfo().getSessionId());
    assertEquals(60, patched.getImsSessionInfo().getMaxDuration());
  }
}
