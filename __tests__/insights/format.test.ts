// How the keys read for people: spans, percentages, and the key lines when a key has no figure.
import { describe, expect, it } from 'vitest';
import {
  failureLine,
  formatPercent,
  formatSpan,
  keyLines,
  notCountedLine,
} from '../../src/insights/format.js';
import { computeInsights } from '../../src/insights/insights.js';
import { sortRecord } from '../../src/insights/record.js';
import { at, deployment } from './hand-built.js';

const MINUTE = 60_000;

describe('format', () => {
  it('writes spans in minutes, hours, then days, and rates as percentages', () => {
    expect(
      [0, 59 * MINUTE, 60 * MINUTE, 90 * MINUTE, 47.9 * 60 * MINUTE, 48 * 60 * MINUTE, 84 * 60 * MINUTE].map(
        formatSpan,
      ),
    ).toEqual(['0 min', '59 min', '1 h', '1.5 h', '47.9 h', '2 d', '3.5 d']);
    expect([0, 0.5, 1 / 3, 0.04276].map(formatPercent)).toEqual(['0%', '50%', '33.3%', '4.3%']);
  });

  it('says n/a, and why, for an environment with nothing deployed in the period', () => {
    const record = sortRecord(
      'production',
      { since: at(0), until: at(24 * 7) },
      [deployment({ id: 1, version: '1.0', created: 1, statuses: [['in_progress', 1]] })],
      'file',
    );
    const insights = computeInsights(record, { commits: new Map(), describe: 'no history', missing: [] });
    expect(keyLines(insights).map((k) => [k.key, k.value, k.band, k.why])).toEqual([
      ['deployment-frequency', '0 a week', 'low', 'less than once a month'],
      ['lead-time', 'n/a', 'n/a', 'no commit reached the environment in the period'],
      ['change-failure-rate', 'n/a', 'n/a', 'no deployment went live in the period'],
      ['time-to-restore', 'n/a', 'n/a', 'no failure to restore from in the period'],
    ]);
    expect(notCountedLine(insights)).toBe('Not counted: 1 in progress (1)');
  });

  it('puts a failure in one line: what, when, why, and how it ended', () => {
    expect(
      failureLine({
        deploymentId: '7',
        version: '2.1.0',
        liveAt: '2026-03-05T10:00:00.000Z',
        kind: 'smoke-failed',
        failedAt: '2026-03-05T10:05:00.000Z',
        why: 'rolled back by deployment 8: the smoke test of 2.1.0 failed',
      }),
    ).toBe(
      '2.1.0 (deployment 7, live 2026-03-05 10:00): rolled back by deployment 8: the smoke test of 2.1.0 failed; not restored yet',
    );
  });
});
