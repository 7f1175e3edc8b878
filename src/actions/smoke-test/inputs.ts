// Every smoke-test input parsed and validated into one typed settings object, before any request.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DURATION_RANGES } from '../../common/durations.js';
import { InputError } from '../../common/input-error.js';
import { type PathRoots, pathRoots, resolveInside } from '../../common/workspace-path.js';
import { parseUrl } from '../../http/url.js';
import type { CheckDefaults } from '../../probe/checks-config.js';
import type { SmokeSettings } from '../../probe/types.js';
import { urlCheck } from '../../probe/url-check.js';
import { InputReader } from '../kit/inputs.js';
import { maskHeaderValues, maskUrlCredentials } from '../kit/secrets.js';

export interface SmokeTestSettings {
  smoke: SmokeSettings;
  reportPath: string;
  junitPath?: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function readCa(path: string | undefined, roots: PathRoots): string | undefined {
  if (path === undefined) return undefined;
  const absolute = resolveInside({ input: 'ca-file' }, path, roots);
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    throw new InputError('ca-file', `'ca-file' must be a readable PEM file, got '${path}'`);
  }
}

export async function readSettings(
  input = new InputReader(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<SmokeTestSettings> {
  const roots = pathRoots(env);
  const workspace = roots.workspace;
  const urls = input.lines('url');
  for (const url of urls) {
    parseUrl('url', url);
    maskUrlCredentials(url);
  }
  const checksText = input.string('checks');
  if (urls.length === 0 && checksText === undefined) {
    throw new InputError(
      'url',
      "set 'url' (one or more URLs, one per line) or 'checks' (a YAML check suite or a file)",
    );
  }

  const defaults: CheckDefaults = {
    headers: input.headers('headers'),
    expectStatus: input.statusRanges('expect-status') ?? [{ min: 200, max: 299 }],
    followRedirects: input.boolean('follow-redirects') ?? true,
    maxRedirects: input.integer('max-redirects', { min: 0, max: 50 }) ?? 5,
    samples: input.integer('samples', { min: 1, max: 1_000_000 }) ?? 1,
    timeoutMs: input.duration('request-timeout', DURATION_RANGES.request) ?? 10_000,
    thresholds: {
      p50Ms: input.duration('latency-p50', DURATION_RANGES.request),
      p95Ms: input.duration('latency-p95', DURATION_RANGES.request),
      p99Ms: input.duration('latency-p99', DURATION_RANGES.request),
      maxMs: input.duration('latency-max', DURATION_RANGES.request),
      maxErrorRate: input.fraction('max-error-rate') ?? 0,
    },
    tls: {
      minValidDays: input.integer('cert-min-days', { min: 0, max: 3650 }),
      insecure: input.boolean('insecure') ?? false,
      ca: readCa(input.string('ca-file'), roots),
    },
  };
  const method = input.choice('method', METHODS) ?? 'GET';

  const checks = urls.map((url) => urlCheck(url, method, defaults));
  if (checksText !== undefined) {
    const { loadChecks } = await import('../../probe/checks-config.js');
    const fromSuite = await loadChecks(checksText, defaults, { baseDir: workspace, roots });
    for (const check of fromSuite) {
      maskUrlCredentials(check.url);
      maskHeaderValues(check.headers);
    }
    checks.push(...fromSuite);
  }

  const temp = env.RUNNER_TEMP ?? join(workspace, '.deploy-kit');
  const junitPath = input.string('junit-path');
  return {
    smoke: {
      checks,
      concurrency: input.integer('concurrency', { min: 1, max: 1000 }) ?? 10,
      waitTimeoutMs: input.duration('wait-timeout', DURATION_RANGES.wait) ?? 60_000,
      budgetMs: input.duration('timeout', DURATION_RANGES.wait) ?? 300_000,
      retry: { initialDelayMs: 200, maxDelayMs: 5_000, factor: 2 },
    },
    reportPath: resolveInside(
      { input: 'report-path' },
      input.string('report-path') ?? join(temp, 'deploy-kit', 'smoke-test-report.json'),
      roots,
    ),
    junitPath: junitPath === undefined ? undefined : resolveInside({ input: 'junit-path' }, junitPath, roots),
  };
}
