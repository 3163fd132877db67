/**
 * The command that reproduces a run (README, "Reproduce locally"): every setting the run used,
 * run from the folder the run started in. One line of flags when flags can say it all; else
 * the settings as a config file — the same file written with the reports as
 * `<report-dir>/reproduce.single-listener.yml` — recreated by the command itself, so the job
 * summary alone is enough to rerun. A secret that came from `${VAR}` is written as `${VAR}`,
 * never as its value.
 */
import path from 'node:path';
import {
  DEFAULT_ENDPOINT_STATUS,
  DEFAULT_FORBID_LOG,
  DEFAULT_HEALTH_STATUS,
  DEFAULT_MAX_LISTENERS,
  DEFAULT_PROBES,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_SERVICE_NAME,
  DEFAULT_STOP_TIMEOUT_MS,
  defaultReportDir,
} from '../config/defaults.js';
import { settingName, type SettingKey } from '../config/settings.js';
import type {
  Config,
  EndpointSpec,
  SecretReference,
  ServiceConfig,
  StatusSpec,
} from '../config/types.js';

/** The file name of the written settings, in the report folder. */
export const REPRODUCE_FILE = 'reproduce.single-listener.yml';
/** How the command starts the program; what follows are its arguments. */
export const REPRODUCE_PROGRAM = 'npx single-listener-check run';
const HEREDOC_END = 'SINGLE_LISTENER_CHECK_SETTINGS';
/** Settings longer than this are not repeated in the command (the summary has a size budget). */
export const MAX_INLINE_SETTINGS = 32 * 1024;

/** Where the run started (relative paths are written from here) and its environment. */
export interface ReproduceContext {
  cwd: string;
  env: Record<string, string | undefined>;
}

const here = (): ReproduceContext => ({ cwd: process.cwd(), env: process.env });

