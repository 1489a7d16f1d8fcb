// A JSON import, so the bundled server (dist/server) carries its version instead of looking for
// package.json relative to wherever the bundle lies.
import pkg from '../package.json' with { type: 'json' };

/** The package version, reported by /healthz. */
export const VERSION: string = pkg.version;
