/**
 * The settings table: one row per setting, the single source every front end derives from — the
 * action inputs and CLI flags (names and readers), the config file's zod shape, the defaults and the
 * conversion to `ServiceConfig`, which values may carry a secret, `--help`, and the reproduce
 * command. docs/configuration.md, action.yml and the README are checked against it by tests.
 *
 * Adding a setting: one row here, then its use (the item that reads `service.config.<key>`).
 */
import path from 'node:path';
import { durationText, readDuration } from './duration.js';
import { endpointForm, endpointLine, readEndpointLine } from './endpoint-line.js';
import {
  DEFAULT_FORBID_LOG,
  type EndpointSpec,
  type HealthSpec,
  type OnConflict,
} from './types.js';
import { inDirectory, readWaitOn, type WaitOnResource } from './wait-on.js';
import {
  readBaseUrl,
  readBoolean,
  readEnvLine,
  readHealthPath,
  readMaxListeners,
  readOnConflict,
  readPort,
  readProbes,
  readRegex,
  readStart,
  readString,
} from './values.js';
import { DEFAULT_HEALTH_STATUS, sameStatus } from './status.js';

/** What a default may depend on: the folder the run starts in and its environment. */
export interface DefaultContext {
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * - `service`: per service; a flag or input can set it only when there is one service.
 * - `every-service`: per service in the file; a flag or input sets it for every service.
 * - `run`: one value for the whole run (top level of the file).
 */
export type Scope = 'service' | 'every-service' | 'run';

/**
 * One setting. `V` is its validated value (one item's for a list); `D` its default, which the
 * `ServiceConfig` type and the conversion take from here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row narrows them
export interface Setting<V = any, D = any> {
  /** Action input name. */
  input: string;
  /** CLI flag, with its dashes. */
  flag: string;
  /** The flag's value placeholder; absent for a switch, which sets `switchValue`. */
  arg?: string;
  switchValue?: 'true' | 'false';
  /** Repeatable flag, one item per input line, a list (or one string) in the file. */
  list?: boolean;
  scope: Scope;
  /**
   * Can carry a credential. Values from `${VAR}` are masked everywhere they appear, so a number,
   * boolean or choice is not (masking `port: ${PORT}` would blank the port from every report).
   */
  secret: boolean;
  /** A path: relative to the process cwd for flags and inputs, to the file's folder in the file. */
  path?: boolean;
  /** false: not a key of the config file (the file cannot name itself). */
  inFile?: boolean;
  /** One value (one item of a list) as text or YAML scalar → typed, or InvalidValue. */
  read: (value: unknown) => V;
  /** The items of a list → the setting's value (default: the list itself). */
  collect?: (items: V[]) => unknown;
  /** Completes the value once the service's working directory is known. */
  inService?: (value: never, service: { cwd: string }) => unknown;
  /** The `ServiceConfig` key when the validated value's name says its unit. */
  configKey?: string;
  default: (context: DefaultContext) => D;
  help: string;
  /** The default as `--help` shows it. */
  helpDefault: string;
  /**
   * The value back as flag text (one string per repetition), for the reproduce command; null
   * when flags cannot say it. Default: String(value), each item for a list.
   */
  toFlags?: (value: never, context: DefaultContext) => string[] | null;
  /** The value as the config file writes it, for the reproduce file. Default: as it is. */
  toFile?: (value: never, where: (target: string) => string) => unknown;
}

/** Keeps each row's own types (its reader's value, its default, its literal flags). */
const row = <const S extends Setting>(setting: S): S => setting;
const DURATION_HELP = '(500ms, 30s, 2m, or milliseconds)';
const duration = {
  read: readDuration,
  toFlags: (ms: number) => [durationText(ms)],
  toFile: durationText,
};

