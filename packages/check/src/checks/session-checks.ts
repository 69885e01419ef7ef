import type { Check, CheckContext } from '../check-context.js';
import { CLAUSES } from '../clauses.js';
import { sessionIdOf } from '../session-registry.js';
import { callControl, sessionBody, sessionsPath } from './operations.js';

/** The session the create check made, or a skip that says why there is none. */
function sessionOf(context: CheckContext): NonNullable<CheckContext['shared']['session']> {
  return context.shared.session ?? context.skip(context.shared.noSession ?? 'no IMS session was created');
}

/**
 * The life of one IMS session, as an AS drives it: create (its notifications to the kit's
 * receiver), modify, update, release, and the 404 of a released one. Each check after the
 * first works on the session the first created.
 */
export const SESSION_CHECKS: readonly Check[] = [
  {
    clause: CLAUSES.createImsSession,
    title: 'POST ims-sessions answers 201 with Location and the created ImsSession',
    mode: 'create',
    async run(context) {
      const body = sessionBody(context.settings.afId, context.inbox.imsSessionUri);
      const answer = await context.exchange(callControl('CreateImsSession'), {
        method: 'POST',
        path: sessionsPath(),
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
      if (!context.expectStatus(answer, [201], 'POST ims-sessions')) {
        context.shared.noSession = `POST ims-sessions answered ${answer.status}`;
        return;
      }
      const sessionId = sessionIdOf(answer.text);
      const location = answer.headers.location;
      const url =
        typeof location === 'string' && location !== ''
          ? new URL(location, context.settings.apiRoot).href
          : sessionId !== undefined
            ? `${context.settings.apiRoot}${sessionsPath()}/${encodeURIComponent(sessionId)}`
            : undefined;
      if (
        typeof location === 'string' &&
        sessionId !== undefined &&
        !new URL(location, context.settings.apiRoot).pathname.endsWith(`/ims-sessions/${encodeURIComponent(sessionId)}`)
      )
        context.fail(`Location ${location} is not the Individual IMS Session resource of session ${sessionId}`);
      if (sessionId === undefined || url === undefined) {
        context.shared.noSession = 'the 201 named no session (no imsSessionInfo.sessionId)';
        return;
      }
      context.shared.session = { sessionId, url, body };
    },
  },
  {
    clause: CLAUSES.imsSessionNotification,
    title: "the created session's IMS Session Notifications arrive at its notifUri",
    mode: 'create',
    async run(context) {
      const { sessionId } = sessionOf(context);
      const seconds = context.settings.notifyTimeoutMs / 1000;
      const first = await context.inbox.waitFor(
        (n) => n.callback === 'imsSessionNotification' && n.sessionId === sessionId,
        context.settings.notifyTimeoutMs,
        context.settings.signal,
      );
      if (first === undefined)
        context.fail(
          `no IMS Session Notification about session ${sessionId} reached ${context.inbox.imsSessionUri} within ${seconds} s (can the target reach that address? --notify-host)`,
        );
    },
  },
  {
    clause: CLAUSES.modifyImsSession,
    title: 'PATCH of the session (merge patch) answers 200 with the ImsSession, or 204',
    mode: 'create',
    async run(context) {
      const { url } = sessionOf(context);
      const answer = await context.exchange(callControl('ModifyImsSession'), {
        method: 'PATCH',
        path: url,
        contentType: 'application/merge-patch+json',
        body: JSON.stringify({ notifCorreId: 'mmtel-check' }),
      });
      context.expectStatus(answer, [200, 204], 'PATCH of the session');
    },
  },
  {
    clause: CLAUSES.modifyImsSession,
    title: 'a PATCH sent as application/json (not merge-patch+json) is refused with 415 ProblemDetails',
    mode: 'create',
    async run(context) {
      const { url } = sessionOf(context);
      const answer = await context.exchange(callControl('ModifyImsSession'), {
        method: 'PATCH',
        path: url,
        contentType: 'application/json',
        body: JSON.stringify({ notifCorreId: 'mmtel-check' }),
      });
      context.expectStatus(answer, [415], 'PATCH as application/json');
    },
  },
  {
    clause: CLAUSES.updateImsSession,
    title: 'PUT of the session answers 200 with the ImsSession, or 204',
    mode: 'create',
    async run(context) {
      const { url, body } = sessionOf(context);
      const answer = await context.exchange(callControl('UpdateImsSession'), {
        method: 'PUT',
        path: url,
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
      context.expectStatus(answer, [200, 204], 'PUT of the session');
    },
  },
  {
    clause: CLAUSES.releaseImsSession,
    title: 'DELETE of the session answers 204',
    mode: 'create',
    async run(context) {
      const { url } = sessionOf(context);
      const answer = await context.exchange(callControl('ReleaseImsSession'), { method: 'DELETE', path: url });
      if (answer.status < 300) context.sessions.released(url);
      context.expectStatus(answer, [204], 'DELETE of the session');
    },
  },
  {
    clause: CLAUSES.releaseImsSession,
    title: 'a released session is gone: DELETE again answers 404 ProblemDetails',
    mode: 'create',
    async run(context) {
      const { url } = sessionOf(context);
      if (context.sessions.find(url)?.released !== true) context.skip('the session was not released');
      const answer = await context.exchange(callControl('ReleaseImsSession'), { method: 'DELETE', path: url });
      context.expectStatus(answer, [404], 'DELETE of a released session');
    },
  },
];
