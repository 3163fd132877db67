/**
 * The settings table of docs/configuration.md as data: one row per setting with its config-file
 * key, action input and CLI flag. The action inputs, the flags and `--help` are all derived from
 * it, so the three vocabularies cannot drift apart.
 */
import type { EndpointSpec, HealthSpec, OnConflict } from './types.js';

/** One service's settings as a source gives them: every key optional, values already typed. */
export interface ServiceSettings {
  name?: string;
  start?: string;
  attach?: boolean;
  /** Absolute once the source has resolved it against its own base directory. */
  cwd?: string;
  port?: number;
  env?: Record<string, string>;
  shell?: string;
  readyTimeout?: number;
  waitOn?: string[];
  health?: HealthSpec;
  baseUrl?: string;
  endpoints?: EndpointSpec[];
  probes?: number;
  maxListeners?: number;
  onConflict?: OnConflict;
  clearBytecode?: boolean;
  expectLog?: string[];
  forbidLog?: string[];
  stopTimeout?: number;
  keepRunning?: boolean;
}

export type ServiceKey = Exclude<keyof ServiceSettings, 'name'>;
/** Settings of the whole run rather than of one service. */
export type GlobalKey = 'config' | 'reportDir';
export type SettingKey = ServiceKey | GlobalKey;
/** Multi-line inputs and repeatable flags: one item per line or per flag. */
export type ListKey = 'env' | 'waitOn' | 'endpoints' | 'expectLog' | 'forbidLog';

/** Settings as text, before reading: what the action inputs and the CLI flags produce. */
export type RawSettings = { [K in Exclude<SettingKey, ListKey>]?: string } & {
  [K in ListKey]?: string[];
};

