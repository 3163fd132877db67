/** The platform this program runs on, chosen once by process.platform (README, "Platforms"). */
import { darwinPlatform } from './darwin/index.js';
import { linuxPlatform } from './linux/index.js';
import type { Platform } from './types.js';
import { windowsPlatform } from './windows/index.js';

export function currentPlatform(): Platform {
  switch (process.platform) {
    case 'darwin':
      return darwinPlatform;
    case 'win32':
      return windowsPlatform;
    default:
      return linuxPlatform;
  }
}
