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
  configKeyOf,
  DEFAULT_SERVICE_NAME,
  defaultReportDir,
  isWithin,
  SERVICE_KEYS,
  settingOf,
  shownPath,
  type DefaultContext,
  type SettingKey,
} from '../config/settings.js';
import type { Config, SecretReference, ServiceConfig } from '../config/types.js';

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
  const file = shellQuote(shownPath(path.join(dir, REPRODUCE_FILE), context.cwd));
  const yaml = reproduceFile(config, dir, context);
  // Too long for a job summary to show whole: name the copy written with the reports instead.
  if (yaml.length > MAX_INLINE_SETTINGS) {
    const written = path.join(config.reportDir, REPRODUCE_FILE);
    return `${REPRODUCE_PROGRAM} --config ${shellQuote(shownPath(written, context.cwd))}`;
  }
  let end = HEREDOC_END;
  while (yaml.split('\n').includes(end)) end += '_';
  return [
    `mkdir -p ${shellQuote(shownPath(dir, context.cwd))} && cat > ${file} <<'${end}'`,
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

/** A service's settings that differ from their defaults, in the table's order. */
function changed(s: ServiceConfig, context: DefaultContext): Array<[SettingKey, unknown]> {
  const values = s as unknown as Record<string, unknown>;
  return SERVICE_KEYS.map((key): [SettingKey, unknown] => [key, values[configKeyOf(key)]]).filter(
    ([key, value]) =>
      value !== undefined &&
      JSON.stringify(value) !== JSON.stringify(settingOf(key).default(context)),
  );
}

/** A setting's value as its flag's words (one per repetition); null when flags cannot say it. */
function flagTexts(key: SettingKey, value: unknown, context: DefaultContext): string[] | null {
  const setting = settingOf(key);
  if (setting.arg === undefined) return value === (setting.switchValue === 'true') ? [] : null;
  if (setting.toFlags) return setting.toFlags(value as never, context);
  return Array.isArray(value) ? value.map(String) : [String(value)];
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
    s.name !== DEFAULT_SERVICE_NAME
  )
    return null;
  // The port and the start command never equal their defaults (none): they are always said.
  const settings = changed(s, context);
  if (carriesReportDir(config, context)) settings.push(['reportDir', config.reportDir]);

  const words: string[] = [];
  for (const [key, value] of settings) {
    const texts = flagTexts(key, value, context);
    if (texts === null) return null;
    const flag = settingOf(key).flag;
    if (texts.length === 0) words.push(flag);
    // `--flag=-x`: a value starting with a dash would be read as a flag.
    for (const text of texts)
      words.push(
        text.startsWith('-') ? `${flag}=${shellQuote(text)}` : `${flag} ${shellQuote(text)}`,
      );
  }
  // The summary shows the command as text: a control character would not survive a copy.
  return words.some((word) => CONTROL.test(word)) ? null : words;
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function serviceData(
  s: ServiceConfig,
  several: boolean,
  where: (target: string) => string,
  cwd: string,
): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (several || s.name !== DEFAULT_SERVICE_NAME) d.name = s.name;
  for (const [key, value] of changed(s, { cwd, env: {} })) {
    const form = settingOf(key).toFile;
    d[key] = form ? form(value as never, where) : value;
  }
  return d;
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
  return isWithin(fileDir, project) && isWithin(target, project)
    ? path.relative(fileDir, target) || '.'
    : target;
}
