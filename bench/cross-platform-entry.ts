// Bench-only entry: the macOS and Windows platforms, the port watch, and the runner that plays
// their tools for a real listener, bundled with ncc so bench/suites/cross-platform-readiness.mjs
// measures the watch off Linux on any OS.
export { PortWatch } from '../src/checklist/port-watch.js';
export { createDarwinPlatform } from '../src/platform/darwin/index.js';
export { createWindowsPlatform } from '../src/platform/windows/index.js';
export { fakeMacTools, fakeWindowsTools, listenersOf } from '../__tests__/helpers/fake-os-tools.js';
