// The nginx router against a real nginx (Debian's /usr/sbin/nginx) on loopback, in front of two real test
// apps: the router writes the weighted upstream, nginx reloads, and the share of requests each version
// serves is counted.
import { readFile, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createNginxRouter,
  type NginxRouterSettings,
  nginxWeights,
  renderUpstream,
  validateNginxSettings,
} from '../../src/traffic/nginx.js';
import { RouterError, type WeightChange } from '../../src/traffic/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { NGINX_MISSING, nginxAvailable, type RunningNginx, startNginx } from '../helpers/nginx.js';

const available = nginxAvailable();
if (!available) console.warn(`skipping the nginx router tests: ${NGINX_MISSING}`);

function change(weight: number, step = 1): WeightChange {
  return { weight, step, baselineVersion: 'v1', canaryVersion: 'v2' };
}

/** Sends `n` GETs through nginx (8 at a time, fresh keep-alive pool) and counts the versions that answered. */
async function served(url: string, n: number): Promise<Map<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const counts = new Map<string, number>();
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const version =
            res.statusCode === 200 ? String(res.headers['x-app-version']) : `status ${res.statusCode}`;
          counts.set(version, (counts.get(version) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (sent < n) {
      sent += 1;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    agent.destroy();
  }
  return counts;
}

describe.skipIf(!available)('nginx router (real nginx)', () => {
  let baseline: TestApp;
  let canary: TestApp;
  let nginx: RunningNginx;
  let settings: NginxRouterSettings;

  beforeAll(async () => {
    baseline = await startTestApp({ version: 'v1' });
    canary = await startTestApp({ version: 'v2' });
    nginx = await startNginx({ servers: [baseline.url] });
    settings = {
      upstream: nginx.upstreamName,
      baseline: new URL(baseline.url).host,
      canary: new URL(canary.url).host,
      configPath: nginx.upstreamFile,
      nginxBinary: nginx.binary,
      nginxArgs: nginx.nginxArgs,
      pidFile: nginx.pidFile,
      checkUrl: `${nginx.url}/health`,
    };
  });

  afterAll(async () => {
    await nginx?.close();
    await Promise.all([baseline?.close(), canary?.close()]);
  });

  beforeEach(async () => {
    // Every test starts with all traffic on the baseline.
    await createNginxRouter(settings).setWeight(change(0));
  });

  it('sends each version the share of requests its weight asks for', async () => {
    const lines: string[] = [];
    const router = createNginxRouter(settings, {
      log: { info: (m) => lines.push(m), warning: (m) => lines.push(`warning: ${m}`) },
    });
    expect(router.kind).toBe('nginx');
    for (const [step, weight] of [5, 25, 50].entries()) {
      await router.setWeight(change(weight, step + 1));
      const counts = await served(nginx.url, 400);
      const share = (counts.get('v2') ?? 0) / 400;
      // One worker: smooth weighted round-robin is exact; the tolerance is for nothing but safety.
      expect(Math.abs(share - weight / 100)).toBeLessThanOrEqual(0.03);
      expect((counts.get('v1') ?? 0) + (counts.get('v2') ?? 0)).toBe(400);
    }
    expect(await readFile(nginx.upstreamFile, 'utf8')).toBe(
      [
        '# Written by deploy-kit canary-promote: step 3, canary weight 50%',
        '# (baseline v1, canary v2). Rewritten at each step.',
        'upstream app {',
        `    server ${settings.baseline} weight=50;`,
        `    server ${settings.canary} weight=50;`,
        '}',
        '',
      ].join('\n'),
    );
    expect(lines.at(-1)).toBe(
      `nginx router: upstream app set to canary 50% (step 3) in ${nginx.upstreamFile}`,
    );
    expect(lines.some((l) => l.startsWith('warning'))).toBe(false);
  });

  it('serves only the baseline at weight 0 and only the canary at 100', async () => {
    const router = createNginxRouter(settings);
    await router.setWeight(change(100, 4));
    expect(await served(nginx.url, 200)).toEqual(new Map([['v2', 200]]));
    expect(await readFile(nginx.upstreamFile, 'utf8')).not.toContain(settings.baseline);
    await router.setWeight(change(0, 5));
    expect(await served(nginx.url, 200)).toEqual(new Map([['v1', 200]]));
    expect(await readFile(nginx.upstreamFile, 'utf8')).not.toContain(settings.canary);
  });

  it('rejects a configuration that fails nginx -t, puts the old file back and keeps serving the old weights', async () => {
    const router = createNginxRouter(settings);
    await router.setWeight(change(20, 1));
    const before = await readFile(nginx.upstreamFile, 'utf8');
    // An address nginx cannot resolve passes our checks but fails nginx's own.
    const broken = createNginxRouter({ ...settings, canary: 'no-such-host.invalid:8080' });
    let error: unknown;
    try {
      await broken.setWeight(change(50, 2));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RouterError);
    expect((error as RouterError).message).toMatch(
      /^nginx router: configuration check \(nginx -t\) failed for weight 50%; the previous upstream file was put back: .*host not found in upstream "no-such-host\.invalid:8080"/,
    );
    expect(await readFile(nginx.upstreamFile, 'utf8')).toBe(before);
    const counts = await served(nginx.url, 200);
    expect(counts.get('v2')).toBe(40);
    expect(counts.get('v1')).toBe(160);
  });

  it('notices a reload the master refused (no new workers) and puts the old file back', async () => {
    const before = await readFile(nginx.upstreamFile, 'utf8');
    // SIGHUP straight to the master, without nginx -t: only the master's own check stands in the way.
    const router = createNginxRouter({
      ...settings,
      canary: 'no-such-host.invalid:8080',
      test: false,
      reloadCommand: ['kill', '-HUP', String(nginx.pid)],
      reloadTimeoutMs: 1500,
    });
    const started = Date.now();
    await expect(router.setWeight(change(40, 2))).rejects.toThrow(
      /^nginx router: nginx \(pid \d+\) did not start new workers within 1500 ms of the reload: the new configuration was not loaded/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await readFile(nginx.upstreamFile, 'utf8')).toBe(before);
    expect(await nginx.log()).toContain('host not found in upstream');
    expect(await served(nginx.url, 100)).toEqual(new Map([['v1', 100]]));
  });

  it('runs a reload script with the values in its environment', async () => {
    const seen = `${nginx.prefix}/reload-env.txt`;
    const router = createNginxRouter({
      ...settings,
      reloadCommand: {
        script: `printf '%s %s %s' "$DEPLOY_KIT_CANARY_WEIGHT" "$DEPLOY_KIT_STEP" "$DEPLOY_KIT_NGINX_CONFIG" > "$OUT"; "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -e "$PREFIX/error.log" -s reload`,
      },
      env: { PATH: process.env.PATH, OUT: seen, NGINX: nginx.binary, PREFIX: nginx.prefix },
    });
    await router.setWeight(change(50, 2));
    expect(await readFile(seen, 'utf8')).toBe(`50 2 ${nginx.upstreamFile}`);
    const counts = await served(nginx.url, 100);
    expect(counts.get('v2')).toBe(50);
  });

  it('fails a reload script that fails, with its last lines, and puts the old file back', async () => {
    const before = await readFile(nginx.upstreamFile, 'utf8');
    const router = createNginxRouter({
      ...settings,
      reloadCommand: { script: 'echo "reload refused" >&2; exit 4' },
      env: { PATH: process.env.PATH },
    });
    await expect(router.setWeight(change(30, 1))).rejects.toThrow(
      new RouterError('nginx router: reload command failed with exit code 4: reload refused', 'nginx'),
    );
    expect(await readFile(nginx.upstreamFile, 'utf8')).toBe(before);
  });
});

describe.skipIf(!available)('nginx router when nginx is not running', () => {
  it('fails the reload and leaves the file as it was', async () => {
    const app = await startTestApp({ version: 'v1' });
    const nginx = await startNginx({ servers: [app.url] });
    const original = await readFile(nginx.upstreamFile, 'utf8');
    const upstreamFile = nginx.upstreamFile;
    const settings: NginxRouterSettings = {
      upstream: 'app',
      baseline: new URL(app.url).host,
      canary: '127.0.0.1:1',
      configPath: upstreamFile,
      nginxBinary: nginx.binary,
      nginxArgs: nginx.nginxArgs,
      pidFile: nginx.pidFile,
    };
    // Stop the master but keep the prefix: nginx -t still passes, the reload has no one to signal.
    process.kill(nginx.pid, 'SIGTERM');
    for (let i = 0; i < 200 && (await readFile(nginx.pidFile, 'utf8').catch(() => '')) !== ''; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    try {
      const error = await createNginxRouter(settings)
        .setWeight(change(10))
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(RouterError);
      expect((error as Error).message).toMatch(
        /^nginx router: reload \(.* -s reload\) failed with exit code 1: /,
      );
      expect(await readFile(upstreamFile, 'utf8')).toBe(original);
    } finally {
      await nginx.close();
      await app.close();
    }
  });
});

describe('nginx upstream file', () => {
  const settings: NginxRouterSettings = {
    upstream: 'shop',
    baseline: '10.0.0.1:8080',
    canary: 'unix:/run/canary.sock',
    configPath: '/tmp/x.conf',
    keepalive: 16,
  };

  it('turns a weight in percent into nginx integer weights, keeping hundredths', () => {
    expect(nginxWeights(0)).toEqual({ baseline: 100, canary: 0 });
    expect(nginxWeights(25)).toEqual({ baseline: 75, canary: 25 });
    expect(nginxWeights(100)).toEqual({ baseline: 0, canary: 100 });
    expect(nginxWeights(0.5)).toEqual({ baseline: 9950, canary: 50 });
    expect(nginxWeights(12.34)).toEqual({ baseline: 8766, canary: 1234 });
    expect(() => nginxWeights(101)).toThrow(
      new RouterError('nginx router: weight must be within 0..100, got 101', 'nginx'),
    );
    expect(() => nginxWeights(Number.NaN)).toThrow(RouterError);
  });

  it('writes an upstream block with keepalive, leaving out a server whose weight is 0', () => {
    const text = renderUpstream(settings, {
      weight: 10,
      step: 1,
      baselineVersion: 'v1',
      canaryVersion: 'v2\n}',
    });
    expect(text).toBe(
      [
        '# Written by deploy-kit canary-promote: step 1, canary weight 10%',
        '# (baseline v1, canary v2?}). Rewritten at each step.',
        'upstream shop {',
        '    server 10.0.0.1:8080 weight=90;',
        '    server unix:/run/canary.sock weight=10;',
        '    keepalive 16;',
        '}',
        '',
      ].join('\n'),
    );
    expect(
      renderUpstream(settings, { weight: 0, step: 1, baselineVersion: 'a', canaryVersion: 'b' }),
    ).not.toContain('canary.sock');
  });

  it('rejects settings that could break out of the directive, naming the setting', () => {
    const bad: [Partial<NginxRouterSettings>, string][] = [
      [
        { upstream: 'app; include /etc/passwd' },
        "upstream name must be letters, digits, '.', '_' or '-', got 'app; include /etc/passwd'",
      ],
      [
        { baseline: '127.0.0.1:80; server evil:80' },
        "baseline address must be host:port, [ipv6]:port or unix:/path, got '127.0.0.1:80; server evil:80'",
      ],
      [
        { canary: 'host:80 weight=100' },
        "canary address must be host:port, [ipv6]:port or unix:/path, got 'host:80 weight=100'",
      ],
      [
        { canary: 'http://host:80' },
        "canary address must be host:port, [ipv6]:port or unix:/path, got 'http://host:80'",
      ],
      [{ configPath: '' }, 'config path is empty'],
      [{ keepalive: 0 }, 'keepalive must be a positive whole number, got 0'],
      [{ reloadCommand: [] }, 'reload command is an empty list'],
    ];
    for (const [patch, message] of bad) {
      expect(() => validateNginxSettings({ ...settings, ...patch })).toThrow(
        new RouterError(`nginx router: ${message}`, 'nginx', Object.keys(patch)[0]),
      );
    }
    expect(() =>
      validateNginxSettings({ ...settings, baseline: '[::1]:8080', canary: 'app-v2.internal' }),
    ).not.toThrow();
  });

  it('puts the old file back when nginx -t cannot even run', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/nginx-router-`);
    const configPath = `${dir}/upstream.conf`;
    await writeFile(configPath, 'upstream shop { server 10.0.0.1:8080; }\n');
    const router = createNginxRouter({ ...settings, configPath, nginxBinary: `${dir}/no-nginx-here` });
    await expect(router.setWeight(change(10))).rejects.toThrow(
      /configuration check \(nginx -t\) failed .*ENOENT/,
    );
    expect(await readFile(configPath, 'utf8')).toBe('upstream shop { server 10.0.0.1:8080; }\n');
  });
});
