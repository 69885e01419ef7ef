package org.mmtel.sdk.it;

import java.util.Map;
import org.mmtel.callcontrol.ApiClient;

/**
 * Where the reference servers are, read from the environment only, so that these tests run the
 * same against servers started by the test harness as against a server started by hand.
 */
final class TestServers {
  /** The variables every test needs. */
  static final String[] REQUIRED = {
    "MMTEL_API_ROOT", "MMTEL_OAUTH_API_ROOT", "MMTEL_TOKEN_URL", "MMTEL_CLIENT_ID", "MMTEL_CLIENT_SECRET"
  };

  /** Makes the simulated network play nothing for a session (no notifications). */
  static final Map<String, String> SILENT = Map.of("x-mmtel-sim-scenario", "silent");

  private TestServers() {}

  /** {apiRoot} of the server without authentication (MMTEL_AUTH=none, scenario answer). */
  static String apiRoot() {
    return require("MMTEL_API_ROOT");
  }

  /** {apiRoot} of the server that requires OAuth 2.0 tokens (MMTEL_AUTH=oauth2). */
  static String oauthApiRoot() {
    return require("MMTEL_OAUTH_API_ROOT");
  }

  static String tokenUrl() {
    return require("MMTEL_TOKEN_URL");
  }

  static String clientId() {
    return require("MMTEL_CLIENT_ID");
  }

  static String clientSecret() {
    return require("MMTEL_CLIENT_SECRET");
  }

  /** An ApiClient of MMTel_CallControl at {@code apiRoot}. */
  static ApiClient callControlClient(String apiRoot) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(apiRoot + "/mmtel-callcontrol/v1");
    return client;
  }

  /** The value of {@code name}; fails, naming every variable and how to set them, when unset. */
  static String require(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name
              + " is not set. These tests run against the reference MMTel servers, whose addresses"
              + " they read from "
              + String.join(", ", REQUIRED)
              + ". Start the servers and the tests with `pnpm --filter @mmtel/sdkgen test:java` (or"
              + " `pnpm test`), or start servers yourself and set those variables (see"
              + " tools/sdkgen/test/support/reference-servers.ts).");
    }
    return value;
  }
}