export const SETTINGS = {
  start: row({
    input: 'start',
    flag: '--start',
    arg: 'CMD',
    scope: 'service',
    secret: true,
    read: readStart,
    // '' only in attach mode; an empty command is refused at load time, never attach mode.
    default: () => '',
    help: 'command that starts the backend',
    helpDefault: 'none, required unless --attach',
  }),
  attach: row({
    input: 'attach',
    flag: '--attach',
    switchValue: 'true',
    scope: 'service',
    secret: false,
    read: readBoolean,
    default: () => false,
    help: 'attach mode: start nothing, check a server started elsewhere; never with --start',
    helpDefault: 'off',
  }),
  cwd: row({
    input: 'working-directory',
    flag: '--cwd',
    arg: 'DIR',
    scope: 'service',
    secret: true,
    path: true,
    read: (value) => readString(value),
    default: ({ cwd }) => cwd,
    help: 'working directory of the backend',
    helpDefault: '.',
    toFlags: (dir: string, { cwd }) => [shownPath(dir, cwd)],
    toFile: (dir: string, where) => where(dir),
  }),
  port: row({
    input: 'port',
    flag: '--port',
    arg: 'N',
    scope: 'service',
    secret: false,
    read: readPort,
    // Required: the loader reports a missing port before converting.
    default: () => 0,
    help: 'port the backend listens on (1-65535)',
    helpDefault: 'none, required',
  }),
  env: row({
    input: 'env',
    flag: '--env',
    arg: 'KEY=VALUE',
    list: true,
    scope: 'service',
    secret: true,
    read: readEnvLine,
    collect: (entries): Record<string, string> => Object.fromEntries(entries),
    default: (): Record<string, string> => ({}),
    help: 'environment variable for the backend (repeatable)',
    helpDefault: 'none',
    toFlags: (env: Record<string, string>) =>
      Object.entries(env).map(([name, value]) => `${name}=${value}`),
  }),
  shell: row({
    input: 'shell',
    flag: '--shell',
    arg: 'SHELL',
    scope: 'service',
    secret: true,
    read: (value) => readString(value),
    default: () => undefined,
    help: 'shell that runs the start command',
    helpDefault: '/bin/sh on POSIX, cmd.exe on Windows',
  }),
  readyTimeout: row({
    input: 'ready-timeout',
    flag: '--ready-timeout',
    arg: 'DURATION',
    scope: 'service',
    secret: false,
    ...duration,
    configKey: 'readyTimeoutMs',
    default: () => 60_000,
    help: `how long to wait for the backend to be ready ${DURATION_HELP}`,
    helpDefault: '60s',
  }),
  waitOn: row({
    input: 'wait-on',
    flag: '--wait-on',
    arg: 'RESOURCE',
    list: true,
    scope: 'service',
    secret: true,
    read: readWaitOn,
    inService: (resources: WaitOnResource[], { cwd }) => inDirectory(resources, cwd),
    default: (): WaitOnResource[] => [],
    help: 'also wait for this resource: tcp:PORT, http://URL, or a file (repeatable)',
    helpDefault: 'the health URL, else a TCP connect',
    toFlags: (resources: WaitOnResource[]) => resources.map((r) => r.text),
    toFile: (resources: WaitOnResource[]) => resources.map((r) => r.text),
  }),
  health: row({
    input: 'health-path',
    flag: '--health',
    arg: 'PATH',
    scope: 'service',
    secret: true,
    read: readHealthPath,
    default: (): HealthSpec | null => null,
    help: 'health endpoint path; must answer 200 with a JSON body',
    helpDefault: 'none',
    toFlags: (health: HealthSpec) => (isPlainHealth(health) ? [health.path] : null),
    toFile: (health: HealthSpec) => (isPlainHealth(health) ? health.path : health),
  }),
  baseUrl: row({
    input: 'base-url',
    flag: '--base-url',
    arg: 'URL',
    scope: 'service',
    secret: true,
    read: readBaseUrl,
    // Without trailing slash; null: derived from the listener's bind address.
    default: (): string | null => null,
    help: 'base URL for health and endpoint requests',
    helpDefault: "derived from the listener's address",
  }),
  endpoints: row({
    input: 'endpoints',
    flag: '--endpoint',
    arg: 'LINE',
    list: true,
    scope: 'service',
    secret: true,
    read: readEndpointLine,
    default: (): EndpointSpec[] => [],
    help: 'endpoint to check: "[METHOD] PATH [STATUS] [json]" (repeatable)',
    helpDefault: 'none',
    toFlags: (endpoints: EndpointSpec[]) => {
      const lines = endpoints.map(endpointLine);
      return lines.every((line) => line !== null) ? (lines as string[]) : null;
    },
    toFile: (endpoints: EndpointSpec[]) => endpoints.map((e) => endpointLine(e) ?? endpointForm(e)),
  }),
  probes: row({
    input: 'probes',
    flag: '--probes',
    arg: 'N',
    scope: 'service',
    secret: false,
    read: readProbes,
    default: () => 3,
    help: 'requests per endpoint, each on a fresh connection (1-100)',
    helpDefault: '3',
  }),
  maxListeners: row({
    input: 'max-listeners',
    flag: '--max-listeners',
    arg: 'N',
    scope: 'service',
    secret: false,
    read: readMaxListeners,
    default: () => 1,
    help: 'most listeners (servers) allowed on the port',
    helpDefault: '1',
  }),
  onConflict: row({
    input: 'on-conflict',
    flag: '--on-conflict',
    arg: 'POLICY',
    scope: 'service',
    secret: false,
    read: readOnConflict,
    default: (): OnConflict => 'fail',
    help: 'when the port is already held: fail, kill or ignore',
    helpDefault: 'fail',
  }),
  clearBytecode: row({
    input: 'clear-bytecode',
    flag: '--no-clear-bytecode',
    switchValue: 'false',
    scope: 'service',
    secret: false,
    read: readBoolean,
    default: () => true,
    help: 'keep Python __pycache__ and *.pyc files',
    helpDefault: 'they are cleared',
  }),
  expectLog: row({
    input: 'expect-log',
    flag: '--expect-log',
    arg: 'RE',
    list: true,
    scope: 'service',
    secret: true,
    read: readRegex,
    default: (): string[] => [],
    help: 'regular expression the backend log must match (repeatable)',
    helpDefault: 'none',
  }),
  forbidLog: row({
    input: 'forbid-log',
    flag: '--forbid-log',
    arg: 'RE',
    list: true,
    scope: 'service',
    secret: true,
    read: readRegex,
    default: (): string[] => [...DEFAULT_FORBID_LOG],
    help: 'regular expression the backend log must not match (repeatable)',
    helpDefault:
      'Python tracebacks and bind errors ("Address already in use", "Connection in use", EADDRINUSE, BindException, Windows 10048), ignoring case',
    // No flag says "none": an empty list is written in the file.
    toFlags: (patterns: string[]) => (patterns.length === 0 ? null : patterns),
  }),
  stopTimeout: row({
    input: 'stop-timeout',
    flag: '--stop-timeout',
    arg: 'DURATION',
    scope: 'service',
    secret: false,
    ...duration,
    configKey: 'stopTimeoutMs',
    default: () => 10_000,
    help: 'wait after SIGTERM before SIGKILL',
    helpDefault: '10s',
  }),
  settleTime: row({
    input: 'settle-time',
    flag: '--settle-time',
    arg: 'DURATION',
    scope: 'every-service',
    secret: false,
    ...duration,
    default: () => 100,
    help: `at teardown, the pause before each look for late forks of the stopped run ${DURATION_HELP}`,
    helpDefault: '100ms',
  }),
  keepRunning: row({
    input: 'keep-running',
    flag: '--keep-running',
    switchValue: 'true',
    scope: 'every-service',
    secret: false,
    read: readBoolean,
    default: () => false,
    help: 'leave the backend running (stop it later with the stop command)',
    helpDefault: 'off',
  }),
  config: row({
    input: 'config',
    flag: '--config',
    arg: 'FILE',
    scope: 'run',
    secret: true,
    path: true,
    inFile: false,
    read: (value) => readString(value),
    // Looked for in the working directory; used only when present.
    default: () => '.single-listener.yml',
    help: 'YAML config file',
    helpDefault: '.single-listener.yml in the working directory, when present',
  }),
  reportDir: row({
    input: 'report-dir',
    flag: '--report-dir',
    arg: 'DIR',
    scope: 'run',
    secret: true,
    path: true,
    read: (value) => readString(value),
    default: ({ cwd, env }) => defaultReportDir(env, cwd),
    help: 'where report.json, junit.xml and backend logs are written',
    helpDefault: '$RUNNER_TEMP/single-listener-check, else .single-listener-check',
    toFlags: (dir: string, { cwd }) => [shownPath(dir, cwd)],
  }),
};

