import { describe, expect, it } from 'vitest';
import { parseBoardLink } from '../../../client/app/recent-boards';
import { boardPath, captureShareToken, parseRoute } from '../../../client/app/routing';
import { boardToken } from '../../../client/sync';

describe('routes', () => {
  it('maps paths to home, board and not-found', () => {
    expect(parseRoute('/')).toEqual({ kind: 'home' });
    expect(parseRoute('/b/abc_DEF-1')).toEqual({ kind: 'board', boardId: 'abc_DEF-1' });
    expect(parseRoute('/b/abc/')).toEqual({ kind: 'board', boardId: 'abc' });
    expect(parseRoute('/b/not.valid')).toEqual({ kind: 'not-found', path: '/b/not.valid' });
    expect(parseRoute('/b/a/b')).toEqual({ kind: 'not-found', path: '/b/a/b' });
    expect(parseRoute(boardPath('x1'))).toEqual({ kind: 'board', boardId: 'x1' });
  });

  it('reads a board id from a link, a path or the bare id', () => {
    const plain = { boardId: 'abc123', token: null };
    expect(parseBoardLink('https://trellis.example/b/abc123')).toEqual(plain);
    expect(parseBoardLink('  http://127.0.0.1:1234/b/abc123/?x=1 ')).toEqual(plain);
    expect(parseBoardLink('/b/abc123')).toEqual(plain);
    expect(parseBoardLink('abc123')).toEqual(plain);
    expect(parseBoardLink('https://t.example/b/abc123?token=ey.J-x_')).toEqual({
      boardId: 'abc123',
      token: 'ey.J-x_',
    });
    expect(parseBoardLink('https://trellis.example/c/abc123')).toBeNull();
    expect(parseBoardLink('not a link')).toBeNull();
  });
});

describe('share links', () => {
  it('keeps the token of a share link for the board and drops it from the address bar', () => {
    window.localStorage.clear();
    window.history.replaceState(null, '', '/b/shared1?token=secret.token&x=1');
    captureShareToken();
    expect(boardToken('shared1')).toBe('secret.token');
    expect(window.location.pathname + window.location.search).toBe('/b/shared1?x=1');
    expect(boardToken('other')).toBeNull();
  });
});
