// The smoke-test probe engine (runSmoke) beside autocannon, the reference load tool, against the test app
// running as a separate process on 127.0.0.1. Every figure is paired with its reference from the same run.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import autocannon, { type Result as AutocannonResult } from 'autocannon';
import { runSmoke } from '../src/probe/smoke.js';
import type { CheckSpec, ProbeLog, SmokeReport, SmokeSettings } from '../src/probe/types.js';
import {
  type BenchResult,
  fixed,
  type Helper,
  median,
  nowMs,
  percentile,
  plural,
  progress,
  ROOT,
  ratio,
  startHelper,
  table,
  timed,
} from './lib.js';

/** Alternating rounds per figure (ours, autocannon, ours, …); the median round is reported. */
const ROUNDS = 3;
/** Throughput rounds are short (~0.3 s) and the noisiest, so there are more of them. */
const THROUGHPUT_ROUNDS = 5;

const silent: ProbeLog = {
  info() {},
  warning() {},
  group: (_name, fn) => fn(),
};

function check(url: string, samples: number, name = url): CheckSpec {
  return {
    name,
    url,
    method: 'GET',
    headers: {},
    expectStatus: [{ min: 200, max: 299 }],
    bodyContains: [],
    bodyMatches: [],
    json: [],
    headerAssertions: [],
    followRedirects: false,
    maxRedirects: 0,
    timeoutMs: 10_000,
    tls: { insecure: false },
    samples,
    thresholds: {},
  };
}

function settings(checks: CheckSpec[], concurrency: number): SmokeSettings {
  return {
    checks,
    concurrency,
    waitTimeoutMs: 10_000,
    budgetMs: 120_000,
    retry: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 },
  };
}

interface OursRun {
  report: SmokeReport;
  ms: number;
  requests: number;
}

async function ours(checks: CheckSpec[], concurrency: number): Promise<OursRun> {
  const { value: report, ms } = await timed(() => runSmoke(settings(checks, concurrency), { log: silent }));
  const requests = report.checks.reduce((total, c) => total + c.samples.sent, 0);
  const failed = report.checks.reduce((total, c) => total + c.samples.failed, 0);
  if (!report.passed || failed > 0) {
    const reasons = report.checks.find((c) => !c.passed)?.reasons.join('; ');
    throw new Error(`runSmoke failed: ${failed} of ${requests} requests failed; ${reasons ?? ''}`);
  }
  return { report, ms, requests };
}

interface CannonRun {
  result: AutocannonResult;
  /** From the call to the last answer. */
  ms: number;
  /** From the call to its callback. */
  wallMs: number;
  requests: number;
  /** Every response time as autocannon measured it (ms, not rounded as its histogram does). */
  latencies: number[];
}

async function cannon(url: string, amount: number, connections: number): Promise<CannonRun> {
  const latencies: number[] = [];
  const started = nowMs();
  let lastResponse = started;
  const result = await new Promise<AutocannonResult>((done, fail) => {
    const instance = autocannon({ url, amount, connections, timeout: 10 }, (error, result) =>
      error ? fail(error) : done(result),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      lastResponse = nowMs();
    });
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(
      `autocannon: ${plural(result.errors, 'error')}, ${plural(result.timeouts, 'timeout')}, ${result.non2xx} non-2xx`,
    );
  }
  // autocannon notices it is done only at its next 1 s sampling tick, so its wall time is rounded up to
  // whole seconds; time it from the call to its last answer instead.
  return {
    result,
    ms: lastResponse - started,
    wallMs: nowMs() - started,
    requests: latencies.length,
    latencies,
  };
}

/**
 * What a client built on node:http can reach at best: a bare keep-alive loop (http.request, body dropped)
 * with no engine around it. Not judged; context for the throughput figure.
 */
