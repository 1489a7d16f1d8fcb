/** Entry of the `trellis-server` command (bin/trellis-server.js runs it through tsx). */
import { runCli } from './commands';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
}).then(
  (code) => {
    // `start` keeps running: only set the code, never exit while the server listens.
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('trellis-server:', error);
    process.exitCode = 1;
  },
);
