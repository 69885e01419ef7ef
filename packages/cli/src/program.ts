import { createRequire } from 'node:module';
import { Command } from 'commander';
import { callCommand } from './commands/call.js';
import { checkCommand } from './commands/check.js';
import { deliveriesCommand } from './commands/deliveries.js';
import { listenCommand } from './commands/listen.js';
import { serverCommand } from './commands/server.js';
import { tokenCommand } from './commands/token.js';
import { triggerCommand } from './commands/trigger.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `mmtel` program: every command, with the usage and errors commander gives. */
export function createProgram(): Command {
  const program = new Command('mmtel')
    .description(
      'The MMTel command line: place calls, watch and forward notifications, drive the simulated IMS network and read its delivery record (3GPP TS 29.392).',
    )
    .version(version)
    .showHelpAfterError('(mmtel --help lists the commands; mmtel <command> --help their options)')
    .configureHelp({ showGlobalOptions: false })
    .exitOverride()
    // `mmtel deliveries retry <id> --api-root …`: both levels take --api-root; each option belongs to the command it follows.
    .enablePositionalOptions();
  for (const command of [
    serverCommand(),
    callCommand(),
    listenCommand(),
    triggerCommand(),
    deliveriesCommand(),
    tokenCommand(),
    checkCommand(),
  ])
    program.addCommand(inherit(command, program));
  return program;
}

/** addCommand does not pass settings down as .command() does: exitOverride, help after an error, at every level. */
function inherit(command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inherit(sub, command);
  return command;
}
