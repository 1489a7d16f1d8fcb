/**
 * What an operator sees when the server cannot start: one clear line on stderr and a non-zero exit,
 * never a stack trace. And the built client is found whatever the working directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runServerToExit, type ServerProcess, spawnServer, stopServer } from './support/server-process';

const started: ServerProcess[] = [];
const dirs: string[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) await stopServer(server);
  for (const blocker of blockers.splice(0)) await new Promise((resolve) => blocker.close(resolve));
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-start-'));
  dirs.push(dir);
  return dir;
}

/** One line of text (no stack frame), naming `what`. */
function expectOneClearLine(stderr: string, what: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^trellis-server: /);
  expect(lines[0]).toMatch(what);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('a server that cannot start says why in one line', () => {
  it('a second server on the same data directory', async () => {
    const dataDir = await tempDir();
    started.push(await spawnServer({ DATA_DIR: dataDir }));
    const second = await runServerToExit({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expectOneClearLine(second.stderr, /already in use by another process/);
  });

  it('a data directory that is a file', async () => {
    const file = join(await tempDir(), 'not-a-dir');
    await writeFile(file, 'x');
    const run = await runServerToExit({ DATA_DIR: file });
    expect(run.code).toBe(1);
    expectOneClearLine(run.stderr, /is not a directory/);
  });

  it('a data directory it may not create or write', async () => {
    // sysfs refuses new directories even to root, so this holds for any user running the tests.
    const run = await runServerToExit({ DATA_DIR: '/sys/trellis-test/data' });
    expect(run.code).toBe(1);
    expectOneClearLine(run.stderr, /cannot write/);
  });

  it('a port already in use', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const run = await runServerToExit({ DATA_DIR: await tempDir(), PORT: String(port) });
    expect(run.code).toBe(1);
    expectOneClearLine(run.stderr, new RegExp(`port ${port} .*in use`));
  });
});

describe('the built client', () => {
  it('is served whatever directory the server was started from', async () => {
    const server = await spawnServer({ DATA_DIR: await tempDir() }, 20_000, tmpdir());
    started.push(server);
    const page = await fetch(`${server.url}/b/some-board`, { headers: { accept: 'text/html' } });
    expect(page.status, 'run `npm run build` first: dist/client must exist').toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});
