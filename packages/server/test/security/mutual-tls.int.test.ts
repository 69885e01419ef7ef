import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, useServer, sessionIdOf } from '../support/server.js';

const openssl = (dir: string, ...args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });

/** A CA, a server certificate for 127.0.0.1, and client certificates for as1 and as2, made by openssl. */
async function certificates(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-tls-'));
  await openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=Test CA',
  );
  const issue = async (name: string, subject: string, san?: string) => {
    await openssl(
      dir,
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
      ...(san ? ['-addext', `subjectAltName=${san}`] : []),
    );
    await openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-copy_extensions',
      'copyall',
    );
  };
  await issue('server', '/CN=127.0.0.1', 'IP:127.0.0.1');
  await issue('as1', '/CN=as1/O=Example AS');
  await issue('as2', '/CN=as2/O=Example AS');
  return dir;
}

const dir = await certificates();
afterAll(() => rm(dir, { recursive: true, force: true }));
const server = useServer({
  MMTEL_TLS_CERT_FILE: join(dir, 'server.pem'),
  MMTEL_TLS_KEY_FILE: join(dir, 'server.key'),
  MMTEL_TLS_CLIENT_CA_FILE: join(dir, 'ca.pem'),
});

async function agentFor(client?: string): Promise<Agent> {
  const ca = await readFile(join(dir, 'ca.pem'));
  const identity =
    client === undefined ? {} : { cert: await readFile(join(dir, `${client}.pem`)), key: await readFile(join(dir, `${client}.key`)) };
  return new Agent({ connect: { ca, servername: '127.0.0.1', ...identity } });
}

async function send(client: string | undefined, method: 'POST' | 'DELETE', path: string, body?: unknown) {
  const dispatcher = await agentFor(client);
  try {
    const response = await request(server.apiRoot + path, {
      method,
      dispatcher,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.statusCode, body: (await response.body.text()) || undefined };
  } finally {
    await dispatcher.close();
  }
}

/** The AF identity the server takes from the certificate of as1 (its subject): the afId it must send. */
const AS1 = 'CN=as1,O=Example AS';

describe('none mode with mutual TLS', () => {
  it('serves HTTPS and creates a session for a client with a certificate of the configured CA', async () => {
    const created = await send('as1', 'POST', SESSIONS, imsSession({ afId: AS1 }));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body!)).toMatchObject({ self: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\//) });
  });

  it('refuses the TLS handshake of a client without a certificate', async () => {
    await expect(send(undefined, 'POST', SESSIONS, imsSession())).rejects.toThrow();
  });

  it('serves a request carrying a non-WebSocket Upgrade as plain HTTPS, for the owner its certificate names', async () => {
    const body = JSON.stringify(imsSession({ afId: AS1 }));
    const socket = connectTls({
      host: '127.0.0.1',
      port: Number(new URL(server.apiRoot).port),
      servername: '127.0.0.1',
      ca: await readFile(join(dir, 'ca.pem')),
      cert: await readFile(join(dir, 'as1.pem')),
      key: await readFile(join(dir, 'as1.key')),
    });
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? -1);
        const start = text.indexOf('\r\n\r\n') + 4;
        if (start >= 4 && length >= 0 && Buffer.byteLength(text.slice(start)) >= length) resolve(text);
      });
      socket.on('error', reject);
      socket.write(
        [
          `POST ${SESSIONS} HTTP/1.1`,
          'Host: 127.0.0.1',
          'Connection: Upgrade',
          'Upgrade: example/1',
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n'),
      );
    }).finally(() => socket.destroy());

    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    const sessionId = sessionIdOf(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)));
    expect((await send('as1', 'DELETE', `${SESSIONS}/${sessionId}`)).status).toBe(204);
  });

  it('makes the certificate subject the owner: another client cannot release the session', async () => {
    const sessionId = sessionIdOf(JSON.parse((await send('as1', 'POST', SESSIONS, imsSession({ afId: AS1 }))).body!));
    expect((await send('as2', 'DELETE', `${SESSIONS}/${sessionId}`)).status).toBe(404);
    expect((await send('as1', 'DELETE', `${SESSIONS}/${sessionId}`)).status).toBe(204);
  });
});
