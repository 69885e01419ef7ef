/**
 * The clauses the checks cite: TS 29.392 as amended by pseudo-CR C3-255343r2 (its clause
 * numbers), and TS 29.122 clause 5.2 (the common API aspects that TS 29.392 6.4.2 makes apply).
 */
export const CLAUSES = {
  createImsSession: 'TS 29.392 6.4.3.2.3.1',
  updateImsSession: 'TS 29.392 6.4.3.3.3.1',
  modifyImsSession: 'TS 29.392 6.4.3.3.3.2',
  releaseImsSession: 'TS 29.392 6.4.3.3.3.3',
  imsSessionNotification: 'TS 29.392 6.4.5.2',
  sessionEventSubscriptions: 'TS 29.392 6.3.3.2.3.1',
  sessionEventNotification: 'TS 29.392 6.3.5.2',
  resourceUris: 'TS 29.122 5.2.4',
  notifications: 'TS 29.122 5.2.5.2',
  errorHandling: 'TS 29.122 5.2.6',
} as const;

const BY_OPERATION: Readonly<Record<string, string>> = {
  CreateImsSession: CLAUSES.createImsSession,
  UpdateImsSession: CLAUSES.updateImsSession,
  ModifyImsSession: CLAUSES.modifyImsSession,
  ReleaseImsSession: CLAUSES.releaseImsSession,
  NotifyImsSession: CLAUSES.imsSessionNotification,
  Subscribe: CLAUSES.sessionEventSubscriptions,
  NotifySessionEvent: CLAUSES.sessionEventNotification,
};

/** The clause that defines an operation of the bundled specs. */
export function clauseOf(operationId: string): string {
  return BY_OPERATION[operationId] ?? 'TS 29.392';
}
