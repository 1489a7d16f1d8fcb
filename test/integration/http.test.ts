import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function builtClient(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-static-'));
  dirs.push(dir);
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Trellis</title>');
  await writeFile(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  return dir;
}

describe('HTTP endpoints', () => {
  it('/healthz reports status, version and uptime', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      uptimeSeconds: expect.any(Number),
    });
  });

  it('/metrics is Prometheus text with connections, rooms, messages, bytes and write latency', async () => {
    const server = await startTestServer({}, { store: new MemoryDocStore() });
    const a = connectClient(server.wsUrl, 'room-metrics');
    await whenSynced(a);
    a.text.insert(0, 'x');
    const b = connectClient(server.wsUrl, 'room-metrics');
    await whenSynced(b);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^trellis_connections 2$/m);
    expect(text).toMatch(/^trellis_rooms_loaded 1$/m);
    expect(text).toMatch(/^trellis_messages_in_total\{kind="syncStep1"\} [1-9]/m);
    expect(text).toMatch(/^trellis_bytes_out_total [1-9]/m);
    expect(text).toMatch(/^trellis_persist_write_seconds_count [1-9]/m);
  });

  it('/readyz turns 503 as soon as shutdown begins', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({}, { store });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const a = connectClient(server.wsUrl, 'room-ready');
    await whenSynced(a);
    // Hold shutdown open: the flush waits on a write that keeps failing for a while.
    store.failNext(4);
    a.text.insert(0, 'x');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = server.close();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    await closing;
    expect((await store.load('room-ready')).updates.length).toBeGreaterThan(0);
  });

  it('serves the built client, with index.html as the fallback for app routes', async () => {
    const server = await startTestServer({ staticDir: await builtClient() });
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Trellis</title>');
    const asset = await fetch(`${server.url}/assets/app-abc123.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const route = await fetch(`${server.url}/b/some-board`, { headers: { accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Trellis</title>');
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect(
      (await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`, { headers: { accept: 'text/html' } })).status,
    ).not.toBe(500);
  });
});
