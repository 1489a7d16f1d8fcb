import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHelp, DEFAULT_CONFIG, parseConfig } from '../../../sync-server/config';

describe('server configuration', () => {
  it('defaults to 127.0.0.1:1234 with ./data, and the built client of the package itself', () => {
    const result = parseConfig([], {});
    expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(DEFAULT_CONFIG.staticDir).toBe(join(process.cwd(), 'dist', 'client'));
    expect(isAbsolute(DEFAULT_CONFIG.staticDir ?? '')).toBe(true);
  });

  it('reads PUBLIC_URL, allowed hosts and origins, and refuses malformed ones', () => {
    expect(
      parseConfig(['--allowed-hosts', 'a.lan, b.lan'], {
        PUBLIC_URL: 'https://boards.example.org',
        ALLOWED_ORIGINS: 'http://localhost:5173',
      }),
    ).toMatchObject({
      ok: true,
      config: {
        publicUrl: 'https://boards.example.org',
        allowedHosts: ['a.lan', 'b.lan'],
        allowedOrigins: ['http://localhost:5173'],
      },
    });
    expect(parseConfig(['--allowed-origins', 'evil.example/path'], {})).toMatchObject({ ok: false });
    expect(parseConfig(['--public-url', 'boards.example.org'], {})).toMatchObject({ ok: false });
  });

  it('reads the environment and lets flags override it', () => {
    const result = parseConfig(['--port', '4000'], {
      PORT: '3000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      FSYNC: 'true',
    });
    expect(result).toMatchObject({
      ok: true,
      config: { port: 4000, host: '0.0.0.0', dataDir: '/tmp/x', fsync: true },
    });
  });

  it('prints every problem at once', () => {
    const result = parseConfig(['--port', 'abc', '--log-level', 'loud'], { UNLOAD_DELAY_MS: '-5' });
    expect(result).toMatchObject({ ok: false });
    if (!('ok' in result) || result.ok) throw new Error('expected problems');
    expect(result.problems).toHaveLength(3);
    expect(result.problems.join('\n')).toMatch(/--port.*abc/);
    expect(result.problems.join('\n')).toMatch(/UNLOAD_DELAY_MS/);
    expect(result.problems.join('\n')).toMatch(/--log-level/);
  });

  it('[S8.1] holds a slow reader back past 256 KiB unsent by default; the threshold is set by flag or environment, at least 64 KiB', () => {
    expect(DEFAULT_CONFIG.maxBufferedBytes).toBe(256 * 1024);
    expect(parseConfig([], { MAX_BUFFERED_BYTES: '1048576' })).toMatchObject({
      ok: true,
      config: { maxBufferedBytes: 1_048_576 },
    });
    expect(parseConfig(['--max-buffered-bytes', '65536'], {})).toMatchObject({
      ok: true,
      config: { maxBufferedBytes: 65_536 },
    });
    expect(parseConfig(['--max-buffered-bytes', '1000'], {})).toMatchObject({ ok: false });
    expect(configHelp()).toMatch(/--max-buffered-bytes .*slow client.*default 262144/);
  });

  it('rejects unknown flags and answers --help', () => {
    expect(parseConfig(['--bogus'], {})).toMatchObject({ ok: false });
    expect(parseConfig(['--help'], {})).toEqual({ help: true });
    expect(configHelp()).toContain('--data-dir');
    expect(configHelp()).toContain('DATA_DIR');
  });
});
