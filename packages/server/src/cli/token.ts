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
 *
 * `mmtel token keygen|mint` (@mmtel/cli) is the command for users; this script stays for the
 * repository's own scripts and tests (`pnpm --filter @mmtel/server run token`), which run before
 * anything is built. Both run security/token-minting.ts, so they sign the same way.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSigningKey } from '../security/signing-key.js';
import {
  DEFAULT_TOKEN_ISSUER,
  DEFAULT_TOKEN_SCOPE,
  DEFAULT_TOKEN_TTL_S,
  mintAccessToken,
  writeSigningKeyFiles,
} from '../security/token-minting.js';

const USAGE = `usage:
  mmtel-token keygen <dir>
  mmtel-token mint --key <signing-key.pem> --sub <af-id> [--scope <scope>] [--ttl <seconds>] [--iss <issuer>] [--aud <audience>]`;

async function keygen(dir: string): Promise<void> {
  const written = await writeSigningKeyFiles(dir);
  process.stdout.write(
    `wrote ${join(dir, 'signing-key.pem')} and ${join(dir, 'jwks.json')} (kid ${written.kid})\nstart the server with MMTEL_AUTH=oauth2 MMTEL_OAUTH_JWKS_FILE=${written.jwksFile}\n`,
  );
}

async function mint(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      key: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string', default: DEFAULT_TOKEN_SCOPE },
      ttl: { type: 'string', default: String(DEFAULT_TOKEN_TTL_S) },
      iss: { type: 'string', default: DEFAULT_TOKEN_ISSUER },
      aud: { type: 'string' },
    },
  });
  if (values.key === undefined || values.sub === undefined) fail('mint needs --key and --sub');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl ${values.ttl} is not a positive number of seconds`);
  const { token } = await mintAccessToken(await readSigningKey(values.key), {
    subject: values.sub,
    scope: values.scope,
    ttlSeconds: ttl,
    issuer: values.iss,
    ...(values.aud !== undefined && { audience: values.aud }),
  });
  process.stdout.write(`${token}\n`);
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
