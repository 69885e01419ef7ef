import { onTestFinished } from 'vitest';
import { type Sipp, type SippOptions, startSipp } from './sipp.js';

/** What differs between the two agents of a case (the ports follow from its base). */
export type AgentOptions = Omit<SippOptions, 'port' | 'mediaPort'>;

/** The two SIPp agents of one case, and the party URIs that reach them. */
export interface Agents {
  /** The calling party (leg A), on `base`. */
  a: Sipp;
  /** The called party (leg B), on `base + 1`. */
  b: Sipp;
  parties: { calling: string; called: string };
}

/**
 * Starts the calling party on `base` and the called party on `base + 1` (their RTP ports above,
 * up to `base + 9`), both ended by PID when the test finishes. Their URIs are
 * `sip:alice@a<base>.test` and `sip:bob@b<base>.test`: a party URI cannot name an address or a
 * port (ImsPublicId), so the adapter (or the proxy) routes these domains to the ports.
 */
export async function startAgents(sippPath: string, base: number, calling: AgentOptions, called: AgentOptions): Promise<Agents> {
  const a = await startSipp(sippPath, { ...calling, port: base, mediaPort: base + 2 });
  onTestFinished(() => a.kill());
  const b = await startSipp(sippPath, { ...called, port: base + 1, mediaPort: base + 6 });
  onTestFinished(() => b.kill());
  return { a, b, parties: { calling: `sip:alice@a${base}.test`, called: `sip:bob@b${base}.test` } };
}

/** MMTEL_SIP_ROUTES for the agents of these cases. */
export function agentRoutes(bases: readonly number[]): string {
  return bases.flatMap((base) => [`a${base}.test=127.0.0.1:${base}`, `b${base}.test=127.0.0.1:${base + 1}`]).join(',');
}

/** Both agents' exit codes (0: the call went as the scenario file says), their output logged when one is not 0. */
export async function exitCodes({ a, b }: Pick<Agents, 'a' | 'b'>): Promise<[number, number]> {
  const codes: [number, number] = [await a.exited, await b.exited];
  if (codes.some((code) => code !== 0)) console.error(`calling party:\n${a.output()}\ncalled party:\n${b.output()}`);
  return codes;
}
