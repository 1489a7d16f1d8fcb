/** Entry of the `trellis-server` command (bin/trellis-server.js runs its bundle). */
import { runCli } from './commands';
import { OutputClosedError } from './files';
import { CliError } from './target';

/**
 * Whoever read standard output went away (`trellis-server list | head -1`): what is left to print
 * is dropped, quietly, as other command-line tools do. Without this handler the EPIPE error ends
 * the process with a stack trace. A command that must deliver everything (`backup --stdout`) writes
 * through `write`, which rejects instead, so it fails with one line.
 */
let outputClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    outputClosed = true;
    return;
  }
  process.stderr.write(`trellis-server: cannot write to standard output: ${error.message}\n`);
  process.exit(1);
});

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (outputClosed) {
      reject(new OutputClosedError());
      return;
    }
    // The callback comes once the text is handed to the pipe or file, so a slow reader paces us.
    process.stdout.write(text, (error) => {
      if (!error) resolve();
      else reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosedError() : error);
    });
  });
}

async function readInput(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CliError('standard input is a terminal: pipe the input into the command');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

runCli(process.argv.slice(2), {
  out: (text) => {
    if (!outputClosed) process.stdout.write(text);
  },
  err: (text) => process.stderr.write(text),
  write,
  readInput,
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
