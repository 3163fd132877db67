/** `listeners --port N [--json] [--expect N]`: who listens on a port (README, "Command line"). */
import { describeListeners } from '../checklist/diagnosis.js';
import { groupListeners, numberListeners } from '../checklist/listener-count.js';
import { currentPlatform } from '../platform/index.js';
import { describeSkippedRows, renderListenerTable } from '../report/listener-table.js';
import { defineCommand, parseInteger, portFlag } from './args.js';

/** Long commands are cut on a terminal only: piped output keeps them whole. */
const TTY_COMMAND_LENGTH = 60;

export const listenersCommand = defineCommand({
  summary:
    'Who listens on a port: one row per socket (address, family, socket, pids, process, start time, command). Exits 1 when more listeners than --expect listen: a listener is one server, the sockets its processes hold (one process on 0.0.0.0 and [::], or a master and its workers, is one listener).',
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
      description:
        'print the sockets as a JSON array; each carries `listener`, the number of the listener it belongs to',
    },
    {
      name: 'expect',
      type: 'string',
      value: 'N',
      default: '1',
      description: 'exit 1 when more than N listeners listen',
    },
  ],
  async action(values, io) {
    const port = portFlag(values);
    const expected =
      typeof values.expect === 'string' ? parseInteger(values.expect, '--expect', 0) : 1;
    const sockets = await currentPlatform().listListeners(port);
    const skipped = describeSkippedRows(sockets);
    if (values.json === true) {
      // The array stays the documented shape; rows that could not be read go to stderr.
      io.stdout(`${JSON.stringify(numberListeners(sockets), null, 2)}\n`);
      if (skipped.length > 0) io.stderr(`${skipped.join('\n')}\n`);
    } else if (sockets.length === 0) {
      const nothing = skipped.length === 0 ? 'nothing listens' : 'nothing readable listens';
      io.stdout(`${[`${nothing} on port ${port}`, ...skipped].join('\n')}\n`);
    } else {
      const maxCommandLength = io.isTTY ? TTY_COMMAND_LENGTH : undefined;
      io.stdout(`${renderListenerTable(sockets, { maxCommandLength })}\n`);
    }
    // Listeners, not sockets or rows: one server's sockets count once, as in `run`.
    const count = groupListeners(sockets).length;
    if (count <= expected) return 0;
    io.stderr(
      `${count} listeners on port ${port} (expected at most ${expected}): ${describeListeners(sockets).join('; ')}\n`,
    );
    return 1;
  },
});
