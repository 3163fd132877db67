/** `listeners --port N [--json] [--expect N]`: who listens on a port (SPEC §7). */
import { currentPlatform } from '../platform/index.js';
import { describeSocketHolders, renderListenerTable } from '../report/listener-table.js';
import { defineCommand, parseInteger, portFlag } from './args.js';

/** Long commands are cut on a terminal only: piped output keeps them whole. */
const TTY_COMMAND_LENGTH = 60;

export const listenersCommand = defineCommand({
  summary:
    'Who listens on a port: one row per socket (address, family, socket, pids, process, start time, command). Exits 1 when more sockets than --expect listen.',
  usage: 'single-listener-check listeners --port N [--json] [--expect N]',
  flags: [
    {
      name: 'port',
      type: 'string',
      value: 'N',
      default: 'required',
      description: 'the TCP port to inspect',
    },
    {
      name: 'json',
      type: 'boolean',
      default: 'off',
      description: 'print the sockets as a JSON array',
    },
    {
      name: 'expect',
      type: 'string',
      value: 'N',
      default: '1',
      description: 'exit 1 when more than N sockets listen',
    },
  ],
  async action(values, io) {
    const port = portFlag(values);
    const expected =
      typeof values.expect === 'string' ? parseInteger(values.expect, '--expect', 0) : 1;
    const sockets = await currentPlatform().listListeners(port);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(sockets, null, 2)}\n`);
    } else if (sockets.length === 0) {
      io.stdout(`nothing listens on port ${port}\n`);
    } else {
      const maxCommandLength = io.isTTY ? TTY_COMMAND_LENGTH : undefined;
      io.stdout(`${renderListenerTable(sockets, { maxCommandLength })}\n`);
    }
    // Sockets, not rows: a socket shared by several processes counts once.
    const count = new Set(sockets.map((s) => s.socketId)).size;
    if (count <= expected) return 0;
    io.stderr(
      `${count} sockets listen on port ${port} (expected at most ${expected}): ${sockets.map(describeSocketHolders).join('; ')}\n`,
    );
    return 1;
  },
});
