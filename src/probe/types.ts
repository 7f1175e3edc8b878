// The probe engine's typed settings and results. Pure data: no @actions/* here.
import type { RetrySettings } from '../http/retry.js';
import type { StatusRange } from '../http/status-ranges.js';
import type { TlsSettings } from '../http/types.js';

/** An assertion on one field of a JSON body. `path` is dotted with [index] (`data.items[0].id`, `$` prefix allowed). */
export interface JsonAssertion {
  path: string;
  exists?: boolean;
  equals?: unknown;
  matches?: RegExp;
  min?: number;
  max?: number;
}

/** An assertion on a response header (name case-insensitive). */
export interface HeaderAssertion {
  name: string;
  exists?: boolean;
  equals?: string;
  matches?: RegExp;
}

/** Thresholds a check's latency and error rate must stay within. Error rate is a fraction 0..1. */
export interface Thresholds {
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  maxErrorRate?: number;
}

export interface CheckSpec {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: StatusRange[];
  bodyContains: string[];
  bodyMatches: RegExp[];
  json: JsonAssertion[];
  headerAssertions: HeaderAssertion[];
  followRedirects: boolean;
  maxRedirects: number;
  timeoutMs: number;
  tls: TlsSettings;
  /** Requests sent for this check (the first successful readiness answer counts as the first). */
  samples: number;
  thresholds: Thresholds;
}

export interface SmokeSettings {
  checks: CheckSpec[];
  /** Requests in flight at once, across all checks. */
  concurrency: number;
  /** How long to keep retrying healable failures (refused, reset, 5xx, 429) before the first success. */
  waitTimeoutMs: number;
  /** Hard bound on the whole run. */
  budgetMs: number;
  retry: RetrySettings;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

export interface TlsReport {
  subject: string;
  issuer: string;
  validTo: string;
  daysLeft: number;
}

export interface CheckResult {
  name: string;
  method: string;
  /** The URL with any credentials removed. */
  url: string;
  passed: boolean;
  /** Why it failed, one line each; empty when passed. */
  reasons: string[];
  readiness: { ready: boolean; attempts: number; waitedMs: number; lastError?: string };
  /** Status of the first answer, when there was one. */
  status?: number;
  samples: { sent: number; failed: number; errorRate: number };
  latencyMs: LatencySummary | null;
  tls?: TlsReport;
  durationMs: number;
}

export interface SmokeReport {
  passed: boolean;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
}

/** Where the engine writes what it is doing; the action maps these onto log groups. */
export interface ProbeLog {
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}
