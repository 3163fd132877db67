/**
 * Counting listeners as the `single-listener` item defines them (README, "The checklist"): a
 * listener is one server. The port's sockets are grouped by their holder processes: sockets that
 * share any holder pid are one listener, transitively (union-find over shared pids). So one
 * process tree holding `0.0.0.0` + `[::]`, `127.0.0.1` + `[::1]`, or several listen lines is one
 * listener, and a socket shared by master and workers is one entry already. Sockets whose holders
 * share no pid (two independent SO_REUSEPORT servers, a v4/v6 split held by different processes)
 * are separate listeners; a socket with no known holder is a listener of its own.
 */
import type { ListenerSocket } from '../platform/types.js';

/** Groups sockets into listeners, in the order each listener's first socket appears. */
export function groupListeners(sockets: ListenerSocket[]): ListenerSocket[][] {
  const parent = sockets.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const firstSocketOfPid = new Map<number, number>();
  sockets.forEach((s, i) => {
    for (const { pid } of s.processes) {
      const other = firstSocketOfPid.get(pid);
      if (other === undefined) {
        firstSocketOfPid.set(pid, i);
        continue;
      }
      const [a, b] = [find(other), find(i)];
      // The lower index stays the root, so groups keep the sockets' order.
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  });
  const groups = new Map<number, ListenerSocket[]>();
  sockets.forEach((s, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(s);
    else groups.set(root, [s]);
  });
  return [...groups.values()];
}

/** The distinct holder pids of one listener, ascending. */
export function listenerPids(listener: readonly ListenerSocket[]): number[] {
  return [...new Set(listener.flatMap((s) => s.processes.map((p) => p.pid)))].sort((a, b) => a - b);
}

/** A socket of the JSON lists (`listeners --json`, the `listeners` output): which listener it is part of. */
export type NumberedSocket = ListenerSocket & {
  /** 1-based: sockets with the same number are one listener (one server). */
  listener: number;
};

/** The sockets in their own order, each numbered with its listener (see groupListeners). */
export function numberListeners(sockets: ListenerSocket[]): NumberedSocket[] {
  const numberOf = new Map<ListenerSocket, number>();
  groupListeners(sockets).forEach((group, i) => {
    for (const s of group) numberOf.set(s, i + 1);
  });
  return sockets.map((s) => ({ ...s, listener: numberOf.get(s)! }));
}
