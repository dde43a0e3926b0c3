import { describe, expect, it } from 'vitest';
import { HeapGovernor, LOOSE_BELOW_BYTES, TIGHT_FROM_BYTES } from '../../src-main/heap';

const MB = 1024 * 1024;

describe('heap governor', () => {
  it('keeps the heap tight from the upper size on and lets it go only below the lower one', () => {
    const flags: string[] = [];
    const governor = new HeapGovernor((f) => flags.push(f));
    governor.check(100 * MB);
    governor.check(TIGHT_FROM_BYTES - 1);
    expect(flags).toEqual([]);
    governor.check(TIGHT_FROM_BYTES);
    expect(flags).toEqual(['--optimize-for-size']);
    expect(governor.keptTight).toBe(true);
    // Between the two sizes nothing changes, either way: no flapping around one size.
    governor.check(TIGHT_FROM_BYTES + 50 * MB);
    governor.check(LOOSE_BELOW_BYTES);
    expect(flags).toEqual(['--optimize-for-size']);
    governor.check(LOOSE_BELOW_BYTES - 1);
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size']);
    expect(governor.keptTight).toBe(false);
    governor.check(LOOSE_BELOW_BYTES + MB);
    expect(flags).toHaveLength(2);
  });
});