/** POSIX shell quoting: safe to paste into a terminal. */
export function shellQuote(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function reproduceCommand(config: Config, context: ReproduceContext = here()): string {
  const flags = asFlags(config, context);
  if (flags !== null) return [REPRODUCE_PROGRAM, ...flags].join(' ');
  // The report folder when the run chose one; else the local default (a runner's RUNNER_TEMP
  // does not exist on a laptop), used only as the place for the file.
  const dir = carriesReportDir(config, context)
    ? config.reportDir
    : defaultReportDir({}, context.cwd);
  const file = shellQuote(shown(path.join(dir, REPRODUCE_FILE), context.cwd));
  const yaml = reproduceFile(config, dir, context);
  // Too long for a job summary to show whole: name the copy written with the reports instead.
  if (yaml.length > MAX_INLINE_SETTINGS) {
    const written = path.join(config.reportDir, REPRODUCE_FILE);
    return `${REPRODUCE_PROGRAM} --config ${shellQuote(shown(written, context.cwd))}`;
  }
  let end = HEREDOC_END;
  while (yaml.split('\n').includes(end)) end += '_';
  return [
    `mkdir -p ${shellQuote(shown(dir, context.cwd))} && cat > ${file} <<'${end}'`,
    `${yaml}${end}`,
    `${REPRODUCE_PROGRAM} --config ${file}`,
  ].join('\n');
}

/**
 * The run's settings as a config file placed in `fileDir`: relative paths in it start there, as
 * the loader reads them. Defaults are left out; strings are written so the loader's `${VAR}`
 * interpolation gives them back exactly (`$${` for a literal `${`).
 */
export function reproduceFile(
  config: Config,
  fileDir: string,
  context: ReproduceContext = here(),
): string {
  const where = (target: string) => relativePath(fileDir, target, context.cwd);
  const several = config.services.length > 1;
  const services = config.services.map((s) => serviceData(s, several, where, context.cwd));
  const data: Record<string, unknown> = several ? { services } : { ...services[0] };
  if (carriesReportDir(config, context)) data.reportDir = where(config.reportDir);
  const references = config.references ?? [];
  const names = [...new Set(references.map((r) => r.name))];
  const header = [
    '# The settings of a single-listener-check run (README, "Reproduce locally").',
    ...(names.length > 0
      ? [`# Secrets are read from the environment: set ${names.join(', ')} first.`]
      : []),
  ];
  const lines = emitMapping(encodeStrings(data, references) as Record<string, unknown>, 0);
  return [...header, ...lines, ''].join('\n');
}

/** The report folder is written when it is not the one the rerun would pick by itself. */
function carriesReportDir(config: Config, context: ReproduceContext): boolean {
  return config.reportDir !== defaultReportDir(context.env, context.cwd);
}

/** Flags for a run that flags can express exactly; null otherwise. */
function asFlags(config: Config, context: ReproduceContext): string[] | null {
  const [s] = config.services;
  if (
    s === undefined ||
    config.services.length > 1 ||
    // A config file may hold more than flags say, and a rerun would read the default one again.
    config.configPath !== null ||
    (config.references ?? []).length > 0 ||
    s.name !== DEFAULT_SERVICE_NAME ||
    (s.health !== null && !(sameStatus(s.health.status, DEFAULT_HEALTH_STATUS) && s.health.json)) ||
    s.forbidLog.length === 0
  )
    return null;
  const endpoints = s.endpoints.map(endpointLine);
  if (endpoints.some((line) => line === null)) return null;

  const words: string[] = [];
  const add = (key: SettingKey, value?: string) => {
    const flag = settingName(key, 'flag');
    if (value === undefined) words.push(flag);
    // `--flag=-x`: a value starting with a dash would be read as a flag.
    else
      words.push(
        value.startsWith('-') ? `${flag}=${shellQuote(value)}` : `${flag} ${shellQuote(value)}`,
      );
  };
  if (s.attach) add('attach');
  else add('start', s.start);
  if (s.cwd !== context.cwd) add('cwd', shown(s.cwd, context.cwd));
  add('port', String(s.port));
  for (const [name, value] of Object.entries(s.env)) add('env', `${name}=${value}`);
  if (s.shell !== undefined) add('shell', s.shell);
  if (s.readyTimeoutMs !== DEFAULT_READY_TIMEOUT_MS)
    add('readyTimeout', durationText(s.readyTimeoutMs));
  for (const resource of s.waitOn) add('waitOn', resource);
  if (s.health !== null) add('health', s.health.path);
  if (s.baseUrl !== null) add('baseUrl', s.baseUrl);
  for (const line of endpoints) add('endpoints', line as string);
  if (s.probes !== DEFAULT_PROBES) add('probes', String(s.probes));
  if (s.maxListeners !== DEFAULT_MAX_LISTENERS) add('maxListeners', String(s.maxListeners));
  if (s.onConflict !== 'fail') add('onConflict', s.onConflict);
  if (!s.clearBytecode) add('clearBytecode');
  for (const pattern of s.expectLog) add('expectLog', pattern);
  if (!sameList(s.forbidLog, DEFAULT_FORBID_LOG))
    for (const pattern of s.forbidLog) add('forbidLog', pattern);
  if (s.stopTimeoutMs !== DEFAULT_STOP_TIMEOUT_MS)
    add('stopTimeout', durationText(s.stopTimeoutMs));
  if (s.keepRunning) add('keepRunning');
  if (carriesReportDir(config, context)) add('reportDir', shown(config.reportDir, context.cwd));
  // The summary shows the command as text: a control character would not survive a copy.
  return words.some((word) => CONTROL.test(word)) ? null : words;
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** `[METHOD] PATH [STATUS] [json]` when the line says all of the endpoint; null otherwise. */
function endpointLine(e: EndpointSpec): string | null {
  const { status, json, ...checks } = e.expect;
  if (
    e.name !== `${e.method} ${e.path}` ||
    Object.keys(e.headers).length > 0 ||
    e.body !== undefined ||
    Object.values(checks).some((check) => check !== undefined)
  )
    return null;
  const statusText = sameStatus(status, DEFAULT_ENDPOINT_STATUS) ? [] : [status.join(',')];
  return [e.method, e.path, ...statusText, ...(json ? ['json'] : [])].join(' ');
}

function serviceData(
  s: ServiceConfig,
  several: boolean,
  where: (target: string) => string,
  cwd: string,
): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (several || s.name !== DEFAULT_SERVICE_NAME) d.name = s.name;
  if (s.attach) d.attach = true;
  else d.start = s.start;
  // A service without cwd runs in the folder the run starts in.
  if (s.cwd !== cwd) d.cwd = where(s.cwd);
  d.port = s.port;
  if (Object.keys(s.env).length > 0) d.env = s.env;
  if (s.shell !== undefined) d.shell = s.shell;
  if (s.readyTimeoutMs !== DEFAULT_READY_TIMEOUT_MS)
    d.readyTimeout = durationText(s.readyTimeoutMs);
  if (s.waitOn.length > 0) d.waitOn = s.waitOn;
  if (s.health !== null)
    d.health =
      sameStatus(s.health.status, DEFAULT_HEALTH_STATUS) && s.health.json
        ? s.health.path
        : { path: s.health.path, status: s.health.status, json: s.health.json };
  if (s.baseUrl !== null) d.baseUrl = s.baseUrl;
  if (s.endpoints.length > 0)
    d.endpoints = s.endpoints.map((e) => endpointLine(e) ?? endpointData(e));
  if (s.probes !== DEFAULT_PROBES) d.probes = s.probes;
  if (s.maxListeners !== DEFAULT_MAX_LISTENERS) d.maxListeners = s.maxListeners;
  if (s.onConflict !== 'fail') d.onConflict = s.onConflict;
  if (!s.clearBytecode) d.clearBytecode = false;
  if (s.expectLog.length > 0) d.expectLog = s.expectLog;
  if (!sameList(s.forbidLog, DEFAULT_FORBID_LOG)) d.forbidLog = s.forbidLog;
  if (s.stopTimeoutMs !== DEFAULT_STOP_TIMEOUT_MS) d.stopTimeout = durationText(s.stopTimeoutMs);
  if (s.keepRunning) d.keepRunning = true;
  return d;
}

function endpointData(e: EndpointSpec): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (e.name !== `${e.method} ${e.path}`) d.name = e.name;
  if (e.method !== 'GET') d.method = e.method;
  d.path = e.path;
  let headers = e.headers;
  let body: unknown = e.body;
  // A mapping body was sent as JSON with the content type the loader added: write it back as
  // the mapping, so the loader adds that header again (rather than as a header the user wrote).
  const { 'content-type': contentType, ...others } = headers;
  const parsed = contentType === 'application/json' ? jsonObject(e.body) : undefined;
  if (parsed !== undefined) {
    headers = others;
    body = parsed;
  }
  if (Object.keys(headers).length > 0) d.headers = headers;
  if (body !== undefined) d.body = body;
  const { status, json, ...checks } = e.expect;
  const expect: Record<string, unknown> = {};
  if (!sameStatus(status, DEFAULT_ENDPOINT_STATUS)) expect.status = status;
  if (json) expect.json = true;
  for (const [key, value] of Object.entries(checks)) if (value !== undefined) expect[key] = value;
  if (Object.keys(expect).length > 0) d.expect = expect;
  return d;
}

