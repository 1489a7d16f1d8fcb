/** Orchestrator side of the load generators: fork them, send commands, await their replies. */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { stopChild, track } from './children';
import type { FromGenerator, GeneratorStats, ToGenerator } from './messages';
import { REPO_ROOT } from './servers';

const LOADGEN_PATH = path.join(REPO_ROOT, 'test/bench/loadgen.ts');
const READY_TIMEOUT_MS = 30_000;

type Reply<T extends FromGenerator['type']> = Extract<FromGenerator, { type: T }>;

export class GeneratorHandle {
  private readonly waiters = new Map<string, ((message: FromGenerator) => void)[]>();
  private failure: Error | null = null;

  constructor(
    public index: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: FromGenerator) => {
      if (message.type === 'error') {
        this.failure = new Error(`generator ${index}: ${message.message}`);
        for (const list of this.waiters.values()) for (const w of list.splice(0)) w(message);
        return;
      }
      this.waiters.get(message.type)?.shift()?.(message);
    });
    child.on('exit', (code, signal) => {
      this.failure ??= new Error(`generator ${index} exited (${code ?? signal})`);
      for (const list of this.waiters.values())
        for (const w of list.splice(0)) w({ type: 'error', message: '' });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Wait for the next message of `type` (registered before sending, so none is missed). */
  next<T extends FromGenerator['type']>(type: T, timeoutMs: number): Promise<Reply<T>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`generator ${this.index}: no '${type}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.waiters.get(type) ?? [];
      this.waiters.set(type, list);
      list.push((message) => {
        clearTimeout(timer);
        if (message.type === 'error') reject(this.failure ?? new Error(message.message));
        else resolve(message as Reply<T>);
      });
    });
  }

  send(message: ToGenerator): void {
    this.child.send(message);
  }

  async request<T extends FromGenerator['type']>(
    message: ToGenerator,
    reply: T,
    timeoutMs: number,
  ): Promise<Reply<T>> {
    const answer = this.next(reply, timeoutMs);
    this.send(message);
    return answer;
  }

  async stats(): Promise<GeneratorStats> {
    return (await this.request({ type: 'collect' }, 'stats', 60_000)).stats;
  }

  get alive(): boolean {
    return this.failure === null && this.child.connected;
  }

  /** Close the run's clients and reset the generator's counters for the next run. */
  async reset(): Promise<void> {
    await this.request({ type: 'close' }, 'closed', 30_000);
  }

  async stop(): Promise<void> {
    if (this.child.connected) {
      try {
        await this.request({ type: 'close' }, 'closed', 10_000);
      } catch {
        // Stopped below anyway.
      }
      this.child.disconnect();
    }
    await stopChild(this.child, 3000);
  }
}

export async function startGenerators(count: number): Promise<GeneratorHandle[]> {
  const handles: GeneratorHandle[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const child = track(
        fork(LOADGEN_PATH, [], {
          cwd: REPO_ROOT,
          execArgv: ['--import', 'tsx', '--expose-gc'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      const handle = new GeneratorHandle(i, child);
      handles.push(handle);
    }
    await Promise.all(handles.map((h) => h.next('ready', READY_TIMEOUT_MS)));
    return handles;
  } catch (err) {
    await Promise.all(handles.map((h) => h.stop()));
    throw err;
  }
}

/**
 * Generators live across runs (forking a TypeScript process costs seconds on a busy machine): a run
 * takes the pool's generators, and gives them back reset; a generator that failed is replaced.
 */
export class GeneratorPool {
  private handles: GeneratorHandle[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<GeneratorHandle[]> {
    const dead = this.handles.filter((h) => !h.alive);
    await Promise.all(dead.map((h) => h.stop()));
    this.handles = this.handles.filter((h) => h.alive);
    if (this.handles.length < this.size) {
      this.handles.push(...(await startGenerators(this.size - this.handles.length)));
    }
    this.handles.forEach((h, i) => {
      h.index = i;
    });
    return [...this.handles];
  }

  async release(handles: GeneratorHandle[]): Promise<void> {
    await Promise.all(
      handles.map((h) =>
        h.reset().catch(async () => {
          await h.stop();
        }),
      ),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.stop()));
    this.handles = [];
  }
}

/** Split items round-robin over `parts` generators. */
export function splitRoundRobin<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => {
    out[i % parts]?.push(item);
  });
  return out;
}
