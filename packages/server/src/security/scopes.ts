/** The API names of this server, as they appear in token scopes. */
export const ApiName = {
  CALL_CONTROL: 'mmtel-callcontrol',
  CALL_EVENT: 'mmtel-callevent',
  /** Not 3GPP: the control API of the simulated IMS network (it sees every AF's deliveries). */
  SIMULATOR: 'mmtel-simulator',
} as const;

export type ApiName = (typeof ApiName)[keyof typeof ApiName];

/**
 * Whether a token's `scope` grants an API. The scope is a space-separated list (RFC 6749
 * clause 3.3) of plain API names (`mmtel-callcontrol`) and CAPIF scopes
 * `3gpp#<aefId>:<apiName>[,<apiName>…][;<aefId>:<apiName>…]`; a CAPIF scope counts for this
 * server when its aefId is ours (or when no aefId is configured).
 *
 * @see 3GPP TS 29.222 clause 8.5.4.2.4 (AccessTokenReq.scope), TS 33.122
 */
export function scopeGrants(scope: string, api: ApiName, aefId?: string): boolean {
  for (const item of scope.split(' ')) {
    if (item === api) return true;
    if (!item.startsWith('3gpp#')) continue;
    for (const group of item.slice('3gpp#'.length).split(';')) {
      const colon = group.indexOf(':');
      if (colon <= 0) continue;
      const groupAef = group.slice(0, colon);
      if (aefId !== undefined && groupAef !== aefId) continue;
      if (
        group
          .slice(colon + 1)
          .split(',')
          .includes(api)
      )
        return true;
    }
  }
  return false;
}
