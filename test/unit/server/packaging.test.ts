/**
 * What operators rely on outside the code: the CLI script runs the built CLI as it is (it must not
 * rebuild under a running server, nor need dev tools), the image puts `trellis-server` on the PATH,
 * and the documented stop timeout leaves the server its shutdown time.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../sync-server/core/sync-core';

const text = (path: string) => readFile(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('packaging for operators', () => {
  it('`npm run cli` runs the built CLI without rebuilding it', async () => {
    const scripts = (JSON.parse(await text('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.cli).toBe('node bin/trellis-server.js');
  });

  it('the image has trellis-server on its PATH and documents a stop timeout above the shutdown timeout', async () => {
    const dockerfile = await text('Dockerfile');
    expect(dockerfile).toMatch(/ln -s \/app\/bin\/trellis-server\.js \/usr\/local\/bin\/trellis-server/);
    const documented = [dockerfile, await text('README.md'), await text('docs/deploying.md')];
    for (const doc of documented) {
      const seconds = Number(/--stop-timeout (\d+)/.exec(doc)?.[1]);
      expect(seconds * 1000).toBeGreaterThan(DEFAULTS.shutdownTimeoutMs);
    }
    const unit = await text('docs/deploying.md');
    expect(Number(/TimeoutStopSec=(\d+)/.exec(unit)?.[1]) * 1000).toBeGreaterThan(DEFAULTS.shutdownTimeoutMs);
    expect(unit).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
  });
});
