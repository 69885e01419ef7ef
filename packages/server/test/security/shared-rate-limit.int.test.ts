import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/fresh-database.js';
import { imsSession, SESSIONS, startServer, type RunningServer } from '../support/server.js';

// The per-AF rate limit across server instances on one PostgreSQL: the counters live in the
// database the instances share (the PostgreSQL store's rate_limits table), so an AF gets its
// budget once for the deployment, not once per instance (issue 15).

const MAX = 10;
/** The AF is named by a header here (the `identify` hook), as a token's subject would name it. */
const asAf = (af: string) => ({ headers: { 'x-af': af } });
const identify = {
  identify: (request: { headers: Record<string, string | string[] | undefined> }) => String(request.headers['x-af'] ?? 'default'),
};

async function twoInstances(): Promise<[RunningServer, RunningServer]> {
  const databaseUrl = await freshDatabase();
  const env = { DATABASE_URL: databaseUrl, MMTEL_RATE_LIMIT_MAX: String(MAX), MMTEL_RATE_LIMIT_WINDOW_MS: '60000' };
  return Promise.all([startServer(env, identify), startServer(env, identify)]);
}

describe('the per-AF rate limit of two instances on one PostgreSQL', () => {
  it('lets an AF make its budget of requests in a window across both instances, and answers 429 with Retry-After to every one beyond it', async () => {
    const [a, b] = await twoInstances();
    // Sent at once, alternating instances: the counting must be atomic across them too.
    const answers = await Promise.all(
      Array.from({ length: 3 * MAX }, (_, i) =>
        (i % 2 === 0 ? a : b).request('POST', SESSIONS, { json: imsSession({ afId: 'as1' }), ...asAf('as1') }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * MAX);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ status: 429, cause: 'NF_CONGESTION_RISK' });
  });

  it("keeps each AF's budget its own across the instances", async () => {
    const [a, b] = await twoInstances();
    for (let i = 0; i < MAX; i++) expect((await (i % 2 === 0 ? a : b).request('DELETE', `${SESSIONS}/none`, asAf('as1'))).status).toBe(404);
    expect((await a.request('DELETE', `${SESSIONS}/none`, asAf('as1'))).status).toBe(429);
    expect((await b.request('DELETE', `${SESSIONS}/none`, asAf('as1'))).status).toBe(429);
    expect((await b.request('DELETE', `${SESSIONS}/none`, asAf('as2'))).status).toBe(404);
  });

  it('counts afresh once the window has passed', async () => {
    const databaseUrl = await freshDatabase();
    const env = { DATABASE_URL: databaseUrl, MMTEL_RATE_LIMIT_MAX: '2', MMTEL_RATE_LIMIT_WINDOW_MS: '1000' };
    const [a, b] = await Promise.all([startServer(env, identify), startServer(env, identify)]);
    expect((await a.request('DELETE', `${SESSIONS}/none`)).status).toBe(404);
    expect((await b.request('DELETE', `${SESSIONS}/none`)).status).toBe(404);
    expect((await a.request('DELETE', `${SESSIONS}/none`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await b.request('DELETE', `${SESSIONS}/none`)).status).toBe(404);
  });
});