export interface Setting {
  key: SettingKey;
  /** Action input name. */
  input: string;
  /** CLI flag, with its dashes. */
  flag: string;
  /** The flag's value placeholder; absent for a switch, which sets `switchValue`. */
  arg?: string;
  switchValue?: 'true' | 'false';
  repeatable?: boolean;
  help: string;
  /** As `--help` shows it. */
  default: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: 'start',
    input: 'start',
    flag: '--start',
    arg: 'CMD',
    help: 'command that starts the backend',
    default: 'none, required unless --attach',
  },
  {
    key: 'attach',
    input: 'attach',
    flag: '--attach',
    switchValue: 'true',
    help: 'attach mode: start nothing, check a server started elsewhere; never with --start',
    default: 'off',
  },
  {
    key: 'cwd',
    input: 'working-directory',
    flag: '--cwd',
    arg: 'DIR',
    help: 'working directory of the backend',
    default: '.',
  },
  {
    key: 'port',
    input: 'port',
    flag: '--port',
    arg: 'N',
    help: 'port the backend listens on (1-65535)',
    default: 'none, required',
  },
  {
    key: 'env',
    input: 'env',
    flag: '--env',
    arg: 'KEY=VALUE',
    repeatable: true,
    help: 'environment variable for the backend (repeatable)',
    default: 'none',
  },
  {
    key: 'shell',
    input: 'shell',
    flag: '--shell',
    arg: 'SHELL',
    help: 'shell that runs the start command',
    default: '/bin/sh on POSIX, cmd.exe on Windows',
  },
  {
    key: 'readyTimeout',
    input: 'ready-timeout',
    flag: '--ready-timeout',
    arg: 'DURATION',
    help: 'how long to wait for the backend to be ready (500ms, 30s, 2m, or milliseconds)',
    default: '60s',
  },
  {
    key: 'waitOn',
    input: 'wait-on',
    flag: '--wait-on',
    arg: 'RESOURCE',
    repeatable: true,
    help: 'also wait for this resource: tcp:PORT, http://URL, or a file (repeatable)',
    default: 'the health URL, else a TCP connect',
  },
  {
    key: 'health',
    input: 'health-path',
    flag: '--health',
    arg: 'PATH',
    help: 'health endpoint path; must answer 200 with a JSON body',
    default: 'none',
  },
  {
    key: 'baseUrl',
    input: 'base-url',
    flag: '--base-url',
    arg: 'URL',
    help: 'base URL for health and endpoint requests',
    default: "derived from the listener's address",
  },
  {
    key: 'endpoints',
    input: 'endpoints',
    flag: '--endpoint',
    arg: 'LINE',
    repeatable: true,
    help: 'endpoint to check: "[METHOD] PATH [STATUS] [json]" (repeatable)',
    default: 'none',
  },
  {
    key: 'probes',
    input: 'probes',
    flag: '--probes',
    arg: 'N',
    help: 'requests per endpoint, each on a fresh connection (1-100)',
    default: '3',
  },
  {
    key: 'maxListeners',
    input: 'max-listeners',
    flag: '--max-listeners',
    arg: 'N',
    help: 'most listeners (servers) allowed on the port',
    default: '1',
  },
  {
    key: 'onConflict',
    input: 'on-conflict',
    flag: '--on-conflict',
    arg: 'POLICY',
    help: 'when the port is already held: fail, kill or ignore',
    default: 'fail',
  },
  {
    key: 'clearBytecode',
    input: 'clear-bytecode',
    flag: '--no-clear-bytecode',
    switchValue: 'false',
    help: 'keep Python __pycache__ and *.pyc files',
    default: 'they are cleared',
  },
  {
    key: 'expectLog',
    input: 'expect-log',
    flag: '--expect-log',
    arg: 'RE',
    repeatable: true,
    help: 'regular expression the backend log must match (repeatable)',
    default: 'none',
  },
  {
    key: 'forbidLog',
    input: 'forbid-log',
    flag: '--forbid-log',
    arg: 'RE',
    repeatable: true,
    help: 'regular expression the backend log must not match (repeatable)',
    default:
      'Python tracebacks and bind errors ("Address already in use", "Connection in use", EADDRINUSE, BindException, Windows 10048), ignoring case',
  },
  {
    key: 'stopTimeout',
    input: 'stop-timeout',
    flag: '--stop-timeout',
    arg: 'DURATION',
    help: 'wait after SIGTERM before SIGKILL',
    default: '10s',
  },
  {
    key: 'keepRunning',
    input: 'keep-running',
    flag: '--keep-running',
    switchValue: 'true',
    help: 'leave the backend running (stop it later with the stop command)',
    default: 'off',
  },
  {
    key: 'config',
    input: 'config',
    flag: '--config',
    arg: 'FILE',
    help: 'YAML config file',
    default: '.single-listener.yml in the working directory, when present',
  },
  {
    key: 'reportDir',
    input: 'report-dir',
    flag: '--report-dir',
    arg: 'DIR',
    help: 'where report.json, junit.xml and backend logs are written',
    default: '$RUNNER_TEMP/single-listener-check, else .single-listener-check',
  },
];

/** Which name a front end's user knows a setting by. */
export type Vocabulary = 'input' | 'flag';

export function settingName(key: SettingKey, vocabulary: Vocabulary): string {
  const setting = SETTINGS.find((s) => s.key === key) as Setting;
  return setting[vocabulary];
}

export const LIST_KEYS: ReadonlySet<SettingKey> = new Set<ListKey>([
  'env',
  'waitOn',
  'endpoints',
  'expectLog',
  'forbidLog',
]);

/**
 * `over` wins key by key; `env` maps are merged (a service adds to shared variables rather
 * than replacing them); lists such as endpoints are replaced whole.
 */
export function mergeSettings(base: ServiceSettings, over: ServiceSettings): ServiceSettings {
  const merged: ServiceSettings = { ...base, ...over };
  if (base.env !== undefined && over.env !== undefined) merged.env = { ...base.env, ...over.env };
  return merged;
}
