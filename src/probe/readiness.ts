// Waiting for a target to be ready: retry healable failures (refused, reset, timeout, 5xx, 429) with
// exponential back-off and full jitter, honouring retry-after, until the first final answer or the wait
// runs out. A 4xx other than 429 is final at once, and so is a 2xx whatever its assertions say.
import { describeResult } from '../http/errors.js';
import { backoffMs, isHealable, type RetrySettings, retryAfterMs } from '../http/retry.js';
import type { Sleep } from '../http/timing.js';
import type { ProbeResult } from '../http/types.js';

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
