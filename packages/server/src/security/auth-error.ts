/**
 * Why a request is refused: RFC 6750 error codes. A module of its own, so that authentication.ts
 * can recognise the error without loading the token verifier and jose (~45–55 ms of start-up) in
 * a server that verifies no tokens.
 */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly error: 'invalid_token' | 'insufficient_scope',
    readonly description: string,
  ) {
    super(description);
  }
}
