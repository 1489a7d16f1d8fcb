import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../sync-server/http/ws-transport';
import { AddressLimiter } from '../../../sync-server/limits/address-limiter';
import { TokenBucket } from '../../../sync-server/limits/token-bucket';

describe('token bucket', () => {
  it('allows a burst, then the refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, { now: () => now });
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 100; // one token at 10/s
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 60_000; // refills to the burst, not beyond
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('[S14.8] spends many tokens at once while one is left, and the debt is paid back at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, { now: () => now });
    expect(bucket.spend(21)).toBe(true); // a reconnect joining 21 rooms goes through whole
    expect(bucket.spend(1)).toBe(false);
    expect(bucket.msUntilReady()).toBe(1700); // 16 owed + 1 to spend, at 10/s
    now += 1690;
    expect(bucket.spend(1)).toBe(false);
    now += 20;
    expect(bucket.spend(1)).toBe(true);
  });
});

describe('connections per address', () => {
  it('refuses past the limit and frees a slot exactly once', () => {
    const limiter = new AddressLimiter(2);
    const [first, second, third, other, later] = [{}, {}, {}, {}, {}];
    expect(limiter.acquire(first, '1.2.3.4')).toBe(true);
    expect(limiter.acquire(second, '1.2.3.4')).toBe(true);
    expect(limiter.acquire(third, '1.2.3.4')).toBe(false);
    expect(limiter.acquire(other, '5.6.7.8')).toBe(true);
    limiter.release(first);
    limiter.release(first);
    limiter.release(third); // never held a slot: gives nothing back
    expect(limiter.count('1.2.3.4')).toBe(1);
    expect(limiter.acquire(later, '1.2.3.4')).toBe(true);
    expect(limiter.acquire({}, '1.2.3.4')).toBe(false);
  });
  it('0 means no limit', () => {
    const limiter = new AddressLimiter(0);
    for (let i = 0; i < 100; i++) expect(limiter.acquire({}, 'a')).toBe(true);
  });
});

describe('client address', () => {
  const req = (forwarded?: string) =>
    ({
      socket: { remoteAddress: '10.0.0.1' },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as IncomingMessage;
  it('is the peer unless a proxy is trusted, then the address the proxy appended', () => {
    expect(clientAddress(req('1.1.1.1, 2.2.2.2'), false)).toBe('10.0.0.1');
    // The first entries are whatever the client claimed; only the last was written by our proxy.
    expect(clientAddress(req('1.1.1.1, 2.2.2.2'), true)).toBe('2.2.2.2');
    expect(clientAddress(req(), true)).toBe('10.0.0.1');
  });
});
