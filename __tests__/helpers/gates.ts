// A GateContext for the gates' unit tests: a recording log, a controllable clock whose sleep advances it,
// and a real GitHub client when a fake GitHub is given.

import type { GateContext, GateLog, GateTarget } from '../../src/gates/types.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import type { FakeGitHub } from '../fakes/github/index.js';

export interface RecordingLog extends GateLog {
  lines: string[];
  warnings: string[];
  groups: string[];
  /** Everything logged, in order, groups as `::group::name`. */
  all(): string;
}

export function recordingLog(): RecordingLog {
  const lines: string[] = [];
  const warnings: string[] = [];
  const groups: string[] = [];
  const order: string[] = [];
  return {
    lines,
    warnings,
    groups,
    info: (message) => {
      lines.push(message);
      order.push(message);
    },
    warning: (message) => {
      warnings.push(message);
      order.push(`warning: ${message}`);
    },
    group: async (name, fn) => {
      groups.push(name);
      order.push(`::group::${name}`);
      try {
        return await fn();
      } finally {
        order.push('::endgroup::');
      }
    },
    all: () => order.join('\n'),
  };
}

export function fakeClient(gh: FakeGitHub, token: string = gh.token): GitHubClient {
  return createGitHubClient({
    token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 5,
    maxRateLimitWaitSeconds: 2,
    log: { debug: () => {}, warning: () => {} },
    env: {},
  });
}

export function gateTarget(overrides: Partial<GateTarget> = {}): GateTarget {
  return {
    owner: 'octo',
    repo: 'app',
    sha: 'a'.repeat(40),
    ref: 'refs/heads/main',
    eventName: 'push',
    labels: [],
    selfCheckNames: [],
    ...overrides,
  };
}

/** A simulated clock: `sleep` advances it at once (and honours the signal). */
export function simulatedClock(start = new Date('2026-06-01T10:00:00Z')) {
  let now = start.getTime();
  const sleeps: number[] = [];
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      sleeps.push(ms);
      now += ms;
    },
  };
}

export function gateContext(overrides: Partial<GateContext> = {}): GateContext & { log: RecordingLog } {
  const clock = simulatedClock();
  const log = recordingLog();
  return {
    target: gateTarget(),
    env: {},
    workspace: process.cwd(),
    log,
    signal: new AbortController().signal,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  } as GateContext & { log: RecordingLog };
}
