import { describe, expect, it } from 'vitest';
import { capErrorsAtRequests } from '../../src/metrics/observation.js';

describe('capErrorsAtRequests', () => {
  it('caps errors above the requests and says so for that side', () => {
    const notes: string[] = [];
    const observation = { latencyMs: [], requests: 4, errors: 7 };
    capErrorsAtRequests('baseline', observation, notes);
    expect(observation.errors).toBe(4);
    expect(notes).toEqual(['baseline: 7 errors but 4 requests; errors capped at the requests']);
  });

  it('leaves counts that add up alone, equal ones included', () => {
    const notes: string[] = [];
    const equal = { latencyMs: [], requests: 3, errors: 3 };
    const fewer = { latencyMs: [], requests: 10, errors: 0 };
    capErrorsAtRequests('canary', equal, notes);
    capErrorsAtRequests('canary', fewer, notes);
    expect([equal.errors, fewer.errors]).toEqual([3, 0]);
    expect(notes).toEqual([]);
  });
});
