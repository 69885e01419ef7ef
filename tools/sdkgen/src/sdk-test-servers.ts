import { freePort, startReferenceServer, type ReferenceServer } from '@mmtel/server';

/**
 * The reference servers an SDK test suite in another language runs against, and the environment
 * that tells it where they are. Its tests read only these variables, so they run the same against
 * servers started by hand (`pnpm start`) as against those started here.
 */
export interface SdkTestServers {
  /** MMTEL_AUTH=none, the `answer` scenario without delays: notifications reach the AS at once. */
  open: ReferenceServer;
  /** MMTEL_AUTH=oauth2, issuing its own tokens at the CAPIF-like token endpoint. */
  secured: ReferenceServer;
  /**
   * For the test process:
   * - `MMTEL_API_ROOT`: {apiRoot} of `open`;
   * - `MMTEL_OAUTH_API_ROOT`: {apiRoot} of `secured`;
   * - `MMTEL_TOKEN_URL`, `MMTEL_CLIENT_ID`, `MMTEL_CLIENT_SECRET`: its client credentials grant;
   * - `MMTEL_SESSION_EVENT_NOTIFICATION_URI`: only with `sessionEventReceiver` (see there).
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** What a suite may ask of the servers besides the defaults. */
export interface SdkTestServerOptions {
  /**
   * Give `open` a SessionEventNotificationUri (MMTel_CallEvent) on a free loopback port, and the
   * test process `MMTEL_SESSION_EVENT_NOTIFICATION_URI` with it: a suite listens there (its path
   * is `/session-event-notification`) and gets the Session Event Notifications that
   * `POST {apiRoot}/sim/v1/incoming-calls` and the other injections queue. Nothing listens there
   * until the suite does; the server retries meanwhile.
   */
  sessionEventReceiver?: boolean;
}

/** Starts both servers in this process on loopback (embedded store in temporary directories). */
export async function startSdkTestServers(options: SdkTestServerOptions = {}): Promise<SdkTestServers> {
  const clientId = 'sdk-tests';
  const clientSecret = 'sdk-tests-secret';
  const sessionEventUri = options.sessionEventReceiver ? `http://127.0.0.1:${await freePort()}/session-event-notification` : undefined;
  const open = await startReferenceServer({
    MMTEL_SIM_SCENARIO: 'answer',
    ...(sessionEventUri !== undefined && { MMTEL_SESSION_EVENT_NOTIFICATION_URI: sessionEventUri }),
  });
  const secured = await startReferenceServer({
    MMTEL_AUTH: 'oauth2',
    MMTEL_CAPIF_TOKEN_ENDPOINT: 'true',
    MMTEL_CAPIF_CLIENTS: `${clientId}=${clientSecret}`,
    MMTEL_SIM_SCENARIO: 'silent',
  }).catch(async (error: unknown) => {
    await open.close();
    throw error;
  });
  return {
    open,
    secured,
    env: {
      MMTEL_API_ROOT: open.apiRoot,
      MMTEL_OAUTH_API_ROOT: secured.apiRoot,
      MMTEL_TOKEN_URL: `${secured.apiRoot}/capif-security/v1/securities/${clientId}/token`,
      MMTEL_CLIENT_ID: clientId,
      MMTEL_CLIENT_SECRET: clientSecret,
      ...(sessionEventUri !== undefined && { MMTEL_SESSION_EVENT_NOTIFICATION_URI: sessionEventUri }),
    },
    async close() {
      await Promise.all([open.close(), secured.close()]);
    },
  };
}
