/**
 * Entry of the sync server (`npm run serve` runs its build, dist/server/main.js; tests may run
 * this file through tsx): flags and environment as documented by `--help`.
 */
import { runStart } from './start';

runStart(process.argv.slice(2)).catch((error: unknown) => {
  console.error('trellis-server: failed to start:', error);
  process.exit(1);
});
