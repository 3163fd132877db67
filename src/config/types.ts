/**
 * The one validated configuration every front end produces and the checklist consumes
 * (docs/configuration.md). A service's part, `ServiceConfig`, is derived from the settings table.
 */
import type { ServiceConfig } from './settings.js';

export type { ServiceConfig } from './settings.js';
export type { WaitOnResource } from './wait-on.js';

/** A status expectation: exact codes and/or classes ('2xx'). Matches when any entry matches. */
export type StatusSpec = Array<number | `${1 | 2 | 3 | 4 | 5}xx`>;

export interface Expectation {
  status: StatusSpec;
  /** Require a JSON body with a JSON content type. */
  json: boolean;
  /** Dotted path (array indexes as numbers) → expected value; '*' only requires presence. */
  jsonPath?: Record<string, unknown>;
  bodyContains?: string[];
  /** Regular expression sources, validated at load time. */
  bodyMatches?: string[];
  /** Response header name → substring expected in its value (case-insensitive). */
  headers?: Record<string, string>;
  /** Latency budget per request. */
  maxMs?: number;
}

export interface EndpointSpec {
  /** Display name; the item id is `endpoint:<name>`. Defaults to `<METHOD> <path>`. */
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Sent as is; an object in the config file is serialised to JSON (with a JSON content type). */
  body?: string;
  expect: Expectation;
}

export interface HealthSpec {
  path: string;
  status: StatusSpec;
  json: boolean;
}

export type OnConflict = 'fail' | 'kill' | 'ignore';

export interface Config {
  services: ServiceConfig[];
  /** Absolute path. */
  reportDir: string;
  /** Values to mask and redact: everything interpolated from ${VAR} and every request header value. */
  secrets: string[];
  /** The config file that was read, if any. */
  configPath: string | null;
  /**
   * The variables the secrets from `${VAR}` came from (absent: none). The reproduce command and
   * file write `${NAME}` where such a value was, never the value.
   */
  references?: SecretReference[];
}

/** A secret and the variable it came from (`${NAME}` in the config file). */
export interface SecretReference {
  name: string;
  value: string;
}

/**
 * The default `forbid-log` patterns: Python tracebacks and the common bind errors
 * (docs/configuration.md, "Log patterns"). The log capture matches these ignoring case
 * (`Address already in use` is `address already in use` in uvicorn); patterns the user writes
 * are matched as written.
 */
export const DEFAULT_FORBID_LOG = [
  'Traceback \\(most recent call last\\)',
  // Werkzeug, uvicorn, Go, Ruby/Puma, Java's message, Linux errno 98 anywhere.
  'Address already in use',
  // gunicorn: `[ERROR] Connection in use: ('127.0.0.1', 5000)`.
  'Connection in use',
  // Node (`listen EADDRINUSE`), Ruby (`Errno::EADDRINUSE`), Windows' WSAEADDRINUSE.
  'EADDRINUSE',
  // Java: `java.net.BindException`.
  'BindException',
  // Windows and .NET: the message of WSAEADDRINUSE, and its code 10048 where it is an error
  // code (`[WinError 10048]`, `SocketException (10048)`), not any number 10048 (a port, a size).
  'Only one usage of each socket address',
  '(?:WinError|SocketException|errno|error)\\W{0,3}10048\\b',
];
