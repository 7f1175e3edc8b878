import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../src/insights/stats.js';

describe('median and percentile', () => {
  it('takes the middle, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
  it('takes the p90 by nearest rank: a value that happened', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([10, 1, 5], 0.9)).toBe(10);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.9)).toBeUndefined();
  });
});
