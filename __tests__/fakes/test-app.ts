// A small HTTP(S) app on loopback that tests, benchmarks and the demo probe. It can be told to start late,
// be slow, fail a share of requests, reset connections, or serve an expired or soon-expiring certificate.
//
//   npx tsx __tests__/fakes/test-app.ts --port 0 --version v2 --delay-ms 20   # prints its URL, runs until killed
//   ... --delay-ms 20 --delay-sigma 0.5 --fail-rate 0.02   # lognormal latencies (median 20 ms), 2% answered 500
//
// /metrics (Prometheus text format) has http_requests_total{code,version} and the latency histogram
// http_request_duration_seconds{le,version}; scrapes themselves are not counted.
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from 'selfsigned';

/** What the app does with each request; every field can be changed at run time with `app.set()`. */
export interface Behaviour {
  version: string;
  /** Fixed delay before each answer. */
  delayMs: number;
  /** Extra random delay, uniform in [0, jitterMs). */
  jitterMs: number;
  /**
   * Lognormal spread of the delay: when > 0, each delay is delayMs·exp(sigma·Z) with Z standard normal
   * (seeded), so delayMs is the median — the shape real latencies have (the canary benchmarks use 0.5).
   */
  delaySigma: number;
  /** Share of requests answered 500 (exact over any run of requests: every 1/failRate-th fails). */
  failRate: number;
  /** Share of requests whose connection is destroyed without an answer. */
  resetRate: number;
  /** Status of every answer (except /metrics), when set. */
  status?: number;
  /** How many times /retry-after answers 429 before it answers 200. */
  retryAfterTimes: number;
  /** More paths the app answers 200 (an example stack's own pages): HTML text, or JSON (with `version` added). */
  pages?: Record<string, string | Record<string, unknown>>;
}

export interface TestAppOptions extends Partial<Behaviour> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Refuse connections until this many ms after start (the port is known at once). */
  startDelayMs?: number;
  /** Seed of the jitter generator. */
  seed?: number;
  /** Serve HTTPS with a generated certificate (`self-signed`, or `expired` a day ago) or the given one. */
  tls?: 'self-signed' | 'expired' | { key: string; cert: string };
  /** Validity of a generated `self-signed` certificate, in days (default 365). */
  certDays?: number;
}

export interface TestApp {
  url: string;
  port: number;
  /** Requests received so far (all paths). */
  readonly requests: number;
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** The most requests in flight at once so far. */
  readonly peakInFlight: number;
  /** The certificate served (PEM), in TLS mode: trust it with `tls.ca`. */
  cert?: string;
  /** Resolves once the port accepts connections (after `startDelayMs`). */
  listening: Promise<void>;
  set(behaviour: Partial<Behaviour>): void;
  close(): Promise<void>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DAY_MS = 86_400_000;

/** Generated certificates, one per kind and validity, reused across apps so starting one stays fast. */
const certCache = new Map<string, Promise<{ key: string; cert: string }>>();

function certificate(kind: 'self-signed' | 'expired', days: number): Promise<{ key: string; cert: string }> {
  const cacheKey = `${kind}:${days}`;
  let pending = certCache.get(cacheKey);
  if (!pending) {
    const now = Date.now();
    const [notBeforeDate, notAfterDate] =
      kind === 'expired'
        ? [new Date(now - 30 * DAY_MS), new Date(now - DAY_MS)]
        : [new Date(now - 60_000), new Date(now + days * DAY_MS)];
    pending = generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    }).then((pems) => ({ key: pems.private, cert: pems.cert }));
    certCache.set(cacheKey, pending);
  }
  return pending;
}

