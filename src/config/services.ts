/**
 * The services of a run: the file's services with the front end's settings applied, the
 * defaults filled in, and the rules across services checked (a port and a name belong to one
 * service; a required port; an existing working directory).
 */
import { statSync } from 'node:fs';
import { DEFAULT_SERVICE_NAME } from './defaults.js';
import type { FileService } from './file-settings.js';
import { fieldPath, type Problem } from './problems.js';
import { toServiceConfig } from './resolve.js';
import { mergeSettings, type ServiceKey, type ServiceSettings } from './settings.js';
import type { ServiceConfig } from './types.js';
import { duplicates } from './unique.js';

export interface ServicesInput {
  /** null: no config file, a single service from the front end alone. */
  fileServices: FileService[] | null;
  /** The file was named or found but could not be read: requirements cannot be judged. */
  fileUnreadable: boolean;
  /** Inputs or flags, merged. */
  override: ServiceSettings;
  /** Which of those were given, by the name the user gave them. */
  given: Map<ServiceKey, string>;
  /** `--port` or `port`, for a missing port outside the `services:` form. */
  portLabel: string;
  processCwd: string;
}

/**
 * Flags and inputs describe one service. With several services in the file they cannot say
 * which one they mean, so only `keep-running` (a choice about the whole run) is accepted.
 */
const RUN_WIDE: ReadonlySet<ServiceKey> = new Set<ServiceKey>(['keepRunning']);

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
    if (settings.port === undefined) {
      const portGiven = source.hasPort || fromFront('port') !== undefined;
      if (!portGiven && !input.fileUnreadable)
        problems.push({
          field: source.path.length > 0 ? fieldPath([...source.path, 'port']) : input.portLabel,
          reason: 'is required: the port the backend listens on (1-65535)',
        });
      continue;
    }
    const config = toServiceConfig(
      { ...settings, port: settings.port, name: settings.name ?? DEFAULT_SERVICE_NAME },
      input.processCwd,
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

function runWideOverride(
  input: ServicesInput,
  count: number,
  problems: Problem[],
): ServiceSettings {
  const override: ServiceSettings = {};
  for (const [key, field] of input.given) {
    if (RUN_WIDE.has(key)) Object.assign(override, { [key]: input.override[key] });
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
