package org.mmtel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmtel.callcontrol.model.ImsSessionEvent;

/** Runs the example against the reference server at MMTEL_API_ROOT (scenario answer). */
class ClickToDialTest {
  @Test
  void placesACallPrintsItsEventsUntilAnsweredAndReleasesIt() throws Exception {
    String apiRoot = System.getenv("MMTEL_API_ROOT");
    if (apiRoot == null || apiRoot.isBlank()) {
      throw new IllegalStateException(
          "MMTEL_API_ROOT is not set: run the example's test with `pnpm --filter @mmtel/sdkgen test:java`,"
              + " which starts the reference server, or set it to the {apiRoot} of a running server (pnpm start).");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();

    List<ImsSessionEvent> events = ClickToDial.run(apiRoot, new PrintStream(output, true, StandardCharsets.UTF_8));

    assertEquals(
        List.of(
            ImsSessionEvent.SESSION_ESTABLISHMENT_PROGRESS,
            ImsSessionEvent.SESSION_ESTABLISHMENT_ALERTING,
            ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS),
        events);
    String printed = output.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("SESSION_ESTABLISHMENT_SUCCESS -> ESTABLISHED"), printed);
    assertTrue(printed.contains("call released: "), printed);
  }
}
