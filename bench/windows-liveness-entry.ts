// Bench-only entry: the Windows platform and teardown's liveness poll, bundled with ncc so
// bench/windows-liveness.mjs drives them with a runner that plays PowerShell's delays.
export { createWindowsPlatform } from '../src/platform/windows/index.js';
export { POWERSHELL_TIMEOUT_MS } from '../src/platform/windows/powershell.js';
export { waitGone } from '../src/process/stop.js';
