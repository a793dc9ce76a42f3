import { describe, expect, it } from 'vitest';
import { growingCache } from '../../src/cache.js';

describe('growingCache', () => {
  it('keeps at most its number of entries, evicting the least recently used', () => {
    const cache = growingCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    // 'b' was used least recently: 'a' was read after it.
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    expect(cache.size).toBe(2);
  });

  it('allocates no slots up front: its size limit is a count of entries, not a preallocated max', () => {
    const cache = growingCache<string, number>(200_000);
    expect(cache.max).toBe(0);
    expect(cache.maxSize).toBe(200_000);
    for (let i = 0; i < 200_001; i += 1) cache.set(String(i), i);
    expect(cache.size).toBe(200_000);
    expect(cache.has('0')).toBe(false);
  });
});
