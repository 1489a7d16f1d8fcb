import { describe, expect, it } from 'vitest';
import { parseBoardLink } from '../../../client/app/recent-boards';
import { boardPath, parseRoute } from '../../../client/app/routing';

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
    expect(parseBoardLink('https://trellis.example/b/abc123')).toBe('abc123');
    expect(parseBoardLink('  http://127.0.0.1:1234/b/abc123/?x=1 ')).toBe('abc123');
    expect(parseBoardLink('/b/abc123')).toBe('abc123');
    expect(parseBoardLink('abc123')).toBe('abc123');
    expect(parseBoardLink('https://trellis.example/c/abc123')).toBeNull();
    expect(parseBoardLink('not a link')).toBeNull();
  });
});
