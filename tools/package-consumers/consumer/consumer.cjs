// The same application as CommonJS.
const { createCallControlClient } = require('@mmtel/client');
const { createReceiver } = require('@mmtel/receiver');

(async () => {
  const apiRoot = process.argv[2];
  const events = [];
  let settle;
  const answered = new Promise((resolve) => (settle = resolve));
  const receiver = createReceiver({
    handlers: {
      onImsSessionEvent: (notification) => {
        for (const report of notification.eventReports) events.push(report.event);
        if (events.includes('SESSION_ESTABLISHMENT_SUCCESS')) settle();
      },
    },
  });
  await receiver.listen({ host: '127.0.0.1', port: 0 });
  const mmtel = createCallControlClient({ baseUrl: apiRoot });
  const created = await mmtel.createImsSession({
    afId: 'default',
    imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
    notifUri: `http://127.0.0.1:${receiver.server.address().port}/ims-session-notification`,
  });
  if (created.error) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
  await answered;
  const released = await mmtel.releaseImsSession(created.data.sessionId);
  console.log(JSON.stringify({ events, released: released.response.status }));
  await receiver.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