/** A free port on loopback, found by listening on port 0 and closing again. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (!address || typeof address === 'string') throw new Error('test-app: no port');
  return address.port;
}

/** mulberry32: a tiny seeded PRNG, so jitter is the same from run to run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** True for exactly `rate` of the calls over any long run, spread evenly (call n fails when ⌊n·rate⌋ steps). */
function shareCounter(): (rate: number) => boolean {
  let n = 0;
  return (rate) => {
    n += 1;
    return rate > 0 && Math.floor(n * rate) > Math.floor((n - 1) * rate);
  };
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const behaviour: Behaviour = {
    version: options.version ?? 'v1',
    delayMs: options.delayMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    delaySigma: options.delaySigma ?? 0,
    failRate: options.failRate ?? 0,
    resetRate: options.resetRate ?? 0,
    status: options.status,
    retryAfterTimes: options.retryAfterTimes ?? 2,
    pages: options.pages,
  };
  const random = prng(options.seed ?? 42);
  /** A standard normal draw (Box-Muller) from the seeded generator. */
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const shouldFail = shareCounter();
  const shouldReset = shareCounter();
  const byStatus = new Map<number, number>();
  const bucketCounts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  let latencySum = 0;
  let latencyCount = 0;
  let requests = 0;
  let connections = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let retryAfterSeen = 0;

  const finish = (
    res: ServerResponse,
    started: number,
    status: number,
    body: string,
    type = 'application/json',
    counted = true,
  ) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'x-app-version': behaviour.version,
    });
    res.end(body);
    // Scrapes of /metrics are not the app's traffic: they stay out of the counters.
    if (!counted) return;
    const seconds = (performance.now() - started) / 1000;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    latencySum += seconds;
    latencyCount += 1;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++)
      if (seconds <= LATENCY_BUCKETS[i]!) bucketCounts[i]! += 1;
  };

  const metrics = (): string => {
    const v = JSON.stringify(behaviour.version);
    const lines = [
      '# HELP http_requests_total Requests answered, by status code.',
      '# TYPE http_requests_total counter',
      ...[...byStatus].map(([code, n]) => `http_requests_total{code="${code}",version=${v}} ${n}`),
      '# HELP http_request_duration_seconds Time to answer a request.',
      '# TYPE http_request_duration_seconds histogram',
      ...LATENCY_BUCKETS.map(
        (le, i) => `http_request_duration_seconds_bucket{le="${le}",version=${v}} ${bucketCounts[i]}`,
      ),
      `http_request_duration_seconds_bucket{le="+Inf",version=${v}} ${latencyCount}`,
      `http_request_duration_seconds_sum{version=${v}} ${latencySum}`,
      `http_request_duration_seconds_count{version=${v}} ${latencyCount}`,
      '',
    ];
    return lines.join('\n');
  };

  const answer = (req: IncomingMessage, res: ServerResponse, url: URL, started: number) => {
    const path = url.pathname;
    const json = (status: number, value: unknown) => finish(res, started, status, JSON.stringify(value));
    const forced = behaviour.status;
    if (forced !== undefined)
      return json(forced, { status: forced >= 500 ? 'down' : 'ok', version: behaviour.version });
    if (shouldFail(behaviour.failRate)) return json(500, { status: 'down', error: 'injected failure' });

    const page = behaviour.pages?.[path];
    if (typeof page === 'string') return finish(res, started, 200, page, 'text/html');
    if (page) return json(200, { ...page, version: behaviour.version });
    if (path === '/' || path === '/health' || path === '/version') {
      return json(200, { status: 'ok', version: behaviour.version });
    }
    if (path === '/json') {
      return json(200, {
        status: 'ok',
        version: behaviour.version,
        build: { commit: 'abc1234', ready: true, replicas: 3 },
        items: [
          { id: 1, name: 'alpha', tags: ['a', 'b'] },
          { id: 2, name: 'beta', tags: [] },
        ],
        empty: null,
      });
    }
    if (path === '/slow') return json(200, { status: 'ok', version: behaviour.version });
    if (path === '/headers') return json(200, req.headers);
    if (path.startsWith('/status/')) {
      const code = Number(path.slice('/status/'.length));
      return json(code >= 100 && code <= 599 ? code : 400, { status: code });
    }
    if (path === '/redirect-loop' || path === '/redirect') {
      const location = path === '/redirect' ? (url.searchParams.get('to') ?? '/') : '/redirect-loop';
      const status = Number(url.searchParams.get('status') ?? 302);
      res.setHeader('location', location);
      return finish(res, started, status, '', 'text/plain');
    }
    if (path === '/retry-after') {
      retryAfterSeen += 1;
      if (retryAfterSeen <= behaviour.retryAfterTimes) {
        const date = url.searchParams.has('date');
        res.setHeader('retry-after', date ? new Date(Date.now() + 1000).toUTCString() : '1');
        return json(429, { status: 'busy' });
      }
      return json(200, { status: 'ok', version: behaviour.version });
    }
    return json(404, { status: 'not found', path });
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    inFlight += 1;
    if (inFlight > peakInFlight) peakInFlight = inFlight;
    res.once('close', () => {
      inFlight -= 1;
    });
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://app');
    if (url.pathname === '/metrics')
      return finish(res, started, 200, metrics(), 'text/plain; version=0.0.4', false);
    if (shouldReset(behaviour.resetRate)) {
      req.socket.destroy();
      return;
    }
    const median =
      behaviour.delaySigma > 0
        ? behaviour.delayMs * Math.exp(behaviour.delaySigma * normal())
        : behaviour.delayMs;
    let wait = median + (behaviour.jitterMs > 0 ? random() * behaviour.jitterMs : 0);
    if (url.pathname === '/slow') wait += Number(url.searchParams.get('ms') ?? 1000);
    // Read (and drop) any request body first, so keep-alive connections stay usable.
    req.resume();
    if (wait <= 0) return answer(req, res, url, started);
    const timer = setTimeout(() => answer(req, res, url, started), wait);
    res.on('close', () => clearTimeout(timer));
  };

  const tls = options.tls;
  const pems =
    tls === undefined
      ? undefined
      : typeof tls === 'object'
        ? tls
        : await certificate(tls, options.certDays ?? 365);
  const server: Server = pems
    ? createHttpsServer({ key: pems.key, cert: pems.cert }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  server.on(pems ? 'secureConnection' : 'connection', () => {
    connections += 1;
  });

  const startDelayMs = options.startDelayMs ?? 0;
  const port = options.port ? options.port : startDelayMs > 0 ? await freePort() : 0;
  let closed = false;
  let startTimer: NodeJS.Timeout | undefined;
  const listen = async () => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  const listening =
    startDelayMs > 0
      ? new Promise<void>((resolve, reject) => {
          startTimer = setTimeout(() => (closed ? resolve() : listen().then(resolve, reject)), startDelayMs);
        })
      : listen();
  if (startDelayMs <= 0) await listening;
  const address = server.address();
  const actualPort = address && typeof address === 'object' ? address.port : port;

  return {
    url: `${pems ? 'https' : 'http'}://127.0.0.1:${actualPort}`,
    port: actualPort,
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    cert: pems?.cert,
    listening,
    set(change) {
      if (change.retryAfterTimes !== undefined) retryAfterSeen = 0;
      Object.assign(behaviour, change);
    },
    async close() {
      closed = true;
      clearTimeout(startTimer);
      if (!server.listening) return;
      const done = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await done;
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      version: { type: 'string', default: 'v1' },
      'delay-ms': { type: 'string', default: '0' },
      'jitter-ms': { type: 'string', default: '0' },
      'delay-sigma': { type: 'string', default: '0' },
      'fail-rate': { type: 'string', default: '0' },
      'reset-rate': { type: 'string', default: '0' },
      status: { type: 'string' },
      'start-delay-ms': { type: 'string', default: '0' },
      tls: { type: 'string' },
      'cert-days': { type: 'string' },
    },
  });
  const tls = values.tls;
  if (tls !== undefined && tls !== 'self-signed' && tls !== 'expired') {
    throw new Error(`--tls must be self-signed or expired, got '${tls}'`);
  }
  const app = await startTestApp({
    port: Number(values.port),
    version: values.version,
    delayMs: Number(values['delay-ms']),
    jitterMs: Number(values['jitter-ms']),
    delaySigma: Number(values['delay-sigma']),
    failRate: Number(values['fail-rate']),
    resetRate: Number(values['reset-rate']),
    status: values.status === undefined ? undefined : Number(values.status),
    startDelayMs: Number(values['start-delay-ms']),
    tls,
    certDays: values['cert-days'] === undefined ? undefined : Number(values['cert-days']),
  });
  process.stdout.write(`${app.url}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`test-app: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
