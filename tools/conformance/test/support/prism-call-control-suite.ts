import type { AddressInfo } from 'node:net';
import { createCallControlClient } from '@mmtel/client';
import { startReferenceServer } from '@mmtel/server';
import { describe, expect, inject, it } from 'vitest';
import { engineSetting, type StoreEngine } from '../../../../packages/server/test/support/store-engines.js';
import { describeCallControlClient } from '../../../../packages/client/test/support/call-control-suite.js';
import { BUNDLED_SPECS } from '../../src/prism-spec.js';
import { usePrismProxy } from '../../src/prism-vitest.js';

// The SDK's end-to-end suite, through Prism: every request the client sends and every response
// the reference server gives is judged against the bundled specs, and any violation fails the
// test it happened in. The server's apiRoot is Prism's origin, so the Location and self it hands
// out lead back through Prism too.

/**
 * The SDK's end-to-end suite through Prism in front of the reference server on `engine`. One test
 * file per engine.
 */
export function describePrismCallControl(engine: StoreEngine): void {
  describe(`the reference server on the ${engine} store`, () => {
    const prism = usePrismProxy({
      specs: [BUNDLED_SPECS.callControl, BUNDLED_SPECS.callEvent],
      upstream: async (origin) => {
        // No overload shedding: a loaded test machine stalls the event loop, and the contract is under test.
        const setting = await engineSetting(engine, inject('databaseUrl'));
        const server = await startReferenceServer({
          ...setting.env,
          MMTEL_API_ROOT: origin,
          MMTEL_SIM_SCENARIO: 'silent',
          MMTEL_OVERLOAD_PROTECTION: 'false',
        }).catch(async (error: unknown) => {
          await setting.release();
          throw error;
        });
        return {
          origin: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`,
          close: async () => {
            await server.close();
            await setting.release();
          },
        };
      },
    });

    describeCallControlClient({
      get apiRoot() {
        return prism.origin;
      },
      throughPrism: true,
    });

    const session = {
      afId: 'default',
      imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
      notifUri: 'http://127.0.0.1:9/notify',
    };

    describe('Prism in front of the reference server', () => {
      it('accepts a request without an access token, as security [{}, oAuth2ClientCredentials] allows', async () => {
        const response = await fetch(`${prism.origin}/mmtel-callcontrol/v1/ims-sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(session),
        });
        expect(response.status).toBe(201);
        expect(response.headers.get('location')).toMatch(new RegExp(`^${prism.origin}/mmtel-callcontrol/v1/ims-sessions/`));
      });

      it('hands out a Location that leads back through Prism, where a DELETE on it passes', async () => {
        const created = await createCallControlClient({ baseUrl: prism.origin, retry: false }).createImsSession(session);
        const location = created.data!.location;
        expect(location.startsWith(`${prism.origin}/`)).toBe(true);
        expect((await fetch(location, { method: 'DELETE' })).status).toBe(204);
      });

      it("fails the test with Prism's report when the client sends a request the spec forbids", async () => {
        const result = await createCallControlClient({ baseUrl: prism.origin, retry: false }).createImsSession({
          ...session,
          suppFeat: 'XYZ',
        });
        expect(result.response.status).toBe(422);
        expect(() => prism.assertNoViolations()).toThrowError(
          /POST \/mmtel-callcontrol\/v1\/ims-sessions -> 422 request\.body\.suppFeat: .*must match pattern/,
        );
      });
    });
  });
}
