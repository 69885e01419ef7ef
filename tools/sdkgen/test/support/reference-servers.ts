import { startReferenceServer, type ReferenceServer } from '@mmtel/server';

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
   * - `MMTEL_TOKEN_URL`, `MMTEL_CLIENT_ID`, `MMTEL_CLIENT_SECRET`: its client credentials grant.
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts both servers in this process on loopback (embedded store in temporary directories). */
export async function startSdkTestServers(): Promise<SdkTestServers> {
  const clientId = 'sdk-tests';
  const clientSecret = 'sdk-tests-secret';
  const open = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer' });
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
    },
    async close() {
      await Promise.all([open.close(), secured.close()]);
    },
  };
}
