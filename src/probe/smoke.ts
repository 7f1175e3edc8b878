// The smoke test: for each check, wait until the target answers, then send its samples; all requests
// of all checks share one pool of `concurrency` in-flight requests. Each check passes or fails with
// one-line reasons (readiness, assertions, error rate, latency percentiles, certificate expiry).

import { setMaxListeners } from 'node:events';
import { formatDuration } from '../common/durations.js';
import { HttpClient } from '../http/client.js';
import { describeResult } from '../http/errors.js';
import { redactUrl } from '../http/safe-url.js';
import { MAX_TIMER_MS, sleep as realSleep, type Sleep } from '../http/timing.js';
import { fetchPeerCertificate } from '../http/tls.js';
import type { CertificateInfo, ProbeResult } from '../http/types.js';
import { evaluateAnswer, needsBody } from './assertions.js';
import { LatencyHistogram } from './histogram.js';
import { type ReadinessOutcome, waitUntilReady } from './readiness.js';
import type {
  CheckResult,
  CheckSpec,
  LatencySummary,
  ProbeLog,
  SmokeReport,
  SmokeSettings,
  TlsReport,
} from './types.js';

export interface SmokeDeps {
  log: ProbeLog;
  /** Abort to stop promptly: requests in flight are ended and unfinished checks fail. */
  signal?: AbortSignal;
  /** Wall clock in ms (default Date.now); latencies are measured with the monotonic clock regardless. */
  now?: () => number;
  /** For back-off jitter (default Math.random). */
  random?: () => number;
  sleep?: Sleep;
}

const DAY_MS = 86_400_000;
/** Distinct failure reasons counted per check; later new ones are only counted as failures. */
const MAX_DISTINCT_FAILURES = 20;
/** Distinct failure reasons reported per check. */
const REPORTED_FAILURES = 3;
/** Readiness retries logged per check. */
const LOGGED_RETRIES = 10;