/** The mapping or list `text` is the JSON of (exactly as the loader serialises it), if any. */
function jsonObject(text: string | undefined): object | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && JSON.stringify(value) === text
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every string value (keys are never interpolated) as the loader must read it: each secret's
 * value as its `${NAME}`, and a literal `${` as `$${`.
 */
function encodeStrings(value: unknown, references: readonly SecretReference[]): unknown {
  if (typeof value === 'string') return encodeString(value, references);
  if (Array.isArray(value)) return value.map((item) => encodeStrings(item, references));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, encodeStrings(item, references)]),
    );
  return value;
}

export function encodeString(text: string, references: readonly SecretReference[]): string {
  const longestFirst = [...references].sort((a, b) => b.value.length - a.value.length);
  const escape = (literal: string) => literal.replace(/\$\{/g, () => '$${');
  let out = '';
  let literal = '';
  for (let at = 0; at < text.length;) {
    const found = longestFirst.find((r) => r.value !== '' && text.startsWith(r.value, at));
    // `$` right before `${NAME}` would read as `$${`: no reference can follow a literal `$`.
    if (found !== undefined && !literal.endsWith('$')) {
      out += `${escape(literal)}\${${found.name}}`;
      literal = '';
      at += found.value.length;
    } else {
      literal += text[at];
      at += 1;
    }
  }
  return out + escape(literal);
}

/**
 * YAML in block style, every scalar written as JSON (which YAML reads as it is), with the
 * characters YAML does not allow raw escaped: one line per value, whatever the text holds.
 */
function emitMapping(map: Record<string, unknown>, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return Object.entries(map).flatMap(([key, value]) => {
    const head = `${pad}${yamlKey(key)}:`;
    if (isBlock(value)) return [head, ...emitBlock(value, indent + 2)];
    return [`${head} ${yamlScalar(value)}`];
  });
}

function emitBlock(value: object, indent: number): string[] {
  if (!Array.isArray(value)) return emitMapping(value as Record<string, unknown>, indent);
  const pad = ' '.repeat(indent);
  return value.flatMap((item: unknown) => {
    if (!isBlock(item)) return [`${pad}- ${yamlScalar(item)}`];
    const [first = '', ...rest] = emitBlock(item, indent + 2);
    return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
  });
}

/** A non-empty list or mapping: written as a block (empty ones are written `[]`, `{}`). */
function isBlock(value: unknown): value is object {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

function yamlScalar(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Plain when YAML reads it back as the same string, else quoted. */
function yamlKey(key: string): string {
  const plain =
    /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(key);
  return plain ? key : yamlScalar(key);
}

/** A path from the file's folder when both lie in the project (the folder the run started in), else absolute. */
function relativePath(fileDir: string, target: string, project: string): string {
  return within(fileDir, project) && within(target, project)
    ? path.relative(fileDir, target) || '.'
    : target;
}

/** A path as the command shows it: from the folder the run started in when inside it. */
function shown(target: string, cwd: string): string {
  return within(target, cwd) ? path.relative(cwd, target) || '.' : target;
}

function within(target: string, root: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function sameStatus(a: StatusSpec, b: StatusSpec): boolean {
  return sameList(a.map(String), b.map(String));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** `30s`, `2m`, `1500ms`: what the readers take back to the same milliseconds. */
function durationText(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
