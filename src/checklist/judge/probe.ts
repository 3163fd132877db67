/**
 * Probing one endpoint several times, each request on a fresh connection, and telling a broken
 * endpoint from two servers sharing the port (README's checklist, `endpoint:`;
 * docs/configuration.md, "Endpoints").
 *
 * Each probe gets a signature: its HTTP status and which expectations failed (the transport
 * error when there was no answer). Latency (`maxMs`) is left out: it is noise, not identity.
 * The verdict:
 *   pass      every probe met every expectation;
 *   flapping  not every probe passed, and the signatures disagree — some probes pass and some
 *             fail, or all fail but differently (404 then 500): the kernel is handing fresh
 *             connections to more than one listener;
 *   fail      every probe failed the same way (or the only disagreement is latency).
 */
import type { EndpointSpec } from '../../config/types.js';
import type { ProbeResult } from './probe-result.js';
import type { Attribution, Attributor } from './attribution.js';
import { findFailures } from './expect.js';
import { DEFAULT_MAX_BODY_BYTES, httpRequest } from '../../http/request.js';

export interface EndpointOutcome {
  probes: ProbeResult[];
  verdict: 'pass' | 'fail' | 'flapping';
  /** One line: "3/3 probes 200 in 4 ms median", "flapping: probes answered 200, 404, 200 — …". */
  summary: string;
}

interface Probe {
  result: ProbeResult;
  /** Status (or transport error) and the keys of failed expectations other than maxMs. */
  signature: string;
  /** The signature without the status, for labelling probes that share one. */
  failedKeys: string;
}

function endpointUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

async function probeOnce(
  url: string,
  ep: EndpointSpec,
  n: number,
  attribute?: Attributor,
): Promise<Probe> {
  // Left undefined when no connection was made: the probe then carries no attribution fields.
  let attribution: Attribution | undefined;
  const onConnected =
    attribute &&
    (async (connection: Parameters<Attributor>[0]) => {
      attribution = await attribute(connection);
    });
  const res = await httpRequest(url, {
    method: ep.method,
    headers: ep.headers,
    body: ep.body,
    onConnected,
  });
  if (!res.ok) {
    const result = {
      n,
      ok: false,
      status: null,
      durationMs: res.durationMs,
      failures: [res.error],
      ...attribution,
    };
    return { result, signature: `error: ${res.error}`, failedKeys: res.error };
  }
  const failures = findFailures(ep.expect, res);
  const messages = failures.map((f) => f.message);
  if (res.truncated && failures.length > 0) {
    messages.push(
      `the body was cut at ${DEFAULT_MAX_BODY_BYTES} bytes: the checks saw only that part`,
    );
  }
  const failedKeys = failures
    .filter((f) => f.key !== 'maxMs')
    .map((f) => f.key)
    .join(', ');
  return {
    result: {
      n,
      ok: failures.length === 0,
      status: res.status,
      durationMs: res.durationMs,
      failures: messages,
      ...attribution,
    },
    signature: `${res.status} ${failedKeys}`,
    failedKeys,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor((sorted.length - 1) / 2)] ?? 0);
}

function flappingSummary(probes: Probe[]): string {
  const statuses = probes.map((p) =>
    p.result.status === null ? 'no answer' : String(p.result.status),
  );
  // When the statuses alone do not show the disagreement, say what failed on each probe.
  const labels =
    new Set(statuses).size > 1
      ? statuses
      : probes.map(
          (p, i) => `${statuses[i]} (${p.result.ok ? 'passed' : p.failedKeys || 'failed'})`,
        );
  // Who answered is not for the transport to say: the endpoint item names it from the port watch.
  return `flapping: probes answered ${labels.join(', ')}`;
}

function summarize(probes: Probe[]): Pick<EndpointOutcome, 'verdict' | 'summary'> {
  const results = probes.map((p) => p.result);
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) {
    const statuses = [...new Set(results.map((r) => r.status))].join('/');
    const ms = median(results.map((r) => r.durationMs));
    return {
      verdict: 'pass',
      summary: `${results.length}/${results.length} probes ${statuses} in ${ms} ms median`,
    };
  }
  if (new Set(probes.map((p) => p.signature)).size > 1) {
    return { verdict: 'flapping', summary: flappingSummary(probes) };
  }
  const lines = [...new Set(failed.flatMap((r) => r.failures))];
  const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : '';
  return {
    verdict: 'fail',
    summary: `${failed.length}/${results.length} probes failed: ${lines[0]}${more}`,
  };
}

/**
 * `probes` sequential requests, each on a fresh connection; never throws. With `attribute`, each
 * probe names the process that accepted its connection (or says why not) before it is sent.
 */
export async function probeEndpoint(
  baseUrl: string,
  ep: EndpointSpec,
  probes: number,
  attribute?: Attributor,
): Promise<EndpointOutcome> {
  const url = endpointUrl(baseUrl, ep.path);
  const done: Probe[] = [];
  for (let n = 1; n <= Math.max(1, probes); n++) {
    done.push(await probeOnce(url, ep, n, attribute));
  }
  return { probes: done.map((p) => p.result), ...summarize(done) };
}
