import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('dependencies', () => {
  it('install exactly one copy of Yjs (two copies break its constructor checks: yjs #438)', () => {
    const paths = execFileSync('npm', ['ls', 'yjs', '--all', '--parseable'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.endsWith('/node_modules/yjs'));
    const copies = new Set(paths.map((p) => realpathSync(p)));
    expect([...copies]).toHaveLength(1);
  });
});
