import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER_MAIN = 'dist/server/main.js';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  wsUrl: string;
  /** Every log line the process printed (JSON), for assertions and failure messages. */
  logs: string[];
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the built server (dist/server/main.js, what `npm run serve` runs) as its own process, with
 * no wrapper, so the PID is the server itself and `kill -9` hits it. The integration project's
 * global setup builds it.
 */
export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 20_000,
  cwd = process.cwd(),
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', resolve(SERVER_MAIN)], {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', PRETTY_LOGS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms:\n${logs.join('\n')}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a JSON log line
      }
    });
    void exited.then(({ code }) =>
      reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`)),
    );
  });
  return { child, pid: child.pid!, url, wsUrl: url.replace(/^http/, 'ws'), logs, exited };
}

export interface FinishedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built server to its end (for starts that must fail), with a time limit. */
export function runServerToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<FinishedRun> {
  const child = spawn(process.execPath, [resolve(SERVER_MAIN)], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', PRETTY_LOGS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Stops a server this test started, by PID; SIGKILL if it does not exit in time. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  process.kill(server.pid, signal);
  const timer = setTimeout(() => {
    if (server.child.exitCode === null) process.kill(server.pid, 'SIGKILL');
  }, 10_000);
  await server.exited;
  clearTimeout(timer);
}