async function rawNodeHttp(
  url: string,
  amount: number,
  concurrency: number,
): Promise<{ ms: number; requests: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let left = amount;
  let requests = 0;
  const one = () =>
    new Promise<void>((done, fail) => {
      const req = request(url, { agent }, (res) => {
        if (res.statusCode !== 200) fail(new Error(`raw node:http: status ${res.statusCode}`));
        res.resume();
        res.on('end', () => {
          requests += 1;
          done();
        });
      });
      req.on('error', fail);
      req.end();
    });
  try {
    const { ms } = await timed(() =>
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left > 0) {
            left -= 1;
            await one();
          }
        }),
      ),
    );
    return { ms, requests };
  } finally {
    agent.destroy();
  }
}

/** The run whose `key` is the median of the rounds (so its other figures belong to the same run). */
function medianRun<T>(runs: T[], key: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function startApp(): Promise<{ app: Helper; url: string }> {
  // The test app under tsx as a separate process; endpoints: /health (no delay), /slow?ms=N (N ms delay).
  const app = await startHelper(
    process.execPath,
    ['--import', 'tsx', '__tests__/fakes/test-app.ts', '--port', '0'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    },
  );
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(app.firstLine)) {
    await app.stop();
    throw new Error(`test app printed '${app.firstLine}', expected its URL`);
  }
  return { app, url: app.firstLine };
}

