import type { KnownEventInitiator, KnownImsSessionEvent, KnownImsSessionState } from '@mmtel/types';

/** One event of a scenario: reported after `after` (the step delay, or the release delay). */
export interface ScenarioStep {
  event: KnownImsSessionEvent;
  state: KnownImsSessionState;
  after: 'step' | 'release';
  initiator?: KnownEventInitiator;
  /** The failure or termination reason, as the SIP status the IMS core would give. */
  cause?: string;
}

/** A call scenario the simulated network plays after an AS creates an IMS session. */
export interface Scenario {
  name: string;
  description: string;
  steps: ScenarioStep[];
}

const progress: ScenarioStep = { event: 'SESSION_ESTABLISHMENT_PROGRESS', state: 'INITIATING', after: 'step' };
const alerting: ScenarioStep = { event: 'SESSION_ESTABLISHMENT_ALERTING', state: 'ALERTING', after: 'step' };
const answered: ScenarioStep = {
  event: 'SESSION_ESTABLISHMENT_SUCCESS',
  state: 'ESTABLISHED',
  after: 'step',
  initiator: 'REMOTE_IMS_SUBSCRIBER',
};
const failed = (cause: string): ScenarioStep => ({
  event: 'SESSION_ESTABLISHMENT_FAILURE',
  state: 'FAILED',
  after: 'step',
  initiator: 'REMOTE_IMS_SUBSCRIBER',
  cause,
});

/** Every scenario, by name. */
export const scenarios: Record<string, Scenario> = Object.fromEntries(
  [
    { name: 'answer', description: 'The remote party is alerted and answers.', steps: [progress, alerting, answered] },
    { name: 'busy', description: 'The remote party is busy (SIP 486).', steps: [progress, failed('486')] },
    {
      name: 'no-answer',
      description: 'The remote party is alerted but does not answer (SIP 480).',
      steps: [progress, alerting, failed('480')],
    },
    { name: 'rejected', description: 'The remote party declines the call (SIP 603).', steps: [progress, alerting, failed('603')] },
    {
      name: 'remote-release',
      description: 'The remote party answers, then hangs up after MMTEL_SIM_RELEASE_AFTER_MS.',
      steps: [
        progress,
        alerting,
        answered,
        { event: 'SESSION_TERMINATION', state: 'TERMINATED', after: 'release', initiator: 'REMOTE_IMS_SUBSCRIBER', cause: 'BYE' },
      ],
    },
    { name: 'silent', description: 'Nothing happens: no event is reported (for load tests).', steps: [] },
  ].map((s) => [s.name, s as Scenario]),
);
