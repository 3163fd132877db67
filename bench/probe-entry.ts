// Bench-only entry: probing with and without attribution, bundled with ncc so the benchmark calls
// it in-process exactly as the product does.
export { attributor } from '../src/checklist/judge/attribution.js';
export { probeEndpoint } from '../src/checklist/judge/probe.js';
export { linuxPlatform } from '../src/platform/linux/index.js';
