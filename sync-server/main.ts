/**
 * Entry of the sync server, bundled into dist/server/main.js (what `npm run serve` runs): flags and
 * environment as documented by `--help`.
 */
import { runStart } from './start';

runStart(process.argv.slice(2)).catch((error: unknown) => {
  // runStart explains the errors it knows; this is for the rest, still on one line.
  console.error(
    `trellis-server: failed to start: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
  );
  process.exit(1);
});