type Table = typeof SETTINGS;
export type SettingKey = keyof Table;
/** Settings of the whole run rather than of one service. */
export type RunKey = { [K in SettingKey]: Table[K]['scope'] extends 'run' ? K : never }[SettingKey];
export type ServiceKey = Exclude<SettingKey, RunKey>;

/** The validated value of a setting (the collected list for a list setting). */
type ItemOf<K extends SettingKey> = ReturnType<Table[K]['read']>;
type ValueOf<K extends SettingKey> = Table[K] extends { collect: (items: never) => infer C }
  ? C
  : Table[K] extends { list: true }
    ? Array<ItemOf<K>>
    : ItemOf<K>;
type DefaultOf<K extends SettingKey> = ReturnType<Table[K]['default']>;
type ConfigKeyOf<K extends SettingKey> = Table[K] extends { configKey: infer C extends string }
  ? C
  : K;

/** One service's settings before the defaults: every key optional, values already typed. */
export type ServiceSettings = { name?: string } & { [K in ServiceKey]?: ValueOf<K> };

type Resolved<K extends ServiceKey> = ValueOf<K> | DefaultOf<K>;
type OptionalKey = { [K in ServiceKey]: undefined extends Resolved<K> ? K : never }[ServiceKey];
/** One service's settings after validation, with the defaults applied: what the checklist runs. */
export type ServiceConfig = { name: string } & {
  [K in Exclude<ServiceKey, OptionalKey> as ConfigKeyOf<K>]: Resolved<K>;
} & { [K in OptionalKey as ConfigKeyOf<K>]?: Exclude<Resolved<K>, undefined> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const SERVICE_KEYS = SETTING_KEYS.filter(
  (key) => SETTINGS[key].scope !== 'run',
) as ServiceKey[];

/** The table as rows in order, each with its key, for code that walks every setting. */
export const SETTING_ROWS: ReadonlyArray<Setting<unknown, unknown> & { key: SettingKey }> =
  SETTING_KEYS.map((key) => ({ key, ...SETTINGS[key] }));

/** A row, without the per-row types. */
export function settingOf(key: SettingKey): Setting<unknown, unknown> {
  return SETTINGS[key];
}

/** The `ServiceConfig` key a setting's value sits under. */
export function configKeyOf(key: ServiceKey): string {
  return settingOf(key).configKey ?? key;
}

/** Which name a front end's user knows a setting by. */
export type Vocabulary = 'input' | 'flag';

export function settingName(key: SettingKey, vocabulary: Vocabulary): string {
  return settingOf(key)[vocabulary];
}

/** The default service name, for a run without a config file's `name`. */
export const DEFAULT_SERVICE_NAME = 'backend';

/**
 * `over` wins key by key; `env` maps are merged (a service adds to shared variables rather
 * than replacing them); lists such as endpoints are replaced whole.
 */
export function mergeSettings(base: ServiceSettings, over: ServiceSettings): ServiceSettings {
  const merged: ServiceSettings = { ...base, ...over };
  if (base.env !== undefined && over.env !== undefined) merged.env = { ...base.env, ...over.env };
  return merged;
}

/** Merged settings → the ServiceConfig the checklist runs, every missing key its default. */
export function toServiceConfig(
  settings: ServiceSettings & { port: number },
  context: DefaultContext,
): ServiceConfig {
  const config: Record<string, unknown> = { name: settings.name ?? DEFAULT_SERVICE_NAME };
  const cwd = settings.cwd ?? context.cwd;
  for (const key of SERVICE_KEYS) {
    const setting = settingOf(key);
    const value = settings[key] ?? setting.default(context);
    if (value !== undefined)
      config[configKeyOf(key)] = setting.inService
        ? setting.inService(value as never, { cwd })
        : value;
  }
  return config as ServiceConfig;
}

/** `$RUNNER_TEMP/single-listener-check` on a runner, else `.single-listener-check` under `cwd`. */
export function defaultReportDir(env: Record<string, string | undefined>, cwd: string): string {
  const runnerTemp = env.RUNNER_TEMP;
  return runnerTemp
    ? path.resolve(cwd, runnerTemp, 'single-listener-check')
    : path.resolve(cwd, '.single-listener-check');
}

function isPlainHealth(health: HealthSpec): boolean {
  return sameStatus(health.status, DEFAULT_HEALTH_STATUS) && health.json;
}

/** A path as a command line shows it: from the folder the run started in when inside it. */
export function shownPath(target: string, cwd: string): string {
  return isWithin(target, cwd) ? path.relative(cwd, target) || '.' : target;
}

export function isWithin(target: string, root: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
