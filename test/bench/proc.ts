/** What the harness reads about a server process from Linux's /proc, and other machine facts. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, all threads) the process has used so far, in ms; 10 ms resolution. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_S;
}

export interface MemoryReading {
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM). */
  hwmBytes: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rssBytes: kib('VmRSS'), hwmBytes: kib('VmHWM') };
}

/** A free TCP port on 127.0.0.1: listen on 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Apparent size of a directory tree in bytes (`du -sb`). */
export function diskBytes(dir: string): number {
  const out = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(out.split(/\s/)[0]);
}

export interface MachineInfo {
  cores: number;
  loadAverage: [number, number, number];
  cpuModel: string;
  totalMemBytes: number;
  node: string;
}

export function machineInfo(): MachineInfo {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return {
    cores: os.availableParallelism(),
    loadAverage: [one, five, fifteen],
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemBytes: os.totalmem(),
    node: process.version,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Wait until the process has used less than `maxCpuMsPerS` CPU over `quietMs` (it has finished
 * background work such as LevelDB writes), or until `timeoutMs`; returns whether it went quiet.
 */
export async function waitForQuiet(
  pid: number,
  { quietMs = 1000, maxCpuMsPerS = 30, timeoutMs = 60_000 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = readCpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = readCpuMs(pid);
    if (((now - last) * 1000) / quietMs <= maxCpuMsPerS) return true;
    last = now;
  }
  return false;
}
