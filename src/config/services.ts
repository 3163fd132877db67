/**
 * The services of a run: the file's services with the front end's settings applied, the
 * defaults filled in, and the rules across services checked (a port and a name belong to one
 * service; a required port; a start command or attach mode, never both; an existing working
 * directory).
 */
import { statSync } from 'node:fs';
import type { FileService } from './file-settings.js';
import { duplicates, fieldPath, type Problem } from './problems.js';
import {
  mergeSettings,
  settingName,
  settingOf,
  toServiceConfig,
  type ServiceConfig,
  type ServiceKey,
  type ServiceSettings,
  type Vocabulary,
} from './settings.js';

export interface ServicesInput {
  /** null: no config file, a single service from the front end alone. */
  fileServices: FileService[] | null;
  /** The file was named or found but could not be read: requirements cannot be judged. */
  fileUnreadable: boolean;
  /** Inputs or flags, merged. */
  override: ServiceSettings;
  /** Which of those were given, by the name the user gave them. */
  given: Map<ServiceKey, string>;
  /**
   * The front end that speaks last: a missing port or start outside the `services:` form is
   * named in its words (`--port` or `port`).
   */
  vocabulary: Vocabulary;
  processCwd: string;
  /** For the defaults that depend on it. */
  env: Record<string, string | undefined>;
}

/**
 * Flags and inputs describe one service. With several services in the file they cannot say
 * which one they mean, so only the settings the table scopes to every service are accepted.
 */
const forEveryService = (key: ServiceKey) => settingOf(key).scope === 'every-service';

export function resolveServices(input: ServicesInput): {
  services: ServiceConfig[];
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const sources = input.fileServices ?? [{ settings: {}, path: [], hasPort: false }];
  const several = sources.length > 1;
  const override = several ? runWideOverride(input, sources.length, problems) : input.override;

  const resolved: Array<{ config: ServiceConfig; path: PropertyKey[] }> = [];
  for (const source of sources) {
    if (source.settings === null) continue; // its problems are already reported
    const settings = mergeSettings(source.settings, override);
    const fromFront = (key: ServiceKey) => (several ? undefined : input.given.get(key));
    /** A key as the user gave it: its flag or input, else its path in the file. */
    const given = (key: ServiceKey) =>
      fromFront(key) ??
      (source.own === undefined || source.own.has(key)
        ? fieldPath([...source.path, key])
        : `${fieldPath([key])} (shared at the top level)`);
    /** A key nobody gave, as the user would give it: in the file's entry, else as the front end. */
    const missing = (key: ServiceKey) =>
      source.path.length > 0
        ? fieldPath([...source.path, key])
        : settingName(key, input.vocabulary);
    const startProblem = startOrAttach(settings, {
      refused: (['start', 'attach'] as const).some(
        (key) => fromFront(key) !== undefined && settings[key] === undefined,
      ),
      unknown: input.fileUnreadable,
      start: settings.start === undefined ? missing('start') : given('start'),
      attach: given('attach'),
      vocabulary: source.path.length > 0 ? 'file' : input.vocabulary,
    });
    if (startProblem) problems.push(startProblem);
    if (settings.port === undefined) {
      const portGiven = source.hasPort || fromFront('port') !== undefined;
      if (!portGiven && !input.fileUnreadable)
        problems.push({
          field: missing('port'),
          reason: 'is required: the port the backend listens on (1-65535)',
        });
      continue;
    }
    const config = toServiceConfig(
      { ...settings, port: settings.port },
      { cwd: input.processCwd, env: input.env },
    );
    if (!isDirectory(config.cwd))
      problems.push({
        field: fromFront('cwd') ?? fieldPath([...source.path, 'cwd']),
        reason: 'is not an existing directory',
        value: config.cwd,
      });
    resolved.push({ config, path: source.path });
  }
  problems.push(...acrossServices(resolved));
  return { services: resolved.map((r) => r.config), problems };
}

/**
 * A service either starts its backend or attaches to one started elsewhere (README, "Attach
 * mode"): never neither — an unset variable must not turn into attach mode — and never both.
 */
function startOrAttach(
  settings: ServiceSettings,
  where: {
    /** A front end gave start or attach and its value was refused (and reported). */
    refused: boolean;
    /** The config file could not be read: what it would give is unknown. */
    unknown: boolean;
    start: string;
    attach: string;
    vocabulary: Vocabulary | 'file';
  },
): Problem | null {
  const attach = settings.attach === true;
  if (settings.start !== undefined && attach)
    return {
      field: where.start,
      reason: `cannot be combined with ${where.attach}: attach mode starts nothing and checks a server started elsewhere; give one or the other`,
      value: settings.start,
    };
  if (settings.start !== undefined || attach || where.refused || where.unknown) return null;
  return { field: where.start, reason: MISSING_START[where.vocabulary] };
}

const MISSING_START: Record<Vocabulary | 'file', string> = {
  flag: 'is required unless --attach is given: give --start CMD (or start in the config file) to boot the backend, or --attach to check a server started elsewhere',
  input:
    'is required unless attach is true (an empty input counts as not given): give the command that boots the backend (or start in the config file), or attach: true to check a server started elsewhere',
  file: 'is required unless attach is true: give the command that boots this service, or attach: true to check a server started elsewhere',
};

function runWideOverride(
  input: ServicesInput,
  count: number,
  problems: Problem[],
): ServiceSettings {
  const override: ServiceSettings = {};
  for (const [key, field] of input.given) {
    if (forEveryService(key)) Object.assign(override, { [key]: input.override[key] });
    else
      problems.push({
        field,
        reason: `cannot be given when the config file lists ${count} services; set ${key} per service in the file`,
      });
  }
  return override;
}

function acrossServices(
  services: Array<{ config: ServiceConfig; path: PropertyKey[] }>,
): Problem[] {
  const clash = (
    key: 'port' | 'name',
    keyOf: (c: ServiceConfig) => string | number,
    rule: string,
  ) =>
    duplicates(services, (s) => keyOf(s.config)).map(({ index, firstIndex }): Problem => {
      const service = services[index] as (typeof services)[number];
      const first = services[firstIndex] as (typeof services)[number];
      return {
        field: fieldPath([...service.path, key]),
        reason: `is already the ${key} of ${fieldPath(first.path)} ("${first.config.name}"); ${rule}`,
        value: service.config[key],
      };
    });
  return [
    ...clash('port', (c) => c.port, 'each port belongs to one service'),
    ...clash('name', (c) => c.name.toLowerCase(), 'names must differ (ignoring case)'),
  ];
}

/** A missing working directory would otherwise surface later as a baffling spawn ENOENT. */
function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
