/** What one attempt at a notification came to, as the delivery log line tells it. */
export interface AttemptReport {
  callback: string;
  target: string;
  /** The HTTP status answered, if an answer came. */
  status?: number | undefined;
  attempt: number;
  /** Time from sending the request to its outcome, if a request was sent. */
  latencyMs?: number | undefined;
  outcome: 'delivered' | 'retrying' | 'failed' | 'given up';
  retryInMs?: number | undefined;
  error?: string | undefined;
}

/**
 * One readable line for a delivery outcome, e.g.
 * `imsSessionNotification → http://127.0.0.1:9000/notify: 204 delivered (attempt 1, 12 ms)`.
 */
export function deliveryLine(report: AttemptReport): string {
  const answer = report.status !== undefined ? `${report.status} ` : '';
  const what = report.outcome === 'retrying' && report.retryInMs !== undefined ? `retrying in ${report.retryInMs} ms` : report.outcome;
  const latency = report.latencyMs !== undefined ? `, ${Math.round(report.latencyMs)} ms` : '';
  const error = report.error !== undefined && report.outcome !== 'delivered' ? `: ${report.error}` : '';
  return `${report.callback} → ${report.target}: ${answer}${what} (attempt ${report.attempt}${latency})${error}`;
}
