/**
 * What an operator meets at the command line: one readable line (never a stack trace) for each
 * everyday mistake, refusals of what does not exist, backups that leave nothing half-written and
 * pipe through standard output and input, share links that point where the server is, `--version`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { VERSION } from '../../sync-server/version';
import { textState, undecodableBytes } from '../support/damaged-updates';
import { TEST_SECRET } from './auth-support';
import { type CliResult, cli, dataDirWith, storedTexts } from './support/cli';
import { cleanup, startTestServer } from './support/harness';
import { freePort } from './support/scaleout-services';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'bin/trellis-server.js');

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-operator-'));
  dirs.push(dir);
  return dir;
}

/** Failed with exit code 1 and exactly one line on stderr, `trellis-server <command>: …`. */
function expectOneLine(result: CliResult, command: string): void {
  expect(result, result.stderr).toMatchObject({ code: 1 });
  expect(result.stderr).toMatch(new RegExp(`^trellis-server ${command}: \\S[^\\n]*\\n$`));
  expect(result.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)|ENOENT|ECONNREFUSED|AggregateError/);
}

/** Runs a shell pipeline with `pipefail`: its status is the first failing command's. */
async function pipeline(script: string, env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('bash', ['-o', 'pipefail', '-c', script], {
      env: { ...process.env, NODE: process.execPath, BIN, ...env },
      timeout: 20_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A data dir with enough rooms that `list` prints far more than a pipe buffers (64 KiB). */
async function manyRooms(count: number, text = 'x'): Promise<string> {
  const dir = await tempDir();
  const store = await LevelDocStore.open(dir);
  for (let i = 0; i < count; i++) await store.append(`board.many${i}`, textState(`${text}${i}`));
  await store.close();
  return dir;
}

describe('trellis-server: one readable line for everyday mistakes', () => {
  it('a missing input file for restore or import', async () => {
    const missing = join(await tempDir(), 'no-such-backup.ndjson');
    const fresh = join(await tempDir(), 'data');
    const restore = await cli(['restore', missing, '--data-dir', fresh]);
    expectOneLine(restore, 'restore');
    expect(restore.stderr).toContain(`cannot read ${missing}: no such file`);
    expect(existsSync(fresh)).toBe(false);
    const imported = await cli(['import', missing, '--data-dir', fresh]);
    expectOneLine(imported, 'import');
    expect(imported.stderr).toContain(`cannot read ${missing}: no such file`);
  });

  it('an output directory that does not exist, for backup and export', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.out': textState('board') });
    const nowhere = join(await tempDir(), 'no', 'such', 'dir');
    const backup = await cli(['backup', join(nowhere, 'b.ndjson'), '--data-dir', dir]);
    expectOneLine(backup, 'backup');
    expect(backup.stderr).toContain(`the directory ${nowhere} does not exist`);
    const exported = await cli(['export', 'out', '--out', join(nowhere, 'board'), '--data-dir', dir]);
    expectOneLine(exported, 'export');
    expect(exported.stderr).toContain(`the directory ${nowhere} does not exist`);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('a short AUTH_SECRET given to token', async () => {
    const result = await cli(['token', '--board', 'A', '--role', 'read'], { AUTH_SECRET: 'too-short' });
    expectOneLine(result, 'token');
    expect(result.stderr).toContain('at least 32 characters');
    expect(result.stdout).toBe('');
  });

  it('Redis and PostgreSQL down during migrate: both named (never a password), within seconds; a held data directory', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.mig': textState('m') });
    const [redisPort, pgPort] = [await freePort(), await freePort()];
    const started = Date.now();
    const urls = [
      '--redis-url',
      `redis://127.0.0.1:${redisPort}`,
      '--database-url',
      `postgres://trellis:secret@127.0.0.1:${pgPort}/trellis`,
    ];
    const result = await cli(['migrate', 'to-scaleout', '--data-dir', dir, ...urls]);
    expectOneLine(result, 'migrate');
    expect(result.stderr).toContain(`cannot reach Redis at 127.0.0.1:${redisPort}`);
    expect(result.stderr).toContain(`cannot reach PostgreSQL at 127.0.0.1:${pgPort}`);
    expect(result.stderr).toContain('connection refused');
    expect(result.stderr).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await storedTexts(dir)).toEqual({ 'board.mig': 'm' });

    // A server holding the data directory is named as such, before any service is tried.
    await startTestServer({ dataDir: dir });
    const held = await cli(['migrate', 'to-scaleout', '--data-dir', dir, ...urls]);
    expectOneLine(held, 'migrate');
    expect(held.stderr).toContain(`the data directory ${dir} is in use by another process`);
  });

  it('EPIPE: `list | head -1` exits quietly with status 0', async () => {
    const dir = await manyRooms(2_000);
    const result = await pipeline('"$NODE" "$BIN" list --data-dir "$DIR" | head -1', { DIR: dir });
    expect(result.stdout).toMatch(/^ROOM\s+BYTES\s+UPDATES\s+LAST CHANGE\n$/);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('trellis-server refuses what does not exist', () => {
  it('migrate --data-dir with a typo: refused, nothing created', async () => {
    const typo = join(await tempDir(), 'dtaa');
    const [redisPort, pgPort] = [await freePort(), await freePort()];
    const urls = [
      '--redis-url',
      `redis://127.0.0.1:${redisPort}`,
      '--database-url',
      `postgres://trellis@127.0.0.1:${pgPort}/trellis`,
    ];
    for (const direction of ['to-scaleout', 'to-level']) {
      const result = await cli(['migrate', direction, '--data-dir', typo, ...urls]);
      expectOneLine(result, 'migrate');
      expect(result.stderr).toContain(`no data directory at ${typo}`);
      expect(existsSync(typo)).toBe(false);
    }
    // A directory that exists but holds no store is no source either.
    const empty = await tempDir();
    const fromEmpty = await cli(['migrate', 'to-scaleout', '--data-dir', empty, ...urls]);
    expectOneLine(fromEmpty, 'migrate');
    expect(fromEmpty.stderr).toContain(`${empty} holds no Trellis data`);
    expect(await readdir(empty)).toEqual([]);
  });

  it('compact of a room that is not stored: refused, on the data dir and through the running server', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.here': [textState('a'), textState('b')] });
    const local = await cli(['compact', 'board.nosuch', '--data-dir', dir]);
    expectOneLine(local, 'compact');
    expect(local.stderr).toContain('no room board.nosuch is stored');
    expect(Object.keys(await storedTexts(dir))).toEqual(['board.here']);

    const server = await startTestServer({ dataDir: dir });
    const remote = await cli(['compact', 'board.nosuch', '--data-dir', dir]);
    expectOneLine(remote, 'compact');
    expect(remote.stderr).toContain('no room board.nosuch is stored');
    expect((await server.store.list()).map((r) => r.room)).toEqual(['board.here']);
    // A room that is stored still compacts.
    expect(await cli(['compact', 'board.here', '--data-dir', dir])).toMatchObject({
      code: 0,
      stderr: 'compacted 1 rooms\n',
    });
  });
});

describe('trellis-server backup', () => {
  it('leaves no .partial file behind when it fails, wherever it fails', async () => {
    const out = await tempDir();
    const file = join(out, 'b.ndjson');
    // Before anything is read: no data directory, no server to reach.
    expectOneLine(await cli(['backup', file, '--data-dir', join(out, 'none')]), 'backup');
    expectOneLine(await cli(['backup', file, '--server', `http://127.0.0.1:${await freePort()}`]), 'backup');
    // Halfway: a room whose log cannot be merged, on the data dir and through the server.
    const damaged = await dataDirWith(await tempDir(), {
      'board.a': textState('a'),
      'board.z': [textState('z'), undecodableBytes(40, 9)],
    });
    expectOneLine(await cli(['backup', file, '--data-dir', damaged]), 'backup');
    expect(await readdir(out)).toEqual([]);
    await startTestServer({ dataDir: damaged });
    expectOneLine(await cli(['backup', file, '--data-dir', damaged]), 'backup');
    expect(await readdir(out)).toEqual([]);
  });

  it('writes the backup readable by its owner only (0600)', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.secret': textState('private') });
    const file = join(await tempDir(), 'b.ndjson');
    expect(await cli(['backup', file, '--data-dir', dir])).toMatchObject({ code: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('[S10.1] backup --stdout | restore - carries every room, in process and between two commands; a cut stream is refused (S10.2)', async () => {
    const dir = await dataDirWith(await tempDir(), {
      'board.p': textState('piped'),
      'board.p.card.c': textState('card'),
    });
    const server = await startTestServer({ dataDir: dir });
    const backup = await cli(['backup', '--stdout', '--data-dir', dir]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain(
      `backup of the server at ${server.url}: 2 rooms written to standard output`,
    );
    const fresh = join(await tempDir(), 'data');
    const restored = await cli(['restore', '-', '--data-dir', fresh], {}, { stdin: backup.stdout });
    expect(restored).toMatchObject({ code: 0, stderr: 'restored 2 rooms\n' });
    expect(await storedTexts(fresh)).toEqual({ 'board.p': 'piped', 'board.p.card.c': 'card' });
    expect(await cli(['verify', '-'], {}, { stdin: backup.stdout })).toMatchObject({
      code: 0,
      stderr: 'the backup on standard input: 2 rooms, all ok\n',
    });
    // A cut stream is refused like a cut file.
    const cut = await cli(
      ['restore', '-', '--data-dir', join(await tempDir(), 'data')],
      {},
      {
        stdin: backup.stdout.slice(0, -20),
      },
    );
    expectOneLine(cut, 'restore');
    await cleanup();

    // The shipped command through a real pipe, large enough to need several pipe buffers.
    const large = await manyRooms(300, 'y'.repeat(1_000));
    const target = join(await tempDir(), 'data');
    const piped = await pipeline(
      '"$NODE" "$BIN" backup --stdout --data-dir "$FROM" | "$NODE" "$BIN" restore - --data-dir "$TO"',
      { FROM: large, TO: target },
    );
    expect(piped, piped.stderr).toMatchObject({ code: 0 });
    expect(piped.stderr).toContain('300 rooms written to standard output');
    expect(piped.stderr).toContain('restored 300 rooms');
    const texts = await storedTexts(target);
    expect(Object.keys(texts)).toHaveLength(300);
    expect(texts['board.many299']).toBe(`${'y'.repeat(1_000)}299`);

    // The reader goes away before the end: the backup says so and fails.
    const early = await pipeline(
      '"$NODE" "$BIN" backup --stdout --data-dir "$FROM" | head -c 100 >/dev/null',
      {
        FROM: large,
      },
    );
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^trellis-server backup: [^\n]*standard output[^\n]*\n$/);
  });
});

describe('trellis-server token links', () => {
  const token = ['token', '--board', 'B', '--role', 'read'];

  it('use PUBLIC_URL, else the URL the running server recorded, else http://HOST:PORT', async () => {
    const env = { AUTH_SECRET: TEST_SECRET };
    const dataDir = await tempDir();
    const origin = (result: CliResult) => new URL(result.stdout.trim()).origin;

    const none = await cli([...token, '--data-dir', dataDir], { ...env, HOST: '127.0.0.2', PORT: '4321' });
    expect(none.code, none.stderr).toBe(0);
    expect(origin(none)).toBe('http://127.0.0.2:4321');

    const server = await startTestServer({ dataDir, authSecret: TEST_SECRET });
    const recorded = await cli([...token, '--data-dir', dataDir], env);
    expect(origin(recorded)).toBe(server.url);
    const publicUrl = await cli([...token, '--data-dir', dataDir], {
      ...env,
      PUBLIC_URL: 'https://trellis.example.org/',
    });
    expect(publicUrl.stdout).toMatch(/^https:\/\/trellis\.example\.org\/b\/B\?token=/);
    const flag = await cli([...token, '--data-dir', dataDir, '--url', 'https://other.example']);
    expect(flag.code).toBe(1); // no AUTH_SECRET
    const flagged = await cli([...token, '--data-dir', dataDir, '--url', 'https://other.example'], env);
    expect(origin(flagged)).toBe('https://other.example');
    await cleanup();

    // A server started with a public URL records it too: links made beside it point there.
    const proxied = await startTestServer({
      dataDir,
      authSecret: TEST_SECRET,
      publicUrl: 'https://boards.example.org',
    });
    expect(proxied.url).not.toBe('https://boards.example.org');
    expect(origin(await cli([...token, '--data-dir', dataDir], env))).toBe('https://boards.example.org');
  });
});

describe('trellis-server --version', () => {
  it('prints the version and exits 0, as --version and -v', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const { stdout, stderr } = await run(process.execPath, [BIN, '-v'], { timeout: 20_000 });
    expect({ stdout, stderr }).toEqual({ stdout: `${VERSION}\n`, stderr: '' });
    const pkg = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
