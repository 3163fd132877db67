/** The command that reproduces a run locally, shown in the summary (secrets are redacted later). */
import path from 'node:path';
import type { Config, ServiceConfig } from '../config/types.js';

/** POSIX shell quoting: safe to paste into a terminal. */
export function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function reproduceCommand(config: Config): string {
  const base = 'npx single-listener-check run';
  const cwd = process.cwd();
  if (config.configPath)
    return `${base} --config ${shellQuote(path.relative(cwd, config.configPath) || '.')}`;
  const [service] = config.services;
  return service ? `${base} ${serviceFlags(service, cwd).join(' ')}` : base;
}

function serviceFlags(s: ServiceConfig, cwd: string): string[] {
  const flags: [string, string | undefined][] = [
    ['--port', String(s.port)],
    ['--start', s.attach ? undefined : s.start],
    ['--cwd', path.relative(cwd, s.cwd) || undefined],
    ['--health', s.health?.path],
    ...s.endpoints.map((e): [string, string] => ['--endpoint', `${e.method} ${e.path}`]),
  ];
  const words = flags.flatMap(([flag, value]) =>
    value === undefined ? [] : [flag, shellQuote(value)],
  );
  return s.attach ? [...words, '--attach'] : words;
}
