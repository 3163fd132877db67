// Replaced by nothing at build time: the bundle inlines package.json's version through this import.
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
