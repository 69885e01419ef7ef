import { BUNDLED, loadSpec, operationById, type Operation } from '../attacks/spec-documents.js';

/** An operation of MMTel_CallControl by its operationId. */
export function callControl(operationId: 'CreateImsSession' | 'UpdateImsSession' | 'ModifyImsSession' | 'ReleaseImsSession'): Operation {
  return operationById(loadSpec(BUNDLED.callControl), operationId);
}

/** The path of the IMS Sessions collection under the apiRoot. */
export function sessionsPath(): string {
  return `${callControl('CreateImsSession').basePath}/ims-sessions`;
}

/** The ImsSession the kit creates: a call from a tel URI to a SIP URI, its notifications to the kit. */
export function sessionBody(afId: string, notifUri: string): Record<string, unknown> {
  return { afId, imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' }, notifUri };
}

/** A session id no server has: the unknown-resource checks ask for it. */
export function unknownSessionId(): string {
  return `mmtel-check-no-such-session-${crypto.randomUUID()}`;
}
