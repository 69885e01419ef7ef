/** What the kit may do to the target: each mode includes the ones before it. */
export type CheckMode = 'read-only' | 'create' | 'hostile';

/** How to run the kit against one MMTel Enabler Server. */
export interface CheckOptions {
  /** The target's {apiRoot}, e.g. `https://mmtel.example.com` (no trailing slash needed). */
  apiRoot: string;
  /** `read-only`: only requests that change nothing; `create` (default): sessions too; `hostile`: and hostile input. */
  mode?: CheckMode;
  /** An OAuth 2.0 access token, sent as a bearer token. */
  token?: string;
  /** The afId of the sessions the kit creates (default: the token's subject, else `default`). */
  afId?: string;
  /** The address the target reaches the kit's receiver at (default 127.0.0.1). */
  notifyHost?: string;
  /** The port of the kit's receiver (default: a free one). */
  notifyPort?: number;
  /** How long to wait for a notification, in milliseconds (default 10 000). */
  notifyTimeoutMs?: number;
  /** Runs per hostile-input property (default 50). */
  runs?: number;
  /** The fast-check seed of the hostile-input properties (default: a new one, reported). */
  seed?: number;
  /** The target's body limit in bytes, above which it must answer 413 (default 1 MiB, the reference server's). */
  bodyLimit?: number;
  /** Stops the run early (Ctrl-C): sessions created so far are still released. */
  signal?: AbortSignal;
  /** Told of each result as it is known (for live output). */
  onResult?: (result: CheckResult) => void;
}

/** How one check ended. */
export type CheckOutcome = 'passed' | 'failed' | 'skipped';

/** The result of one check. */
export interface CheckResult {
  /** The clause the check proves, e.g. `TS 29.392 6.4.3.2.3.1`. */
  clause: string;
  /** What it checks, e.g. `POST ims-sessions answers 201 with Location and the ImsSession`. */
  title: string;
  outcome: CheckOutcome;
  /** Why it failed (each rule broken, with its clause) or why it was skipped. */
  details: string[];
  /** Set when the check was skipped because the mode does not allow it: the mode it needs. */
  needs?: CheckMode;
  /** Requests the check made. */
  exchanges: number;
  ms: number;
}

/** The result of a whole run. */
export interface CheckReport {
  apiRoot: string;
  mode: CheckMode;
  /** The seed of the hostile-input properties (hostile mode only), to replay a failure. */
  seed?: number;
  runs?: number;
  /** Where the kit received notifications. */
  notifyUri: string;
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
}

/** The target could not be reached at all: no check could run (the CLI's exit status 2). */
export class TargetUnreachableError extends Error {
  override readonly name = 'TargetUnreachableError';
}
