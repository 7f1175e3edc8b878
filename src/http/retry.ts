// Retrying what may heal: which failures waiting can fix (refused, reset, timeout, 5xx, 429), the wait a
// `retry-after` header asks for, and exponential back-off with full jitter.
import type { IncomingHttpHeaders } from 'node:http';
import type { ProbeResult } from './types.js';

export interface RetrySettings {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

/** True when waiting may fix it: connection refused, reset or timed out, a 5xx, or a 429. */
export function isHealable(result: ProbeResult): boolean {
  if (result.error)
    return (
      result.error.kind === 'refused' || result.error.kind === 'reset' || result.error.kind === 'timeout'
    );
  const status = result.answer?.status ?? 0;
  return status >= 500 || status === 429;
}

/** The wait a `retry-after` header asks for (seconds or an HTTP date), in ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Full jitter: uniform in [0, min(maxDelay, initialDelay·factor^(failures-1))). */
export function backoffMs(failures: number, retry: RetrySettings, random: () => number): number {
  const ceiling = Math.min(
    retry.maxDelayMs,
    retry.initialDelayMs * retry.factor ** Math.max(0, failures - 1),
  );
  return random() * ceiling;
}
