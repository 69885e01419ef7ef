import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createOutput } from '../output.js';

interface MintOptions {
  key: string;
  sub: string;
  scope?: string;
  ttl?: number;
  iss?: string;
  aud?: string;
  json?: boolean;
}

/**
 * @mmtel/server's signing code, loaded when a token command runs: the package entry brings the
 * whole server (Fastify, the spec parser), about half a second that every other command would
 * pay at start-up. Its defaults are therefore named in the help, not read from it.
 */
function signing(): Promise<typeof import('@mmtel/server')> {
  return import('@mmtel/server');
}

/**
 * `mmtel token keygen|mint`: a signing key the reference server can trust (MMTEL_AUTH=oauth2,
 * MMTEL_OAUTH_JWKS_FILE) and access tokens signed with it, for trying authentication without a
 * CAPIF core function. @mmtel/server's own code signs, so a token is what the server verifies.
 */
export function tokenCommand(): Command {
  const token = new Command('token')
    .summary('signing keys and access tokens for a server with MMTEL_AUTH=oauth2')
    .description(
      'Keys and tokens for trying MMTEL_AUTH=oauth2 without a CAPIF core function: keygen writes a signing key and the JWKS ' +
        'the server trusts (MMTEL_OAUTH_JWKS_FILE), mint signs an access token for an AF with that key.',
    );
  token.addCommand(
    new Command('keygen')
      .summary('write <dir>/signing-key.pem (private) and <dir>/jwks.json (public)')
      .description(
        'Generates an ES256 key and writes <dir>/signing-key.pem (the private key, mode 0600: what mints tokens) and ' +
          '<dir>/jwks.json (the public key: start the server with MMTEL_AUTH=oauth2 MMTEL_OAUTH_JWKS_FILE=<dir>/jwks.json).',
      )
      .argument('<dir>', 'the directory to write them to (created if missing)')
      .option('--json', 'print the files written and the key id as one JSON object')
      .action(async (dir: string, options: { json?: boolean }) => {
        const out = createOutput(options.json === true);
        const written = await (await signing()).writeSigningKeyFiles(dir);
        // The paths as given (as the server's token script printed them); the variable with the absolute path, to paste.
        out.line(`wrote ${join(dir, 'signing-key.pem')} and ${join(dir, 'jwks.json')} (kid ${written.kid})`);
        out.line(`start the server with MMTEL_AUTH=oauth2 MMTEL_OAUTH_JWKS_FILE=${written.jwksFile}`);
        out.record(written);
      }),
  );
  token.addCommand(
    new Command('mint')
      .summary('print an access token signed with a key from keygen')
      .description(
        'Prints an OAuth 2.0 access token (a JWT) for the AF --sub, signed with --key: its requests must carry that afId. ' +
          'Alone on its line, for TOKEN=$(mmtel token mint …); mmtel call --token (or MMTEL_TOKEN) sends it.',
      )
      .requiredOption('--key <file>', 'the signing key (signing-key.pem from mmtel token keygen)')
      .requiredOption('--sub <afId>', 'the AF the token stands for (sub and client_id)')
      .option('--scope <scope>', 'the scopes, space-separated (default: "mmtel-callcontrol mmtel-callevent", both APIs)')
      .addOption(
        new Option('--ttl <seconds>', "the token's lifetime (default: the token endpoint's, MMTEL_CAPIF_TOKEN_TTL_S's default)").argParser(
          wholeSeconds,
        ),
      )
      .option('--iss <issuer>', 'the issuer, checked by the server only with MMTEL_OAUTH_ISSUER (default: "mmtel-token")')
      .option('--aud <audience>', 'the audience (checked by the server only with MMTEL_OAUTH_AUDIENCE)')
      .option('--json', 'print the token, its subject, scope and expiry as one JSON object')
      .action(async (options: MintOptions) => {
        const out = createOutput(options.json === true);
        const { DEFAULT_TOKEN_SCOPE, mintAccessToken, readSigningKey } = await signing();
        const key = await readSigningKey(options.key);
        const scope = options.scope ?? DEFAULT_TOKEN_SCOPE;
        const { token, expiresAt } = await mintAccessToken(key, {
          subject: options.sub,
          scope,
          ...(options.ttl !== undefined && { ttlSeconds: options.ttl }),
          ...(options.iss !== undefined && { issuer: options.iss }),
          ...(options.aud !== undefined && { audience: options.aud }),
        });
        out.line(token);
        out.record({ token, sub: options.sub, scope, kid: key.kid, expiresAt: new Date(expiresAt * 1000).toISOString() });
      }),
  );
  return token;
}

function wholeSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new InvalidArgumentError('--ttl takes a positive whole number of seconds.');
  return seconds;
}
