/**
 * Every process the harness starts is registered here and ended by its PID: on normal teardown,
 * on errors (callers use try/finally) and on SIGINT/SIGTERM or exit of the harness itself.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (exited(child)) {
    running.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (!exited(child) && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  });
}

function killAllNow(): void {
  for (const child of running) {
    if (!exited(child) && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  running.clear();
}

let installed = false;

/** Make sure no started process outlives the harness, however it ends. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping ${running.size} started process(es)\n`);
      killAllNow();
      process.exit(130);
    });
  }
}
