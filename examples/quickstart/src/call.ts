// A first call with the SDK. Usage: call [apiRoot] [receiverOrigin]
import { createCallControlClient } from '@mmtel/client';

const [apiRoot = 'http://127.0.0.1:8080', receiver = 'http://127.0.0.1:9000'] = process.argv.slice(2);
const mmtel = createCallControlClient({ baseUrl: apiRoot });
const created = await mmtel.createImsSession({
  afId: 'as1',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: `${receiver}/ims-session-notification`,
});
if (created.error) throw new Error(`${created.error.status} ${created.error.cause}: ${created.error.detail}`);
console.log(`created IMS session ${created.data.sessionId}: ${created.data.location}`);
