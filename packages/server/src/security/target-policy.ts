import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Resolves a host name to all its addresses (the system resolver by default; tests pin it). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

/** Where notifications may go. */
export interface TargetPolicyOptions {
  /** Allow loopback, private, link-local, metadata and other special-purpose addresses. */
  allowPrivate: boolean;
  /** Networks allowed even when `allowPrivate` is off, as CIDRs (`10.20.0.0/16`) or addresses. */
  allow?: readonly string[];
  resolve?: Resolve;
}

/** A notification target the policy refuses; the message says why, for logs and invalidParams. */
export class TargetRejectedError extends Error {
  override name = 'TargetRejectedError';
}

/**
 * Special-purpose networks a notification must not reach unless allowed: the host itself, the
 * operator's private networks, link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254
 * included), carrier-grade NAT (Alibaba's metadata at 100.100.100.200), multicast and reserved.
 *
 * @see IETF RFC 6890 (IPv4 and IPv6 special-purpose address registries)
 */
const SPECIAL_PURPOSE: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  // Unspecified, loopback and the deprecated IPv4-compatible addresses (::a.b.c.d).
  ['::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

/**
 * The SSRF policy of notification targets (`notifUri`, the configured SessionEventNotificationUri
 * and every redirect Location): http(s) only, and no special-purpose address unless configured.
 * The address is what counts, not the name: `check` resolves host names, and `lookup` (given to
 * the HTTP agent) re-checks the addresses actually connected to, so a name that resolves to a
 * public address when checked and to 127.0.0.1 when connecting (DNS rebinding) is still refused.
 */
export class TargetPolicy {
  readonly #denied = new BlockList();
  readonly #allowed = new BlockList();
  readonly #allowPrivate: boolean;
  readonly #resolve: Resolve;

  constructor(options: TargetPolicyOptions) {
    this.#allowPrivate = options.allowPrivate;
    this.#resolve = options.resolve ?? systemResolve;
    for (const [network, prefix, family] of SPECIAL_PURPOSE) this.#denied.addSubnet(network, prefix, family);
    for (const entry of options.allow ?? []) addNetwork(this.#allowed, entry);
  }

  /** Whether the policy refuses nothing (then no check needs to run). */
  get allowsEverything(): boolean {
    return this.#allowPrivate;
  }

  /** Throws a TargetRejectedError when `address` (an IP literal) may not be notified. */
  checkAddress(address: string): void {
    if (this.#allowPrivate) return;
    const family = isIP(address);
    if (family === 0) throw new TargetRejectedError(`${address} is not an IP address`);
    // BlockList matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 rules.
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.#allowed.check(address, type)) return;
    if (this.#denied.check(address, type)) {
      throw new TargetRejectedError(
        `${address} is a loopback, private, link-local or other special-purpose address, which notifications may not reach here`,
      );
    }
  }

  /**
   * Checks a target URL before any request: scheme, then the host's addresses. A name that does
   * not resolve is not refused here (delivery retries it); one that resolves to a refused address is.
   */
  async check(url: URL | string): Promise<void> {
    const target = typeof url === 'string' ? parseTarget(url) : url;
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new TargetRejectedError(`${target.protocol} is not http: or https:`);
    if (this.#allowPrivate) return;
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) return this.checkAddress(host);
    let addresses: LookupAddress[];
    try {
      addresses = await this.#resolve(host);
    } catch {
      return;
    }
    for (const { address } of addresses) {
      try {
        this.checkAddress(address);
      } catch (error) {
        throw new TargetRejectedError(`${host} resolves to ${address}: ${(error as Error).message.replace(/^\S+ is /, 'that is ')}`);
      }
    }
  }

  /**
   * A `net.connect` lookup that refuses the connection when the name resolves to a refused
   * address: the check at the moment of connecting, after which no re-resolution happens.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        for (const { address } of addresses) this.checkAddress(address);
      } catch (rejected) {
        return callback(Object.assign(rejected as Error, { code: 'ERR_TARGET_REJECTED' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      return callback(null, first!.address, first!.family);
    });
  };
}

function parseTarget(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new TargetRejectedError(`${JSON.stringify(value)} is not an absolute URI`);
  }
}

function addNetwork(list: BlockList, entry: string): void {
  const [address, prefix] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0) throw new Error(`${entry} is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) list.addAddress(address!, type);
  else list.addSubnet(address!, Number(prefix), type);
}

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/** Validates a list of CIDRs/addresses from configuration; returns the bad entry, if any. */
export function invalidNetwork(entries: readonly string[]): string | undefined {
  const probe = new BlockList();
  for (const entry of entries) {
    try {
      addNetwork(probe, entry);
    } catch {
      return entry;
    }
  }
  return undefined;
}
