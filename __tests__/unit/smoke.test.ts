import { freePort } from '../helpers/procs.js';
import { VERSION } from '../../src/version.js';
test('version and free port', async () => {
  expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  const p = await freePort();
  expect(p).toBeGreaterThan(0);
});
