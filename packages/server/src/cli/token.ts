/**
 * Keys and tokens for trying `MMTEL_AUTH=oauth2` without a CAPIF core function.
 *
 *   mmtel-token keygen <dir>        writes <dir>/signing-key.pem (private) and <dir>/jwks.json (public)
 *   mmtel-token mint --key <pem> --sub <af> [--scope "mmtel-callcontrol mmtel-callevent"]
 *                    [--ttl <seconds>] [--iss <issuer>] [--aud <audience>]
 *                                   prints a signed access token, valid as long as the token
 *                                   endpoint's by default (MMTEL_CAPIF_TOKEN_TTL_S's default)
 *
 * The server trusts the keys with MMTEL_OAUTH_JWKS_FILE=<dir>/jwks.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DEFAULT_VALUES } from '../config/defaults.js';
import { generateSigningKey, readSigningKey } from '../security/signing-key.js';

const USAGE = `usage:
  mmtel-token keygen <dir>
  mmtel-token mint --key <signing-key.pem> --sub <af-id> [--scope <scope>] [--ttl <seconds>] [--iss <issuer>] [--aud <audience>]`;

async function keygen(dir: string): Promise<void> {
  const { key, pem } = await generateSigningKey();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'signing-key.pem'), pem, { mode: 0o600 });
  await writeFile(join(dir, 'jwks.json'), `${JSON.stringify({ keys: [key.publicJwk] }, null, 2)}\n`);
  process.stdout.write(
    `wrote ${join(dir, 'signing-key.pem')} and ${join(dir, 'jwks.json')} (kid ${key.kid})\nstart the server with MMTEL_AUTH=oauth2 MMTEL_OAUTH_JWKS_FILE=${resolve(dir, 'jwks.json')}\n`,
  );
}

async function mint(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      key: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string', default: 'mmtel-callcontrol mmtel-callevent' },
      // As long as the token endpoint's tokens live by default.
      ttl: { type: 'string', default: String(DEFAULT_VALUES.MMTEL_CAPIF_TOKEN_TTL_S) },
      iss: { type: 'string', default: 'mmtel-token' },
      aud: { type: 'string' },
    },
  });
  if (values.key === undefined || values.sub === undefined) fail('mint needs --key and --sub');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl ${values.ttl} is not a positive number of seconds`);
  const key = await readSigningKey(values.key);
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ scope: values.scope, client_id: values.sub })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(values.iss)
    .setSubject(values.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID());
  if (values.aud !== undefined) jwt.setAudience(values.aud);
  process.stdout.write(`${await jwt.sign(key.privateKey)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`mmtel-token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
const run =
  command === 'keygen'
    ? rest[0] === undefined
      ? fail('keygen needs a directory')
      : keygen(rest[0])
    : command === 'mint'
      ? mint(rest)
      : fail(`unknown command ${command ?? '(none)'}`);
run.catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
