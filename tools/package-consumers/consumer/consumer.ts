// A TypeScript application: the contract types must reach it from the published packages.
import { createCallControlClient, ImsSessionEvent, type ImsSession } from '@mmtel/client';
import { createReceiver, notFound, type NotificationHandlers } from '@mmtel/receiver';

const session: ImsSession = {
  afId: 'default',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com', events: [ImsSessionEvent.SESSION_TERMINATION] },
  notifUri: 'http://127.0.0.1:9/n',
};
// @ts-expect-error notifUri is mandatory
const incomplete: ImsSession = { afId: 'default', imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' } };

const handlers: NotificationHandlers = {
  onImsSessionEvent: (notification) => {
    const first: string = notification.eventReports[0]!.event;
    void first;
  },
  onSessionEvent: () => notFound('USER_NOT_FOUND'),
};

export async function main(apiRoot: string): Promise<string> {
  const receiver = createReceiver({ handlers });
  const mmtel = createCallControlClient({ baseUrl: apiRoot, throwOnError: true });
  const created = await mmtel.createImsSession(session);
  void incomplete;
  await receiver.close();
  return created.data.location;
}
