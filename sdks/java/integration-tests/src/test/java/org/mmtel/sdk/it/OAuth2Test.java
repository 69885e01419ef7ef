package org.mmtel.sdk.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.ApiClient;
import org.mmtel.callcontrol.ApiException;
import org.mmtel.callcontrol.ApiResponse;
import org.mmtel.callcontrol.api.ImsSessionsCollectionApi;
import org.mmtel.callcontrol.model.ImsSession;
import org.mmtel.callcontrol.model.ImsSessionInfo;
import org.mmtel.callcontrol.model.ProblemDetails;

/** The server with MMTEL_AUTH=oauth2: no token, and a token from its CAPIF-like token endpoint. */
class OAuth2Test {
  /** A session of the AF {@code afId}: with a token, the afId must be the AF the token names (its client id). */
  private static ImsSession newSession(String afId) {
    return new ImsSession()
        .afId(afId)
        .imsSessionInfo(new ImsSessionInfo().callingParty("tel:+4930123456").calledParty("sip:bob@example.com"))
        .notifUri("http://127.0.0.1:9/notifications");
  }

  /**
   * An access token from the token endpoint: the client credentials grant of CAPIF_Security_API
   * (form-encoded AccessTokenReq in, AccessTokenRsp out; 3GPP TS 29.222 clause 8.5.2.4).
   */
  static String fetchAccessToken(String tokenUrl, String clientId, String clientSecret) throws IOException, InterruptedException {
    String form =
        "grant_type=client_credentials"
            + "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(tokenUrl))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    // HTTP/1.1 like the SDK's own client: ApiClient.createDefaultHttpClientBuilder() tells why.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("token endpoint answered " + response.statusCode() + ": " + response.body());
    }
    return new ObjectMapper().readTree(response.body()).get("access_token").asText();
  }

  @Test
  void withoutATokenTheServerAnswers401InvalidToken() {
    ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(TestServers.callControlClient(TestServers.oauthApiRoot()));

    ApiException e = assertThrows(ApiException.class, () -> sessions.createImsSession(newSession(TestServers.clientId())));

    assertEquals(401, e.getCode());
    assertEquals("INVALID_TOKEN", e.getResponseBodyAs(ProblemDetails.class).getCause());
    assertTrue(e.getResponseHeaders().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
  }

  @Test
  void withATokenFromTheTokenEndpointTheSessionIsCreated() throws Exception {
    String apiRoot = TestServers.oauthApiRoot();
    String token = fetchAccessToken(TestServers.tokenUrl(), TestServers.clientId(), TestServers.clientSecret());

    ApiClient client = new ApiClient();
    client.updateBaseUri(apiRoot + "/mmtel-callcontrol/v1");
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    ImsSessionsCollectionApi sessions = new ImsSessionsCollectionApi(client);
    ApiResponse<ImsSession> response = sessions.createImsSessionWithHttpInfo(newSession(TestServers.clientId()));

    assertEquals(201, response.getStatusCode());
    assertNotNull(response.getData().getImsSessionInfo().getSessionId());
  }
}
