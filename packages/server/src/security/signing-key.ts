import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';

/** The asymmetric JWS algorithms tokens may use; HS* (shared secrets) and `none` never verify. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** A key that signs tokens, with what a verifier needs to trust it. */
export interface SigningKey {
  privateKey: KeyObject;
  alg: string;
  kid: string;
  /** The public half as a JWK (with `kid`, `alg` and `use`), for a JWKS. */
  publicJwk: JWK;
}

/** The JWS algorithm that goes with a key: RS256 for RSA, ES256/384/512 by curve, EdDSA. */
export function algorithmOf(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      if (curve === 'secp521r1') return 'ES512';
      throw new Error(`EC curve ${curve} is not usable for JWS`);
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`a ${key.asymmetricKeyType ?? 'symmetric'} key cannot sign tokens (RSA, EC or Ed25519 needed)`);
  }
}

/** A signing key from a PEM (PKCS#8 or traditional) private key. */
export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(pem);
  const alg = algorithmOf(privateKey);
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, alg, kid, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

export async function readSigningKey(file: string): Promise<SigningKey> {
  return signingKeyFromPem(await readFile(file, 'utf8'));
}

/** A fresh ES256 key, and its PEM for whoever must mint tokens with it later. */
export async function generateSigningKey(): Promise<{ key: SigningKey; pem: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  return { key: await signingKeyFromPem(pem), pem };
}
