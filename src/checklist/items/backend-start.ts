/** `backend-start`: the start command spawned in its own process group, its output captured whole. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogCapture } from '../log-capture.js';
import { fail, pass, type ChecklistItem } from '../item.js';

function markerEnv(marker: string): Record<string, string> {
  const at = marker.indexOf('=');
  return { [marker.slice(0, at)]: marker.slice(at + 1) };
}

export const backendStart: ChecklistItem = {
  id: 'backend-start',
  title: 'Backend started',
  startedBackendOnly: true,
  mustFinish: true,
  async run(service) {
    const { config, env } = service;
    await mkdir(env.reportDir, { recursive: true });
    // With secrets, the raw output stays in a private folder and backend.log is its redacted copy.
    if (env.redactsLogs) {
      service.privateOutputDir = await mkdtemp(path.join(tmpdir(), 'single-listener-check-'));
    }
    const outputPath = service.privateOutputDir
      ? path.join(service.privateOutputDir, 'output.log')
      : service.logPath;
    service.log = new LogCapture({
      logPath: env.redactsLogs ? service.logPath : null,
      expect: config.expectLog.map((re) => new RegExp(re)),
      forbid: config.forbidLog.map((re) => new RegExp(re)),
      redact: env.redact,
      onLine: (line) => env.logLine(config.name, line),
    });
    service.watch.start();
    try {
      service.backend = await env.startBackend({
        command: config.start,
        cwd: config.cwd,
        // The marker finds the backend's processes wherever they go (daemonized, setsid).
        env: { ...config.env, ...markerEnv(service.marker) },
        shell: config.shell,
        outputPath,
        log: service.log,
        detached: env.platform.spawnOptions.detached,
      });
    } catch (err) {
      return fail(`could not start \`${config.start}\`: ${(err as Error).message}`, {
        fatal: 'the backend could not be started',
      });
    }
    service.mark('backend started');
    const pid = service.backend.pid;
    service.backendProcess = await env.platform.getProcess(pid);
    if (service.backendProcess) service.adopt(service.backendProcess, 'tree');
    return pass(`pid ${pid}, own process group; log: ${service.logPath}`, {
      details: [`command: ${config.start}`, `working directory: ${config.cwd}`],
    });
  },
};
