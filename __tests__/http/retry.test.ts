import { describe, expect, it } from 'vitest';
import type { RetrySettings } from '../../src/http/retry.js';
import { backoffMs, isHealable, retryAfterMs } from '../../src/http/retry.js';
import type { ProbeResult } from '../../src/http/types.js';

const RETRY: RetrySettings = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
const answered = (status: number, headers: Record<string, string> = {}): ProbeResult => ({
  latencyUs: 10,
  answer: { status, headers, body: '', bodyTruncated: false, url: 'http://x', redirects: 0 },
});

describe('retry rules', () => {
  it('heals refused, reset, timeout, 5xx and 429 only', () => {
    const error = (kind: 'refused' | 'reset' | 'timeout' | 'dns' | 'tls' | 'redirect'): ProbeResult => ({
      latencyUs: 1,
      error: { kind, message: kind },
    });
    expect(['refused', 'reset', 'timeout'].map((k) => isHealable(error(k as 'refused')))).toEqual([
      true,
      true,
      true,
    ]);
    expect(['dns', 'tls', 'redirect'].map((k) => isHealable(error(k as 'dns')))).toEqual([
      false,
      false,
      false,
    ]);
    expect([500, 502, 503, 429].map((s) => isHealable(answered(s)))).toEqual([true, true, true, true]);
    expect([200, 204, 301, 400, 401, 403, 404, 418].map((s) => isHealable(answered(s)))).toEqual(
      new Array(8).fill(false),
    );
  });

  it('reads retry-after as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, up to the maximum', () => {
    expect(backoffMs(1, RETRY, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffMs(3, RETRY, () => 0.999)).toBeCloseTo(399.6);
    expect(backoffMs(10, RETRY, () => 0.999)).toBeCloseTo(999);
    expect(backoffMs(10, RETRY, () => 0)).toBe(0);
    expect(backoffMs(2, RETRY, () => 0.5)).toBe(100);
  });
});
