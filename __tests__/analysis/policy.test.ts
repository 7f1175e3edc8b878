import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, decide, POLICIES, policyFor } from '../../src/analysis/policy.js';
import type { OutcomePolicies } from '../../src/analysis/types.js';

const all = (policy: OutcomePolicies['onError']): OutcomePolicies => ({
  onNoData: policy,
  onInconclusive: policy,
  onError: policy,
});

describe('outcome policies', () => {
  it('picks the policy of the input that governs each outcome', () => {
    const policies: OutcomePolicies = { onNoData: 'hold', onInconclusive: 'extend', onError: 'abort' };
    expect(policyFor('no-data', policies)).toBe('hold');
    expect(policyFor('inconclusive', policies)).toBe('extend');
    expect(policyFor('error', policies)).toBe('abort');
    expect(POLICIES).toEqual(['hold', 'extend', 'abort', 'promote']);
    expect(DEFAULT_POLICIES).toEqual({ onNoData: 'hold', onInconclusive: 'extend', onError: 'hold' });
  });

  it('aborts, passes or keeps judging when the hold ends undecided', () => {
    const base = { extensionsUsed: 0, when: 'hold-ended' as const };
    expect(decide({ ...base, outcome: 'no-data', policies: all('abort') })).toMatchObject({
      effect: 'abort',
      input: 'on-no-data',
      reason: 'no data; on-no-data: abort → abort',
    });
    expect(decide({ ...base, outcome: 'inconclusive', policies: all('promote') })).toMatchObject({
      effect: 'pass',
      reason: 'inconclusive; on-inconclusive: promote → the step passes',
    });
    expect(decide({ ...base, outcome: 'error', policies: all('promote') }).effect).toBe('pass');
    expect(
      decide({ ...base, outcome: 'inconclusive', policies: all('hold'), detail: 'canary 3 of 20 samples' }),
    ).toMatchObject({
      effect: 'keep-judging',
      reason:
        'inconclusive (canary 3 of 20 samples); on-inconclusive: hold → stay at this weight and keep judging until max-duration',
    });
  });

  it('extends a bounded number of times, then aborts', () => {
    const request = {
      outcome: 'inconclusive' as const,
      policies: all('extend'),
      when: 'hold-ended' as const,
    };
    expect(decide({ ...request, extensionsUsed: 0 })).toMatchObject({
      effect: 'extend',
      reason: expect.stringContaining('extension 1 of 1, the last'),
    });
    expect(decide({ ...request, extensionsUsed: 1 })).toMatchObject({
      effect: 'abort',
      reason: expect.stringContaining('still undecided after 1 extension'),
    });
    expect(decide({ ...request, extensionsUsed: 1, maxExtensions: 3 }).effect).toBe('extend');
    expect(decide({ ...request, extensionsUsed: 3, maxExtensions: 3 }).reason).toContain(
      'after 3 extensions',
    );
  });

  it('decides errors at the look that failed: abort at once, otherwise carry on', () => {
    const look = { outcome: 'error' as const, extensionsUsed: 0, when: 'look' as const };
    expect(decide({ ...look, policies: all('abort') }).effect).toBe('abort');
    expect(decide({ ...look, policies: all('hold') })).toMatchObject({
      effect: 'keep-judging',
      reason: 'the metric source failed; on-error: hold → skip this look',
    });
    expect(decide({ ...look, policies: all('promote') }).effect).toBe('keep-judging');
    expect(decide({ ...look, policies: all('extend') }).effect).toBe('extend');
    expect(decide({ ...look, policies: all('extend'), extensionsUsed: 1 }).effect).toBe('abort');
  });

  it('refuses to decide missing data or inconclusiveness before the hold ends', () => {
    expect(() =>
      decide({ outcome: 'no-data', policies: all('hold'), extensionsUsed: 0, when: 'look' }),
    ).toThrow(/only errors/);
  });
});
