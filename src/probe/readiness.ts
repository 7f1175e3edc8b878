// Waiting for a target to be ready: retry healable failures (refused, reset, timeout, 5xx, 429) with
// exponential back-off and full jitter, honouring retry-after, until the first final answer or the wait
// runs out. A 4xx other than 429 is final at once, and so is a 2xx whatever its assertions say.
import type { IncomingHttpHeaders } from 'node:http';
import { MAX_TIMER_MS, type ProbeResult } from './http-client.js';
import type { RetrySettings } from './types.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or as soon as `signal` aborts (it never rejects). */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', done, { once: true });
  });

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

/** `connection refused (ECONNREFUSED)`, `status 503`. */
export function describeResult(result: ProbeResult): string {
  if (result.error) return result.error.message;
  return `status ${result.answer?.status ?? 0}`;
}

export interface ReadinessOptions {
  waitTimeoutMs: number;
  retry: RetrySettings;
  signal?: AbortSignal;
  /** Called after each healable failure with the delay before the next attempt. */
  onRetry?: (attempt: number, result: ProbeResult, delayMs: number) => void;
}

export interface ReadinessDeps {
  now: () => number;
  random: () => number;
  sleep: Sleep;
}

export interface ReadinessOutcome {
  /** A final HTTP answer came back (whatever its status); it is the check's first sample. */
  ready: boolean;
  /** Why it is not ready: the wait ran out, it was aborted, or a final error (tls, dns, redirect...). */
  stoppedBy?: 'timeout' | 'aborted' | 'error';
  /** The last attempt's result. */
  result?: ProbeResult;
  attempts: number;
  waitedMs: number;
  /** The last failure, as one line. */
  lastError?: string;
}

export async function waitUntilReady(
  attempt: () => Promise<ProbeResult>,
  options: ReadinessOptions,
  deps: ReadinessDeps,
): Promise<ReadinessOutcome> {
  const started = deps.now();
  const waitEnd = started + options.waitTimeoutMs;
  const { signal } = options;
  let attempts = 0;
  let lastError: string | undefined;
  let result: ProbeResult | undefined;
  const outcome = (ready: boolean, stoppedBy?: ReadinessOutcome['stoppedBy']): ReadinessOutcome => ({
    ready,
    stoppedBy,
    result,
    attempts,
    waitedMs: deps.now() - started,
    lastError,
  });

  for (;;) {
    if (signal?.aborted) return outcome(false, 'aborted');
    attempts += 1;
    result = await attempt();
    if (signal?.aborted || result.error?.kind === 'aborted') return outcome(false, 'aborted');
    if (!isHealable(result)) {
      if (result.answer) return outcome(true);
      lastError = describeResult(result);
      return outcome(false, 'error');
    }
    lastError = describeResult(result);
    const now = deps.now();
    const remaining = waitEnd - now;
    if (remaining <= 0) return outcome(false, 'timeout');
    const asked = result.answer ? retryAfterMs(result.answer.headers, now) : undefined;
    const delay = Math.min(asked ?? backoffMs(attempts, options.retry, deps.random), remaining);
    options.onRetry?.(attempts, result, delay);
    await deps.sleep(delay, signal);
  }
}
