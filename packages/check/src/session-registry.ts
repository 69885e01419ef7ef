import type { WireAnswer } from './attacks/wire.js';

/** A session the kit created on the target. */
export interface CreatedSession {
  sessionId: string | undefined;
  /** The Individual IMS Session resource: the Location, else the collection URL and the body's sessionId. */
  url: string;
  released: boolean;
}

/**
 * Every IMS session the kit created, so that each is released at the end of the run, after a
 * failure or an interruption too: the kit must leave another vendor's server as it found it.
 */
export class SessionRegistry {
  private readonly sessions: CreatedSession[] = [];

  /** Remembers the session a 201 to POST `collectionUrl` created; returns it (undefined when the answer names none). */
  remember(collectionUrl: string, answer: WireAnswer): CreatedSession | undefined {
    const location = answer.headers.location;
    const sessionId = sessionIdOf(answer.text);
    let url: string | undefined;
    if (typeof location === 'string' && location !== '') url = new URL(location, collectionUrl).href;
    else if (sessionId !== undefined) url = `${collectionUrl.replace(/\/+$/, '')}/${encodeURIComponent(sessionId)}`;
    if (url === undefined) return undefined;
    const session: CreatedSession = { sessionId, url, released: false };
    this.sessions.push(session);
    return session;
  }

  /** The session remembered from `answer`'s Location or body, if any. */
  find(url: string): CreatedSession | undefined {
    return this.sessions.find((session) => session.url === url);
  }

  /** Marks the session at `url` released (a check released it itself). */
  released(url: string): void {
    const session = this.find(url);
    if (session !== undefined) session.released = true;
  }

  /** Releases every session not released yet with `release` (DELETE); failures are ignored, the run is ending. */
  async releaseAll(release: (url: string) => Promise<unknown>): Promise<number> {
    const pending = this.sessions.filter((session) => !session.released);
    await Promise.all(
      pending.map(async (session) => {
        try {
          await release(session.url);
          session.released = true;
        } catch {
          // Unreachable by now: nothing more the kit can do for it.
        }
      }),
    );
    return pending.length;
  }
}

/** `imsSessionInfo.sessionId` of an ImsSession body, if it is one. */
export function sessionIdOf(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || !('imsSessionInfo' in body)) return undefined;
    const info = body.imsSessionInfo;
    return typeof info === 'object' && info !== null && 'sessionId' in info && typeof info.sessionId === 'string'
      ? info.sessionId
      : undefined;
  } catch {
    return undefined;
  }
}
