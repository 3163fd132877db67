/** macOS system services that hold well-known development ports: name them instead of "unknown pid". */
import type { ProcessInfo } from '../types.js';

interface KnownHolder {
  name: string;
  ports: readonly number[];
  explanation: string;
}

const KNOWN_HOLDERS: readonly KnownHolder[] = [
  {
    // The classic "Flask on 5000 answers 403": AirPlay Receiver since macOS 12.
    name: 'ControlCenter',
    ports: [5000, 7000],
    explanation:
      "ControlCenter is macOS's AirPlay Receiver, which listens on 5000 and 7000; turn it off in " +
      'System Settings → General → AirDrop & Handoff, or use another port.',
  },
];

/** A sentence naming the system service when `proc` is a known holder of `port`, else null. */
export function knownSystemHolder(proc: ProcessInfo, port: number): string | null {
  const holder = KNOWN_HOLDERS.find((h) => h.name === proc.name && h.ports.includes(port));
  return holder?.explanation ?? null;
}
