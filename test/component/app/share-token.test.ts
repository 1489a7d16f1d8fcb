import { describe, expect, it } from 'vitest';
import { isReadOnlyToken, tokenRole } from '../../../client/app/share-token';

const base64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (claims: unknown) =>
  `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;

describe('share token role (a hint for the UI)', () => {
  it('reads the role claim of a compact JWT, whatever its padding and characters', () => {
    expect(tokenRole(jwt({ boards: ['b'], role: 'read' }))).toBe('read');
    expect(tokenRole(jwt({ boards: ['b'], role: 'write', name: 'Zoë 🚀' }))).toBe('write');
    expect(tokenRole(jwt({ boards: ['b'], role: 'admin', name: 'ab' }))).toBe('admin');
    expect(isReadOnlyToken(jwt({ role: 'read', name: '√ unicode ~~~>>>???' }))).toBe(true);
    expect(isReadOnlyToken(jwt({ role: 'write' }))).toBe(false);
    expect(isReadOnlyToken(null)).toBe(false);
  });

  it('says nothing about tokens it cannot read', () => {
    for (const token of ['', 'opaque-token', 'a.b', 'a.!!!.c', `x.${base64url('not json')}.y`, 'a.b.c.d']) {
      expect(tokenRole(token)).toBeNull();
    }
    expect(tokenRole(jwt({ role: 'owner' }))).toBeNull();
    expect(tokenRole(jwt(['read']))).toBeNull();
    expect(tokenRole(jwt(null))).toBeNull();
  });
});
