/**
 * Which process answered a probe (README, "Who answered each probe"): the platform names the
 * process that accepted the probe's connection, looked up between connect and send. Where it
 * cannot (macOS, Windows, permissions, a server that did not accept in time) the probe says
 * why, and nobody is named: never a guess.
 */
import type { ProbeResult } from './probe-result.js';
import type { ListenerSocket, Platform, TcpConnection } from '../../platform/types.js';

export type Attribution = Pick<ProbeResult, 'answeredBy' | 'unattributed'>;
export type Attributor = (connection: TcpConnection) => Promise<Attribution>;

/** How long a probe waits for the server to accept; then it is sent anyway, unattributed. */
export const ATTRIBUTION_WAIT_MS = 100;

const OS_NAMES: Record<Platform['name'], string> = {
  linux: 'Linux',
  darwin: 'macOS',
  win32: 'Windows',
};

/**
 * Attribution on `platform` among the holders of the port's listening sockets (`listeners()`,
 * read per probe: the port watch's newest inventory).
 */
export function attributor(
  platform: Platform,
  listeners: () => readonly ListenerSocket[],
  waitMs = ATTRIBUTION_WAIT_MS,
): Attributor {
  return async (connection) => {
    if (!platform.connectionOwner) {
      return { answeredBy: null, unattributed: `not supported on ${OS_NAMES[platform.name]}` };
    }
    const known = listeners();
    const owner = await platform
      .connectionOwner(connection, known, waitMs)
      .catch((error: unknown) => ({
        unattributed: `reading the connection failed: ${(error as Error).message}`,
      }));
    if ('unattributed' in owner) return { answeredBy: null, unattributed: owner.unattributed };
    const proc =
      known.flatMap((socket) => socket.processes).find((p) => p.pid === owner.pid) ??
      (await platform.getProcess(owner.pid).catch(() => null));
    return { answeredBy: { pid: owner.pid, command: proc?.command ?? '' } };
  };
}
