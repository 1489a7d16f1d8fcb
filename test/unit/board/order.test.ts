import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/board';
import { compareByOrder, keyBetween, orderKeyAt } from '../../../shared/board/order';

const random = seededRandom(3);
const item = (id: string, order: string) => ({ id, order });

describe('order keys', () => {
  it('compares by key, then by id, by code unit (not locale)', () => {
    expect(compareByOrder(item('b', 'a0'), item('a', 'a1'))).toBeLessThan(0);
    expect(compareByOrder(item('b', 'a0'), item('a', 'a0'))).toBeGreaterThan(0);
    expect(compareByOrder(item('Z', 'a0'), item('a', 'a0'))).toBeLessThan(0);
    expect(compareByOrder(item('a', 'a0'), item('a', 'a0'))).toBe(0);
  });

  it('places at the start, between two keys and at the end', () => {
    const list = [item('x', 'a0'), item('y', 'a1')];
    expect(orderKeyAt(list, 0, random) < 'a0').toBe(true);
    const middle = orderKeyAt(list, 1, random);
    expect(middle > 'a0' && middle < 'a1').toBe(true);
    expect(orderKeyAt(list, 2, random) > 'a1').toBe(true);
    expect(orderKeyAt(list, 99, random) > 'a1').toBe(true);
    expect(orderKeyAt([], 0, random)).toMatch(/^a/);
  });

  it('between two equal keys goes to the nearer edge of the run of ties instead of throwing', () => {
    const before = orderKeyAt(
      [item('w', 'a0'), item('x', 'a1'), item('y', 'a1'), item('z', 'a2')],
      2,
      random,
    );
    expect(before > 'a0' && before < 'a1').toBe(true);
    const after = orderKeyAt([item('x', 'a1'), item('y', 'a1'), item('z', 'a1'), item('v', 'a2')], 2, random);
    expect(after > 'a1' && after < 'a2').toBe(true);
    const allTied = orderKeyAt([item('x', 'a1'), item('y', 'a1')], 1, random);
    expect(allTied < 'a1').toBe(true);
  });

  it('jitters among candidates so simultaneous inserts rarely collide', () => {
    const keys = new Set(Array.from({ length: 50 }, () => keyBetween('a0', 'a1', random)));
    expect(keys.size).toBeGreaterThan(1);
    for (const key of keys) expect(key > 'a0' && key < 'a1').toBe(true);
  });

  it('drops an invalid bound instead of throwing', () => {
    expect(keyBetween('~bad', 'a1', random) < 'a1').toBe(true);
    expect(keyBetween('a1', '~bad', random) > 'a1').toBe(true);
    expect(keyBetween('a2', 'a1', random) > 'a2').toBe(true);
  });
});
