/**
 * Entry of the sync server, bundled into dist/server/main.js (what `npm run serve` runs): flags and
 * environment as documented by `--help`.
 */
import { runStart } from './start';

runStart(process.argv.slice(2)).catch((error: unknown) => {
  console.error('trellis-server: failed to start:', error);
  process.exit(1);
});
