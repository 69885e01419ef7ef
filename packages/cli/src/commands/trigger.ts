import type { Simulator } from '@mmtel/types';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type ApiOptions, simulatorClient, withApiOptions } from '../api.js';
import { createOutput } from '../output.js';

type MediaInfoList = NonNullable<Simulator.components['schemas']['IncomingCall']['mediaInfoList']>;
type InjectedEvent = Simulator.components['schemas']['InjectedEvent'];

interface TriggerOptions extends ApiOptions {
  media?: MediaInfoList;
  json?: boolean;
}

/**
 * `mmtel trigger …`: plays what a real IMS core would do, through the reference server's
 * simulator API (/sim/v1, specs/MMTel_Simulator.yaml; not 3GPP).
 */
export function triggerCommand(): Command {
  const trigger = new Command('trigger')
    .summary('drive the simulated IMS network: incoming call, media change, remote release')
    .description(
      "Injects a network event through the reference server's simulator API (/sim/v1, not 3GPP): the server sends the notifications it causes.",
    );
  trigger.addCommand(
    eventCommand('incoming-call')
      .summary('a call offered to a served user: a Session Event Notification SESSION_ESTABLISHMENT_REQUEST')
      .description(
        'Offers a call to a served user: a Session Event Notification SESSION_ESTABLISHMENT_REQUEST goes to the CallEvent URI the server is configured with (MMTEL_SESSION_EVENT_NOTIFICATION_URI).',
      )
      .argument('<callingIdentity>', 'who calls, e.g. tel:+4930123456')
      .argument('<calledIdentity>', 'the served user called, e.g. sip:bob@example.com')
      .action(async (callingIdentity: string, calledIdentity: string, options: TriggerOptions) => {
        await inject(
          options,
          'incoming call',
          async (sim) =>
            (
              await sim.POST('/incoming-calls', {
                body: { callingIdentity, calledIdentity, ...(options.media !== undefined && { mediaInfoList: options.media }) },
              })
            ).data,
        );
      }),
  );
  trigger.addCommand(
    eventCommand('media-change', 'audio,video')
      .summary('the remote party changes the media of a session')
      .description(
        'The remote party changes the media of a session: a Session Event Notification MEDIA_CHANGE_REQUEST and, for a session of MMTel_CallControl, an IMS Session Notification MEDIA_CHANGE_SUCCESS.',
      )
      .argument('<sessionId>', 'the IMS session')
      .action(async (sessionId: string, options: TriggerOptions) => {
        await inject(
          options,
          'media change',
          async (sim) =>
            (
              await sim.POST('/sessions/{sessionId}/media-changes', {
                params: { path: { sessionId } },
                body: { mediaInfoList: options.media ?? mediaList('audio,video') },
              })
            ).data,
        );
      }),
  );
  trigger.addCommand(
    eventCommand('remote-release', 'none')
      .summary('the remote party hangs up a session')
      .description(
        'The remote party hangs up: a Session Event Notification SESSION_TERMINATION and, for a session of MMTel_CallControl, an IMS Session Notification SESSION_TERMINATION.',
      )
      .argument('<sessionId>', 'the IMS session')
      .action(async (sessionId: string, options: TriggerOptions) => {
        await inject(
          options,
          'remote release',
          async (sim) => (await sim.POST('/sessions/{sessionId}/remote-release', { params: { path: { sessionId } } })).data,
        );
      }),
  );
  return trigger;
}

/** A trigger subcommand with the API options, --json and (with `media`) --media. */
function eventCommand(name: string, media: 'none' | 'optional' | 'audio,video' = 'optional'): Command {
  const command = withApiOptions(new Command(name));
  if (media !== 'none')
    command.addOption(
      new Option(
        '--media <types>',
        `the media, comma-separated: audio, video, dc (mediaIds 1, 2, …)${media === 'optional' ? '' : `; default ${media}`}`,
      ).argParser(mediaList),
    );
  return command.option('--json', 'print what the server queued as JSON');
}

/** `audio,video` as a MediaInfo map keyed by mediaId: `{"1": {mediaId: "1", mediaType: "AUDIO"}, …}`. */
function mediaList(value: string): MediaInfoList {
  const types = value.split(',').map((type) => type.trim().toUpperCase());
  if (types.some((type) => type === '')) throw new InvalidArgumentError('give media types separated by commas, e.g. audio,video.');
  return Object.fromEntries(types.map((mediaType, index) => [String(index + 1), { mediaId: String(index + 1), mediaType }]));
}

async function inject(
  options: TriggerOptions,
  what: string,
  send: (sim: ReturnType<typeof simulatorClient>) => Promise<InjectedEvent | undefined>,
): Promise<void> {
  const out = createOutput(options.json === true);
  const injected = await send(simulatorClient(options));
  if (injected === undefined) throw new Error(`the server answered the ${what} without a body`);
  out.record(injected);
  const count = injected.notifications.length;
  out.line(`${what} injected: session ${out.color.cyan(injected.sessionId)}, ${count} notification${count === 1 ? '' : 's'} queued`);
  for (const id of injected.notifications) out.line(`  ${id}`);
  out.line(out.color.dim(`mmtel deliveries --session ${injected.sessionId} shows what became of them`));
}
