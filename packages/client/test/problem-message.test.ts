import { describe, expect, it } from 'vitest';
import { MmtelProblemError } from '../src/index.js';

describe('the message of MmtelProblemError', () => {
  it('names each invalid attribute with its reason', () => {
    const error = new MmtelProblemError(
      {
        status: 400,
        cause: 'MANDATORY_IE_INCORRECT',
        detail: 'A mandatory attribute is incorrect.',
        invalidParams: [
          {
            param: '/imsSessionInfo/calledParty',
            reason: 'must be a SIP URI such as sip:alice@example.com or a tel URI such as tel:+4930123456',
          },
          { param: '', reason: 'must be object' },
        ],
      },
      new Response(null, { status: 400 }),
    );
    expect(error.message).toBe(
      '400 MANDATORY_IE_INCORRECT: A mandatory attribute is incorrect. (/imsSessionInfo/calledParty: must be a SIP URI such as sip:alice@example.com or a tel URI such as tel:+4930123456; the body: must be object)',
    );
  });
});