function formatRate(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A FIFO pool of `limit` slots: every request of the run goes through it. */
class Pool {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** What the samples of one check came to. */
class Samples {
  readonly histogram = new LatencyHistogram();
  sent = 0;
  failed = 0;
  readonly failures = new Map<string, number>();
  certificate: CertificateInfo | undefined;

  constructor(private readonly check: CheckSpec) {}

  /** Counts one result; requests ended by a stop are not samples. */
  add(result: ProbeResult): void {
    if (result.error?.kind === 'aborted') return;
    this.sent += 1;
    this.certificate ??= result.certificate;
    let reasons: string[];
    if (result.answer) {
      this.histogram.recordMicros(result.latencyUs);
      reasons = evaluateAnswer(this.check, result.answer);
      if (reasons.length === 0) return;
    } else {
      reasons = [describeResult(result)];
    }
    this.failed += 1;
    for (const reason of reasons) {
      const seen = this.failures.get(reason);
      if (seen !== undefined) this.failures.set(reason, seen + 1);
      else if (this.failures.size < MAX_DISTINCT_FAILURES) this.failures.set(reason, 1);
    }
  }

  /** The most frequent distinct failures, with counts when there was more than one sample. */
  topFailures(): string[] {
    return [...this.failures]
      .sort((a, b) => b[1] - a[1])
      .slice(0, REPORTED_FAILURES)
      .map(([reason, count]) => (this.sent > 1 ? `${reason} (in ${count} of ${this.sent} samples)` : reason));
  }
}

function tlsReport(cert: CertificateInfo, now: number): TlsReport {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    validTo: cert.validTo,
    daysLeft: Math.floor((cert.validToMs - now) / DAY_MS),
  };
}

function certificateReasons(check: CheckSpec, cert: CertificateInfo, now: number): string[] {
  const date = cert.validTo.slice(0, 10);
  const left = cert.validToMs - now;
  if (left <= 0) return [`certificate expired on ${date}`];
  const min = check.tls.minValidDays;
  if (min !== undefined && left < min * DAY_MS) {
    return [
      `certificate expires in ${plural(Math.floor(left / DAY_MS), 'day')} (${date}), fewer than ${min}`,
    ];
  }
  return [];
}

function latencyReasons(check: CheckSpec, summary: LatencySummary | null): string[] {
  if (!summary) return [];
  const { p50Ms, p95Ms, p99Ms, maxMs } = check.thresholds;
  const reasons: string[] = [];
  const over = (label: string, value: number, limit: number | undefined) => {
    if (limit !== undefined && value > limit)
      reasons.push(`${label} ${formatDuration(value)} > ${formatDuration(limit)}`);
  };
  over('p50', summary.p50, p50Ms);
  over('p95', summary.p95, p95Ms);
  over('p99', summary.p99, p99Ms);
  over('max', summary.max, maxMs);
  return reasons;
}

/** Why a check that never got a final answer failed. */
function notReadyReason(readiness: ReadinessOutcome, stopReason: string | undefined): string {
  const attempts = plural(readiness.attempts, 'attempt');
  const last = readiness.lastError ? `; last: ${readiness.lastError}` : '';
  switch (readiness.stoppedBy) {
    case 'aborted': {
      const why = stopReason ?? 'aborted';
      if (readiness.attempts === 0) return `${why} before the check started`;
      if (readiness.lastError === undefined) return `${why} before the first answer`;
      return `${why} while waiting for readiness (${attempts}${last})`;
    }
    case 'timeout':
      return `not ready after ${attempts} in ${formatDuration(readiness.waitedMs)}${last}`;
    default:
      // A final error (tls, dns, redirect loop...) says it all.
      return readiness.lastError ?? 'not ready';
  }
}

function samplesLine(samples: Samples, latency: LatencySummary | null): string {
  const rate = samples.sent === 0 ? 0 : samples.failed / samples.sent;
  const counts = `${plural(samples.sent, 'sample')}, ${samples.failed} failed (${formatRate(rate)})`;
  if (!latency) return counts;
  const { p50, p95, p99, max } = latency;
  return `${counts}; latency p50 ${formatDuration(p50)}, p95 ${formatDuration(p95)}, p99 ${formatDuration(p99)}, max ${formatDuration(max)}`;
}

export async function runSmoke(settings: SmokeSettings, deps: SmokeDeps): Promise<SmokeReport> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? realSleep;
  const concurrency = Math.max(1, Math.floor(settings.concurrency));
  const runStart = now();
  const pool = new Pool(concurrency);
  const client = new HttpClient({ maxSockets: concurrency });

  // One signal for everything that must stop: the caller's abort or the end of the budget.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  let stopReason: string | undefined;
  const halt = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    stop.abort();
    client.destroy(reason);
  };
  const onAbort = () => halt('aborted');
  const budgetTimer = setTimeout(
    () => {
      log.warning(`smoke test budget of ${formatDuration(settings.budgetMs)} ran out; stopping`);
      halt(`budget of ${formatDuration(settings.budgetMs)} ran out`);
    },
    Math.min(settings.budgetMs, MAX_TIMER_MS),
  );
  if (deps.signal?.aborted) onAbort();
  else deps.signal?.addEventListener('abort', onAbort, { once: true });

  const runCheck = async (check: CheckSpec, lines: string[]): Promise<CheckResult> => {
    const checkStart = now();
    const url = redactUrl(check.url);
    const samples = new Samples(check);
    const wanted = Math.max(1, Math.floor(check.samples));
    const keepBody = needsBody(check);
    const send = () => pool.run(() => client.request(check, { keepBody }));
    lines.push(`${check.method.toUpperCase()} ${url}: ${plural(wanted, 'sample')}`);

    let retries = 0;
    const readiness: ReadinessOutcome = await waitUntilReady(
      send,
      {
        waitTimeoutMs: settings.waitTimeoutMs,
        retry: settings.retry,
        signal: stop.signal,
        onRetry: (attempt, result, delayMs) => {
          retries += 1;
          if (retries <= LOGGED_RETRIES) {
            lines.push(
              `attempt ${attempt}: ${describeResult(result)}; retrying in ${formatDuration(delayMs)}`,
            );
          } else if (retries === LOGGED_RETRIES + 1) {
            lines.push('(further retries not logged)');
          }
        },
      },
      { now, random, sleep },
    );

    const reasons: string[] = [];
    if (readiness.ready && readiness.result) {
      lines.push(
        `ready after ${plural(readiness.attempts, 'attempt')} (${formatDuration(readiness.waitedMs)}): status ${readiness.result.answer?.status}`,
      );
      samples.add(readiness.result);
      let remaining = wanted - 1;
      const worker = async () => {
        while (remaining > 0 && !stop.signal.aborted) {
          remaining -= 1;
          samples.add(await send());
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, remaining) }, worker));
      if (samples.sent < wanted && stopReason) {
        reasons.push(`${stopReason} after ${samples.sent} of ${plural(wanted, 'sample')}`);
      }
    } else {
      reasons.push(notReadyReason(readiness, stopReason));
      lines.push(`not ready: ${reasons[0]}`);
      if (readiness.result?.error?.kind === 'tls' && !stopReason) {
        samples.certificate = await fetchPeerCertificate(check.url, check.timeoutMs);
      }
    }

    const latency = samples.histogram.summary();
    const errorRate = samples.sent === 0 ? 0 : samples.failed / samples.sent;
    if (samples.sent > 0) {
      const maxErrorRate = check.thresholds.maxErrorRate ?? 0;
      if (errorRate > maxErrorRate) {
        if (samples.sent > 1) {
          reasons.push(
            `error rate ${formatRate(errorRate)} > ${formatRate(maxErrorRate)} (${samples.failed} of ${samples.sent} samples failed)`,
          );
        }
        reasons.push(...samples.topFailures());
      }
      reasons.push(...latencyReasons(check, latency));
      lines.push(samplesLine(samples, latency));
    }
    const checkedAt = now();
    let tls: TlsReport | undefined;
    if (samples.certificate) {
      tls = tlsReport(samples.certificate, checkedAt);
      reasons.push(...certificateReasons(check, samples.certificate, checkedAt));
      lines.push(
        `certificate ${tls.subject || '(no subject)'}, issued by ${tls.issuer || '(no issuer)'}, valid to ${tls.validTo} (${plural(tls.daysLeft, 'day')} left)`,
      );
    }
    const passed = reasons.length === 0;
    lines.push(passed ? 'passed' : `failed: ${reasons.join('; ')}`);

    return {
      name: redactUrl(check.name),
      method: check.method.toUpperCase(),
      url,
      passed,
      reasons,
      readiness: {
        ready: readiness.ready,
        attempts: readiness.attempts,
        waitedMs: readiness.waitedMs,
        ...(readiness.lastError ? { lastError: readiness.lastError } : {}),
      },
      status: readiness.result?.answer?.status,
      samples: { sent: samples.sent, failed: samples.failed, errorRate },
      latencyMs: latency,
      ...(tls ? { tls } : {}),
      durationMs: checkedAt - checkStart,
    };
  };

  log.info(
    `Probing ${plural(settings.checks.length, 'check')}, ${concurrency} in flight at most, budget ${formatDuration(settings.budgetMs)}`,
  );
  try {
    const logs = settings.checks.map(() => [] as string[]);
    const running = settings.checks.map((check, i) => runCheck(check, logs[i]!));
    // Should one throw (a bug), the others must not become unhandled rejections while it propagates.
    for (const pending of running) pending.catch(() => undefined);
    const checks: CheckResult[] = [];
    // Checks run at once; their logs are written whole, one group each, in the order of the checks.
    for (const [i, pending] of running.entries()) {
      const result = await pending;
      checks.push(result);
      await log.group(redactUrl(settings.checks[i]!.name), async () => {
        for (const line of logs[i]!) log.info(line);
      });
    }
    return {
      passed: checks.every((check) => check.passed),
      startedAt: new Date(runStart).toISOString(),
      durationMs: now() - runStart,
      checks,
    };
  } finally {
    clearTimeout(budgetTimer);
    deps.signal?.removeEventListener('abort', onAbort);
    client.destroy('finished');
  }
}
