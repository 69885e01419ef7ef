import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureChromium, repoRoot } from '@mmtel/toolchain';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';

/*
 * The docs page in a real browser: Debian's Chromium (installed by ensureChromium when missing),
 * driven by playwright-core, no browser download. Scalar renders in the browser, so only a browser
 * can tell that the operations and the notifications are on the page.
 */

const ARTIFACTS = join(repoRoot, 'test-artifacts');
const RENDER_TIMEOUT_MS = 60_000;

/** Waits until the locator's first element is visible; fails with what was looked for otherwise. */
async function shows(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
}

// Scalar renders a 3.5 MB script in the browser: seconds on an idle machine, more on a loaded one.
describe('the docs page in a browser', { timeout: 120_000 }, () => {
  const server = useServer();
  let browser: Browser;
  /** Every URL the pages asked for on another origin than the server's (all refused). */
  const elsewhere: string[] = [];

  beforeAll(async () => {
    const executablePath = await ensureChromium((line) => console.info(line));
    // Root in a container has no user namespace for Chromium's sandbox.
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  }, 900_000);
  afterAll(async () => browser?.close());

  /** A page that may only reach the server: anything else is recorded and refused. */
  async function openPage(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.apiRoot) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    await page.goto(server.apiRoot + path);
    return page;
  }

  it('leads from / to the MMTel_CallControl operations and shows the IMS Session Notification with its URI expression and answers', async () => {
    const page = await openPage('/');
    await page.getByRole('link', { name: 'Interactive API reference' }).click();
    for (const operation of [
      'Creates a new Individual IMS Session resource.',
      'Updates an existing Individual IMS Session resource.',
      'Modifies an existing Individual IMS Session resource.',
      'Deletes an existing Individual IMS Session resource.',
    ])
      await shows(page.getByRole('heading', { name: operation }).first());
    const callback = page.locator('.callbacks-list').first();
    await callback.scrollIntoViewIfNeeded();
    await shows(callback.getByText('imsSessionNotification'));
    await shows(callback.getByText('{$request.body#/notifUri}'));
    await callback.locator('summary').first().click();
    for (const answer of ['204', '307', '308']) await shows(callback.getByText(answer, { exact: true }).first());
    await shows(callback.getByText('eventReports').first());

    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'docs-page.png');
    await callback.locator('summary').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot });
    console.info(`docs page screenshot (the IMS Session Notification callback): ${screenshot}`);
    await page.close();
  });

  it('shows the Session Event Notification of MMTel_CallEvent', async () => {
    const page = await openPage('/docs/?api=ts29392-mmtel-callevent');
    await shows(page.getByRole('heading', { name: 'Pseudo operation carrying the Session Event Notification callback.' }).first());
    await shows(page.locator('.callbacks-list').getByText('sessionEventNotification').first());
    await page.close();
  });

  it('shows the operations of the simulator', async () => {
    const page = await openPage('/docs/?api=mmtel-simulator');
    for (const operation of ['Injects an incoming call for a served user.', 'Lists the delivery record of notifications.'])
      await shows(page.getByRole('heading', { name: operation }).first());
    await page.close();
  });

  it.each([
    ['ts29392-mmtel-callcontrol-callbacks', 'Notifies the AF of IMS Session related event(s).', '/ims-session-notification'],
    ['ts29392-mmtel-callevent-callbacks', 'Reports a received session event to the Application Server.', '/session-event-notification'],
  ])('shows what the AS receives (%s) as an operation of its own', async (slug, notification, path) => {
    const page = await openPage(`/docs/?api=${slug}`);
    await shows(page.getByRole('heading', { name: notification }));
    await shows(page.getByText(path));
    await page.close();
  });

  it('loads everything from the server itself (no CDN, no fonts, no telemetry)', async () => {
    const page = await openPage('/docs/');
    await shows(page.getByRole('heading', { name: 'Creates a new Individual IMS Session resource.' }).first());
    await page.waitForLoadState('networkidle');
    await page.close();
    expect(elsewhere).toEqual([]);
  });
});
