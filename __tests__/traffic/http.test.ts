import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpRouter, weightBody } from '../../src/traffic/http.js';
import { createRouter, RouterError, type WeightChange } from '../../src/traffic/index.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** How the hook answers one request: a status (with headers and body), or no answer at all. */
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

interface Hook {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const hooks: Hook[] = [];

/** A real HTTP server on loopback that records each weight it is sent and answers from a script (then 200). */
async function startHook(replies: Reply[] = []): Promise<Hook> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
        at: Date.now(),
      });
      const reply = replies.shift() ?? { status: 200, body: '{"ok":true}' };
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const hook: Hook = {
    url: `http://127.0.0.1:${port}/weights`,
    received,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  hooks.push(hook);
  return hook;
}

afterEach(async () => {
  await Promise.all(hooks.splice(0).map((hook) => hook.close()));
});

function change(weight: number, extra: Partial<WeightChange> = {}): WeightChange {
  return { weight, step: 2, baselineVersion: 'v1', canaryVersion: 'v2', ...extra };
}

async function routerError(promise: Promise<unknown>): Promise<RouterError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    expect((error as RouterError).router).toBe('http');
    return error as RouterError;
  }
  throw new Error('expected a RouterError');
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    log: { info: (m: string) => lines.push(`info ${m}`), warning: (m: string) => lines.push(`warn ${m}`) },
  };
}