export async function run(): Promise<BenchResult> {
  const { app, url } = await startApp();
  try {
    const fast = `${url}/health`;
    const slow20 = `${url}/slow?ms=20`;
    const slow50 = `${url}/slow?ms=50`;

    // Warm-up: JIT, connection set-up code paths and the server, once for each tool.
    await ours([check(fast, 5000)], 50);
    await cannon(fast, 5000, 50);
    await rawNodeHttp(fast, 5000, 50);

    // a. p50 on a 20 ms endpoint, 2,000 requests at concurrency 10.
    progress('probe: p50 at 20 ms, 2,000 requests × 10');
    const p50Ours: { p50: number; run: OursRun }[] = [];
    const p50Cannon: { p50: number; hdrP50: number; run: CannonRun }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const o = await ours([check(slow20, 2000)], 10);
      p50Ours.push({ p50: o.report.checks[0]!.latencyMs!.p50, run: o });
      const c = await cannon(slow20, 2000, 10);
      p50Cannon.push({ p50: percentile(c.latencies, 50), hdrP50: c.result.latency.p50, run: c });
    }
    const aOurs = median(p50Ours.map((r) => r.p50));
    const aCannon = median(p50Cannon.map((r) => r.p50));
    const aRatio = aOurs / aCannon;
    const aMet = Math.abs(aRatio - 1) <= 0.05;

    // b. throughput, 5,000 requests at concurrency 50 on a 0-delay endpoint.
    progress('probe: throughput, 5,000 requests × 50');
    const bOursRuns: OursRun[] = [];
    const bCannonRuns: CannonRun[] = [];
    const bRawRuns: { ms: number; requests: number }[] = [];
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      bOursRuns.push(await ours([check(fast, 5000)], 50));
      bCannonRuns.push(await cannon(fast, 5000, 50));
      bRawRuns.push(await rawNodeHttp(fast, 5000, 50));
    }
    const rps = (r: { requests: number; ms: number }) => (r.requests / r.ms) * 1000;
    const bOurs = medianRun(bOursRuns, rps);
    const bCannon = medianRun(bCannonRuns, rps);
    const bRaw = medianRun(bRawRuns, rps);
    const bRatio = rps(bOurs) / rps(bCannon);
    const bMet = bRatio >= 0.7;

    // c. 200 checks of 1 sample at concurrency 20 on a 50 ms endpoint: ideal 200 / 20 × 50 ms = 0.5 s.
    progress('probe: 200 checks × 1 sample at concurrency 20, 50 ms');
    const ideal = (200 / 20) * 50;
    const cOursRuns: OursRun[] = [];
    const cCannonRuns: CannonRun[] = [];
    const manyChecks = Array.from({ length: 200 }, (_, i) => check(slow50, 1, `check ${i + 1}`));
    for (let round = 0; round < ROUNDS; round++) {
      cOursRuns.push(await ours(manyChecks, 20));
      cCannonRuns.push(await cannon(slow50, 200, 20));
    }
    const cOurs = median(cOursRuns.map((r) => r.ms));
    const cCannon = median(cCannonRuns.map((r) => r.ms));
    const cMet = cOurs / ideal <= 1.3;

    const hdr = median(p50Cannon.map((r) => r.hdrP50));
    const rows = [
      [
        'a. p50 latency, 20 ms endpoint, 2,000 req × 10 conc.',
        `${fixed(aOurs, 2)} ms`,
        `${fixed(aCannon, 2)} ms`,
        ratio(aRatio),
        'within ±5%',
        aMet ? '✅' : '❌',
      ],
      [
        'b. throughput, 0 ms endpoint, 5,000 req × 50 conc.',
        `${fixed(rps(bOurs), 0)} req/s (${fixed(bOurs.ms, 0)} ms)`,
        `${fixed(rps(bCannon), 0)} req/s (${fixed(bCannon.ms, 0)} ms)`,
        ratio(bRatio),
        '≥ 0.70×',
        bMet ? '✅' : '❌',
      ],
      [
        'c. 200 checks × 1 sample, 50 ms endpoint, 20 conc. (time)',
        `${fixed(cOurs, 0)} ms`,
        `${fixed(cCannon, 0)} ms (200 req)`,
        `${ratio(cOurs / ideal)} of ideal ${ideal} ms (autocannon ${ratio(cCannon / ideal)})`,
        '≤ 1.30× ideal',
        cMet ? '✅' : '❌',
      ],
    ];
    const spread = (values: number[], digits: number) => values.map((v) => fixed(v, digits)).join(', ');
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    return {
      title: 'Probe engine beside autocannon',
      table: table(['Figure', 'runSmoke', 'autocannon', 'Ratio', 'Goal', 'Met'], rows),
      goal: 'p50 within 5% of autocannon; throughput ≥ 0.7× autocannon; 200 checks ≤ 1.3× the ideal 0.5 s',
      met: aMet && bMet && cMet,
      method:
        `runSmoke in the benchmark process (silent log) and autocannon ${version} (programmatic API) alternately, ` +
        `${ROUNDS} rounds each (${THROUGHPUT_ROUNDS} for b) after a warm-up, against \`__tests__/fakes/test-app.ts\` ` +
        'in its own process (`/health`, `/slow?ms=20`, `/slow?ms=50`); medians of the rounds; ' +
        'requests/s = answers ÷ time from the call to the last answer (runSmoke: to its return).',
      notes: [
        `b. context, same run: a bare node:http keep-alive loop (no engine) did ${fixed(rps(bRaw), 0)} req/s, ` +
          `${ratio(rps(bRaw) / rps(bCannon))} autocannon; runSmoke did ${ratio(rps(bOurs) / rps(bRaw))} of it.`,
        `Rounds — a. p50 ours ${spread(
          p50Ours.map((r) => r.p50),
          2,
        )} ms, autocannon ${spread(
          p50Cannon.map((r) => r.p50),
          2,
        )} ms; b. req/s ours ${spread(bOursRuns.map(rps), 0)}, autocannon ${spread(
          bCannonRuns.map(rps),
          0,
        )}, bare node:http ${spread(bRawRuns.map(rps), 0)}; c. ours ${spread(
          cOursRuns.map((r) => r.ms),
          0,
        )} ms, autocannon ${spread(
          cCannonRuns.map((r) => r.ms),
          0,
        )} ms.`,
        `autocannon's p50 is computed from every response time it emits; its own histogram truncates to whole ms (${fixed(hdr, 0)} ms).`,
        'Client and test app share the 2 cores; the app answers /slow after a timer, so the floor is about N + 0.7 ms.',
      ],
    };
  } finally {
    await app.stop();
  }
}
