// The AS side: prints every notification the MMTel server sends. Usage: receive [port]
import { createReceiver } from '@mmtel/receiver';

const port = Number(process.argv[2] ?? 9000);
const receiver = createReceiver({
  handlers: {
    onImsSessionEvent: (notification) => {
      for (const report of notification.eventReports) console.log(`IMS session ${notification.sessionId}: ${report.event}`);
    },
    onSessionEvent: ({ sessionId, notificationEvent, sessionInfo }) =>
      console.log(
        `session ${sessionId}: ${notificationEvent.eventType} from ${sessionInfo?.callingIdentity} to ${sessionInfo?.calledIdentity}`,
      ),
  },
  onError: (error) => console.warn(`not handled: ${error.code} ${error.message}`),
});
await receiver.listen({ host: '127.0.0.1', port });
console.log(`receiving on http://127.0.0.1:${port}/ims-session-notification and /session-event-notification`);
