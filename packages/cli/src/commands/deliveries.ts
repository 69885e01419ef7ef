import type { Simulator } from '@mmtel/types';
import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { type ApiOptions, simulatorClient, withApiOptions } from '../api.js';
import { createOutput, type Colors } from '../output.js';

type Delivery = Simulator.components['schemas']['Delivery'];
type DeliveryState = Simulator.components['schemas']['DeliveryState'];

interface ListOptions extends ApiOptions {
  session?: string;
  state?: DeliveryState;
  json?: boolean;
}

/** The callbacks' names, shorter: the table must fit a terminal. */
const CALLBACK_TEXT: Readonly<Record<string, string>> = {
  imsSessionNotification: 'IMS session',
  sessionEventNotification: 'session event',
};

const STATES: readonly DeliveryState[] = ['PENDING', 'DELIVERED', 'FAILED'];

/**
 * `mmtel deliveries`: the delivery record of the reference server's notifications as a table
 * (GET /sim/v1/deliveries), and `mmtel deliveries retry <id>` (POST …/{id}/retry).
 */
export function deliveriesCommand(): Command {
  const deliveries = withApiOptions(new Command('deliveries'))
    .summary('the delivery record of notifications, as a table; retry a failed one')
    .description(
      "What became of each notification the reference server accepted, newest first: pending, delivered or failed, with its attempts and last error (the simulator API's GET /sim/v1/deliveries).",
    )
    .option('--session <sessionId>', 'only the notifications about this IMS session')
    .option('--state <state>', 'only the notifications in this state: pending, delivered or failed', deliveryState)
    .option('--json', 'print the records as a JSON array')
    .action(async (options: ListOptions) => {
      await list(options);
    });
  deliveries.addCommand(
    withApiOptions(new Command('retry'))
      .summary('send a failed notification again')
      .description(
        'Queues the body of a FAILED notification again, to its target, as a new notification (POST /sim/v1/deliveries/{id}/retry).',
      )
      .argument('<deliveryId>', 'the id of the failed notification (mmtel deliveries --state failed)')
      .option('--json', 'print the new delivery record as JSON')
      .action(async (deliveryId: string, options: ApiOptions & { json?: boolean }) => {
        await retry(deliveryId, options);
      }),
  );
  return deliveries;
}

function deliveryState(value: string): DeliveryState {
  const state = value.toUpperCase() as DeliveryState;
  if (!STATES.includes(state)) throw new InvalidArgumentError('the states are pending, delivered and failed.');
  return state;
}

async function list(options: ListOptions): Promise<void> {
  const out = createOutput(options.json === true);
  const query = {
    ...(options.session !== undefined && { 'session-id': options.session }),
    ...(options.state !== undefined && { state: options.state }),
  };
  const { data = [] } = await simulatorClient(options).GET('/deliveries', { params: { query } });
  out.record(data);
  if (data.length === 0) {
    out.line('no notifications' + (options.session !== undefined || options.state !== undefined ? ' match' : ' yet'));
    return;
  }
  const { color } = out;
  const table = new Table({
    head: ['id', 'state', 'notification', 'session', 'target', 'tries', 'last', 'last error', 'created'].map((title) => color.bold(title)),
    // cli-table3 colours borders and headers itself unless told not to: colour is the output helper's to decide.
    style: { head: [], border: [] },
    // No line between rows; long targets and errors wrap inside their column instead of widening the table.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: true,
    wrapOnWordBoundary: false,
    colWidths: [null, null, null, null, 34, null, null, 30, null],
  });
  for (const delivery of data) table.push(row(delivery, color));
  out.line(table.toString());
  out.line(color.dim(`${data.length} notification${data.length === 1 ? '' : 's'}, newest first`));
}

function row(delivery: Delivery, color: Colors): string[] {
  const state =
    delivery.state === 'DELIVERED'
      ? color.green(delivery.state)
      : delivery.state === 'FAILED'
        ? color.red(delivery.state)
        : color.yellow(delivery.state);
  return [
    delivery.id,
    state,
    CALLBACK_TEXT[delivery.callback] ?? delivery.callback,
    delivery.sessionId ?? '',
    delivery.target,
    String(delivery.attempts),
    delivery.lastStatus !== undefined ? String(delivery.lastStatus) : '',
    delivery.lastError ?? '',
    delivery.createdAt?.slice(0, 19).replace('T', ' ') ?? '',
  ];
}

async function retry(deliveryId: string, options: ApiOptions & { json?: boolean }): Promise<void> {
  const out = createOutput(options.json === true);
  const { data } = await simulatorClient(options).POST('/deliveries/{deliveryId}/retry', { params: { path: { deliveryId } } });
  if (data === undefined) throw new Error('the server answered the retry without a body');
  out.record(data);
  out.line(`queued again as ${out.color.cyan(data.id)} (${data.state}) to ${data.target}`);
  out.line(out.color.dim(`mmtel deliveries${data.sessionId !== undefined ? ` --session ${data.sessionId}` : ''} shows what becomes of it`));
}