/** Records the back-off delays asked for and waits a little instead, so retries stay fast. */
function fastSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe('http router', () => {
  it('POSTs the weight, step and versions as JSON with the configured headers', async () => {
    const hook = await startHook();
    const { lines, log } = recorder();
    const router = createRouter(
      'http',
      { url: hook.url, headers: { Authorization: 'Bearer s3cret', 'X-Team': 'web' } },
      { log },
    );
    expect(router.kind).toBe('http');
    await router.setWeight(change(20, { step: 2 }));
    await router.setWeight(change(0, { step: 3 }));
    expect(hook.received.map((r) => r.body)).toEqual([
      { weight: 20, step: 2, baseline: 'v1', canary: 'v2' },
      { weight: 0, step: 3, baseline: 'v1', canary: 'v2' },
    ]);
    const first = hook.received[0]!;
    expect(first.method).toBe('POST');
    expect(first.path).toBe('/weights');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers.authorization).toBe('Bearer s3cret');
    expect(first.headers['x-team']).toBe('web');
    expect(lines).toEqual([
      `info http router: POST ${hook.url} answered 200 for weight 20%`,
      `info http router: POST ${hook.url} answered 200 for weight 0%`,
    ]);
    expect(lines.join('\n')).not.toContain('s3cret');
    expect(JSON.parse(weightBody(change(5)))).toEqual({ weight: 5, step: 2, baseline: 'v1', canary: 'v2' });
  });

  it('uses the method asked for', async () => {
    const hook = await startHook([{ status: 204 }]);
    await createHttpRouter({ url: hook.url, method: 'put' }).setWeight(change(50));
    expect(hook.received[0]!.method).toBe('PUT');
  });

  it('retries 5xx answers with back-off and succeeds once the hook recovers', async () => {
    const hook = await startHook([{ status: 503, body: 'upstream busy' }, { status: 502 }]);
    const { lines, log } = recorder();
    const { delays, sleep } = fastSleep();
    const router = createHttpRouter(
      { url: hook.url, retries: 3, retryInitialDelayMs: 100, retryMaxDelayMs: 1000 },
      { log, sleep, random: () => 0.5 },
    );
    await router.setWeight(change(25));
    expect(hook.received).toHaveLength(3);
    expect(hook.received.every((r) => (r.body as { weight: number }).weight === 25)).toBe(true);
    // Full jitter at random() = 0.5: half of 100·2^0, then half of 100·2^1.
    expect(delays).toEqual([50, 100]);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
      `warn http router: POST ${hook.url}: status 503; retrying in 50 ms`,
      `warn http router: POST ${hook.url}: status 502; retrying in 100 ms`,
    ]);
  });

  it('gives up after its retries with the last answer in the error', async () => {
    const hook = await startHook(
      Array.from({ length: 5 }, () => ({ status: 500, body: '{"error":"db down"}' })),
    );
    const { sleep } = fastSleep();
    const error = await routerError(
      createHttpRouter({ url: hook.url, retries: 2 }, { sleep }).setWeight(change(50)),
    );
    expect(hook.received).toHaveLength(3);
    expect(error.message).toBe(
      `http router: POST ${hook.url} failed for weight 50%: status 500: {"error":"db down"} (after 3 attempts)`,
    );
  });

  it('honours retry-after on 429 (in seconds, really waited)', async () => {
    const hook = await startHook([{ status: 429, headers: { 'retry-after': '1' } }]);
    const { lines, log } = recorder();
    await createHttpRouter({ url: hook.url }, { log }).setWeight(change(5));
    expect(hook.received).toHaveLength(2);
    const waited = hook.received[1]!.at - hook.received[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3000);
    expect(lines).toContain(`warn http router: POST ${hook.url}: status 429; retrying in 1000 ms`);
  });

  it('retries a hook that does not answer within the timeout', async () => {
    const hook = await startHook(['hang']);
    const { lines, log } = recorder();
    const { sleep } = fastSleep();
    const started = Date.now();
    await createHttpRouter({ url: hook.url, timeoutMs: 300 }, { log, sleep }).setWeight(change(10));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(hook.received).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('warn'))).toMatch(/no complete answer within 300 ms; retrying in/);
  });

  it('fails at once on a 4xx other than 429, quoting the answer', async () => {
    const hook = await startHook([{ status: 400, body: '{"error":"weight must be even"}' }]);
    const error = await routerError(createHttpRouter({ url: hook.url }).setWeight(change(5)));
    expect(hook.received).toHaveLength(1);
    expect(error.message).toBe(
      `http router: POST ${hook.url} answered status 400: {"error":"weight must be even"} for weight 5%`,
    );
  });

  it('retries a refused connection and reports it when it stays refused', async () => {
    const hook = await startHook();
    const url = hook.url;
    await hook.close();
    hooks.length = 0;
    const { delays, sleep } = fastSleep();
    const error = await routerError(createHttpRouter({ url, retries: 1 }, { sleep }).setWeight(change(5)));
    expect(delays).toHaveLength(1);
    expect(error.message).toMatch(
      /^http router: POST http:\/\/127\.0\.0\.1:\d+\/weights failed for weight 5%: connection refused/,
    );
    expect(error.message).toContain('(after 2 attempts)');
  });

  it('stops retrying when cancelled', async () => {
    const hook = await startHook([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const controller = new AbortController();
    const router = createHttpRouter(
      { url: hook.url, retryInitialDelayMs: 10_000, retryMaxDelayMs: 10_000 },
      { random: () => 1, log: { info() {}, warning: () => controller.abort() } },
    );
    const started = Date.now();
    const error = await routerError(router.setWeight(change(30, { signal: controller.signal })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hook.received).toHaveLength(1);
    expect(error.message).toBe(`http router: cancelled while setting weight 30% (POST ${hook.url})`);
  });

  it('keeps credentials out of errors and logs', async () => {
    const hook = await startHook([{ status: 403, body: 'forbidden' }]);
    const withUser = hook.url.replace('http://', 'http://admin:hunter2@');
    const { lines, log } = recorder();
    const error = await routerError(
      createHttpRouter({ url: withUser, headers: { authorization: 'Bearer t0ken' } }, { log }).setWeight(
        change(5),
      ),
    );
    expect(hook.received[0]!.headers.authorization).toBe('Bearer t0ken');
    expect(error.message).not.toMatch(/hunter2|t0ken/);
    expect(lines.join('\n')).not.toMatch(/hunter2|t0ken/);
    expect(error.message).toContain(`POST ${hook.url} answered status 403`);
  });

  it('rejects bad settings when created, naming what is wrong, and a bad weight before sending', async () => {
    const cases: [Parameters<typeof createHttpRouter>[0], string][] = [
      [{ url: 'not a url' }, "http router: the URL must be an http(s) URL, got 'not a url'"],
      [{ url: 'ftp://host/x' }, "http router: the URL must be an http(s) URL, got 'ftp://host/x'"],
      [
        { url: 'http://h/', method: 'PO ST' },
        "http router: the method must be a word like POST or PUT, got 'PO ST'",
      ],
      [
        { url: 'http://h/', retries: -1 },
        'http router: retries must be a whole number of at least 0, got -1',
      ],
      [
        { url: 'http://h/', retries: Number.NaN },
        'http router: retries must be a whole number of at least 0, got NaN',
      ],
      [{ url: 'http://h/', timeoutMs: 0 }, 'http router: the timeout must be a positive duration, got 0 ms'],
      [
        { url: 'http://h/', headers: { 'bad name': 'x' } },
        "http router: header name 'bad name' is not a valid HTTP header name",
      ],
      [
        { url: 'http://h/', headers: { authorization: 'Bearer a\r\nx: y' } },
        "http router: the value of header 'authorization' has a line break or control character",
      ],
    ];
    // Each error names the setting at fault (the last one given here), so the action can name its input.
    for (const [settings, message] of cases) {
      expect(() => createHttpRouter(settings)).toThrow(
        new RouterError(message, 'http', Object.keys(settings).at(-1)),
      );
    }
    const hook = await startHook();
    const error = await routerError(createHttpRouter({ url: hook.url }).setWeight(change(120)));
    expect(error.message).toBe('http router: weight must be within 0..100, got 120');
    expect(hook.received).toHaveLength(0);
  });
});
