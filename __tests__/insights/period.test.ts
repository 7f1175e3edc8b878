import { describe, expect, it } from 'vitest';
import { inPeriod, parsePeriod, periodDays } from '../../src/insights/period.js';

const now = new Date('2026-03-31T12:00:00Z');

describe('parsePeriod', () => {
  it('reads spans back from now and ISO dates', () => {
    expect(parsePeriod('since', '90d', now)).toEqual({
      since: '2025-12-31T12:00:00.000Z',
      until: now.toISOString(),
    });
    expect(parsePeriod('since', '2w', now).since).toBe('2026-03-17T12:00:00.000Z');
    expect(parsePeriod('since', '36h', now).since).toBe('2026-03-30T00:00:00.000Z');
    expect(parsePeriod('since', '2026-03-01', now, '2026-03-15T00:00:00Z')).toEqual({
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-15T00:00:00.000Z',
    });
    expect(periodDays(parsePeriod('since', '90d', now))).toBe(90);
  });
  it('refuses other forms, naming the input and the expected form', () => {
    expect(() => parsePeriod('since', 'last quarter', now)).toThrow(
      "'since' must be a span back from now like 90d, 12w or 36h, or an ISO date like 2026-01-01, got 'last quarter'",
    );
    expect(() => parsePeriod('since', '0d', now)).toThrow(/'since' must be/);
    expect(() => parsePeriod('since', '2027-01-01', now)).toThrow(/before the period's end/);
    expect(() => parsePeriod('since', '2026-02-31x', now)).toThrow(/ISO date/);
    expect(() => parsePeriod('since', '9999d', now)).toThrow(/at most 3660 days/);
  });
  it('holds its start and not its end', () => {
    const period = { since: '2026-03-01T00:00:00.000Z', until: '2026-03-02T00:00:00.000Z' };
    expect(inPeriod(period, '2026-03-01T00:00:00Z')).toBe(true);
    expect(inPeriod(period, '2026-03-02T00:00:00Z')).toBe(false);
  });
});
