// Blue-green against a real nginx (Debian's) in front of two real test apps: the idle colour is
// smoke-tested on its own address, all traffic switches at once, the front door is smoke-tested through
// nginx, and any failure switches straight back to the old colour, which was never touched.
import { Agent, request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBlueGreen, urlSmoke } from '../../src/canary/blue-green.js';
import { createNginxRouter, type NginxRouterSettings } from '../../src/traffic/nginx.js';
import type { Router } from '../../src/traffic/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { NGINX_MISSING, nginxAvailable, type RunningNginx, startNginx } from '../helpers/nginx.js';

const available = nginxAvailable();
if (!available) console.warn(`skipping the blue-green tests: ${NGINX_MISSING}`);

/** The versions that answered `n` GETs through nginx. */
async function served(url: string, n: number): Promise<Map<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const counts = new Map<string, number>();
  try {
    for (let i = 0; i < n; i++) {
      const version = await new Promise<string>((resolve, reject) => {
        const req = request(`${url}/`, { agent }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve(
              res.statusCode === 200 ? String(res.headers['x-app-version']) : `status ${res.statusCode}`,
            ),
          );
        });
        req.on('error', reject);
        req.end();
      });
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
  } finally {
    agent.destroy();
  }
  return counts;
}

const quiet = {
  info: () => {},
  warning: () => {},
  group: <T>(_: string, fn: () => Promise<T>) => fn(),
};

describe.skipIf(!available)('blue-green (real nginx)', () => {
  let blue: TestApp;
  let green: TestApp;
  let broken: TestApp;
  let nginx: RunningNginx;
  let settings: NginxRouterSettings;
  const logged: string[] = [];
  const log = { info: (m: string) => logged.push(m), warning: (m: string) => logged.push(`warning: ${m}`) };

  beforeAll(async () => {
    blue = await startTestApp({ version: 'v1' });
    green = await startTestApp({ version: 'v2' });
    broken = await startTestApp({ version: 'v2', failRate: 0.5 });
    nginx = await startNginx({ servers: [blue.url] });
    settings = {
      upstream: nginx.upstreamName,
      baseline: new URL(blue.url).host,
      canary: new URL(green.url).host,
      configPath: nginx.upstreamFile,
      nginxBinary: nginx.binary,
      nginxArgs: nginx.nginxArgs,
      pidFile: nginx.pidFile,
    };
  });
  afterAll(async () => {
    await nginx?.close();
    await Promise.all([blue?.close(), green?.close(), broken?.close()]);
  });
  beforeEach(async () => {
    logged.length = 0;
    await createNginxRouter(settings).setWeight({
      weight: 0,
      step: 0,
      baselineVersion: 'v1',
      canaryVersion: 'v2',
    });
  });
  afterEach(() => {
    expect(logged.filter((line) => line.includes('undefined'))).toEqual([]);
  });

  const run = (router: Router, idleUrl: string, front = true) =>
    runBlueGreen(
      { environment: 'production', liveVersion: 'v1', idleVersion: 'v2' },
      {
        router,
        smoke: {
          idle: urlSmoke(`${idleUrl}/`, { samples: 10, waitTimeoutMs: 2000 }, quiet),
          ...(front ? { front: urlSmoke(`${nginx.url}/`, { samples: 10, waitTimeoutMs: 2000 }, quiet) } : {}),
        },
        signal: new AbortController().signal,
        log,
      },
    );

  it('switches all traffic at once after the idle colour passes, and keeps the old colour for the way back', async () => {
    const weights: number[] = [];
    const router = createNginxRouter(settings);
    const recording: Router = {
      kind: 'nginx',
      setWeight: async (change) => {
        weights.push(change.weight);
        await router.setWeight(change);
      },
    };
    const report = await run(recording, green.url);
    expect(report).toMatchObject({ status: 'switched', finalWeight: 100, standby: 'v1' });
    expect(report.frontSmoke?.passed).toBe(true);
    expect(weights).toEqual([100]);
    expect(await served(nginx.url, 40)).toEqual(new Map([['v2', 40]]));
    // The old colour was never touched: it still answers on its own address, and the way back is instant.
    expect(await served(blue.url, 5)).toEqual(new Map([['v1', 5]]));
    await router.setWeight({ weight: 0, step: 9, baselineVersion: 'v1', canaryVersion: 'v2' });
    expect(await served(nginx.url, 40)).toEqual(new Map([['v1', 40]]));
  });

  it('never moves traffic when the idle colour fails its smoke test', async () => {
    const report = await run(createNginxRouter(settings), broken.url);
    expect(report.status).toBe('not-switched');
    expect(report.finalWeight).toBe(0);
    expect(report.reason).toMatch(
      /^v2 failed its smoke test before the switch, so traffic stayed on v1: GET /,
    );
    expect(await served(nginx.url, 20)).toEqual(new Map([['v1', 20]]));
  });

  it('switches straight back when the front door fails after the switch', async () => {
    // The router points nginx at the broken green: the idle check (on the healthy address) passes, the front
    // door through nginx does not.
    const router = createNginxRouter({ ...settings, canary: new URL(broken.url).host });
    const report = await run(router, green.url);
    expect(report.status).toBe('switched-back');
    expect(report.reason).toContain('the front door failed its smoke test after the switch');
    expect(report.reason).toContain('all traffic went back to v1 at once');
    expect(report.finalWeight).toBe(0);
    expect(await served(nginx.url, 20)).toEqual(new Map([['v1', 20]]));
    expect(
      logged.some((line) => line.startsWith('warning: blue-green: switched production back to v1')),
    ).toBe(true);
  });

  it('switches back when the switch itself fails, and says when even that fails', async () => {
    const router = createNginxRouter(settings);
    let calls = 0;
    const failingOnce: Router = {
      kind: 'nginx',
      setWeight: async (change) => {
        calls += 1;
        if (change.weight === 100) {
          // nginx applied it, then the check after the reload failed: the router throws.
          await router.setWeight(change);
          throw new Error('nginx answered 502 after the reload');
        }
        await router.setWeight(change);
      },
    };
    const report = await run(failingOnce, green.url);
    expect(report.status).toBe('switched-back');
    expect(report.reason).toContain(
      'the switch to v2 failed (the router failed: nginx answered 502 after the reload)',
    );
    expect(calls).toBe(2);
    expect(await served(nginx.url, 20)).toEqual(new Map([['v1', 20]]));

    const stuck = await run(
      {
        kind: 'nginx',
        setWeight: async () => {
          throw new Error('nginx -t failed');
        },
      },
      green.url,
    );
    expect(stuck).toMatchObject({ status: 'stuck', finalWeight: null });
    expect(stuck.reason).toContain('the switch back to v1 failed too: nginx -t failed');
  });
});
