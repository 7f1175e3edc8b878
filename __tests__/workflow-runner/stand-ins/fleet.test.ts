// The stand-in hosting and tools: every call logged with its arguments, the site switched to the version
// asked for, and anything the real tool would have been asked that the stand-in does not know refused.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxAvailable } from '../../helpers/nginx.js';
import { type Fleet, startFleet } from './fleet.js';

describe('the fleet of stand-ins', () => {
  let fleet: Fleet;
  let cwd: string;
  // Asynchronous: the fleet answers from this process, so a synchronous spawn would wait on itself.
  const run = (tool: string, args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(tool, args, { cwd, env: { ...process.env, ...fleet.env(), ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
  beforeAll(async () => {
    fleet = await startFleet({
      environments: ['staging', 'production'],
      hosts: { 'deploy@host': 'production' },
      versions: { broken: { status: 503 } },
    });
    cwd = mkdtempSync(join(tmpdir(), 'fleet-'));
  });
  afterAll(() => fleet.close());

  it('serves nothing until a version is deployed, then the version asked for, switching back and forth', async () => {
    expect(await fleet.served('production')).toBe('HTTP 502');
    expect((await run('ssh', ['deploy@host', 'switch', 'v1'])).status).toBe(0);
    expect(await fleet.served('production')).toBe('v1');
    await run('ssh', ['deploy@host', 'switch', 'broken']);
    expect(await fleet.served('production')).toBe('HTTP 503');
    await run('ssh', ['deploy@host', 'switch', 'v1']);
    expect(await fleet.served('production')).toBe('v1');
    expect(await fleet.served('staging')).toBe('HTTP 502');
  });

  it('logs every call with its arguments and exit code, refused ones too', async () => {
    const before = fleet.calls().length;
    const refused = await run('ssh', ['deploy@host', 'rm', '-rf', '/']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("ssh-gate: refused 'rm /'");
    expect((await run('ssh', ['stranger@host', 'switch', 'v1'])).stderr).toContain(
      'Could not resolve hostname',
    );
    expect(fleet.calls().slice(before)).toEqual([
      { tool: 'ssh', args: ['deploy@host', 'rm', '-rf', '/'], cwd, code: 1 },
      { tool: 'ssh', args: ['stranger@host', 'switch', 'v1'], cwd, code: 255 },
    ]);
  });

  it('never downloads through npx, and refuses what a stand-in does not know', async () => {
    const download = await run('npx', ['--yes', 'left-pad@1.3.0']);
    expect(download.status).toBe(1);
    expect(download.stderr).toContain('npx stand-in: refusing to download left-pad@1.3.0');
    expect((await run('docker', ['compose', 'up', '-d'])).stderr).toContain(
      'docker stand-in: unsupported call: docker compose up -d',
    );
    expect((await run('vercel', ['whoami', '--token=t'])).status).toBe(2);
    expect((await run('npx', ['vercel@39.1.1', 'deploy', '--prebuilt'])).stderr).toContain(
      'No existing credentials found',
    );
  });

  it('aws: needs credentials; ssm deploys and reports, s3 answers from its folder', async () => {
    const creds = { AWS_ACCESS_KEY_ID: 'k', AWS_REGION: 'eu-west-1' };
    expect((await run('aws', ['s3api', 'head-object', '--bucket', 'b', '--key', 'k'])).stderr).toContain(
      'Unable to locate credentials',
    );
    expect((await run('aws', ['s3api', 'head-object', '--bucket', 'b', '--key', 'k'], creds)).status).toBe(
      254,
    );
    fleet.putObject('b', 'k', 'model');
    expect(
      (await run('aws', ['s3api', 'head-object', '--bucket', 'b', '--key', 'k'], creds)).stdout,
    ).toContain('"ContentLength":5');
    const parameters = JSON.stringify({
      commands: ["export IMAGE='registry/api:v7'", 'systemctl restart api'],
    });
    const sent = await run(
      'aws',
      ['ssm', 'send-command', '--targets', 'Key=tag:app,Values=api-staging', '--parameters', parameters],
      creds,
    );
    expect(sent.status).toBe(0);
    const id = sent.stdout.trim();
    expect((await run('aws', ['ssm', 'list-command-invocations', '--command-id', id], creds)).stdout).toBe(
      'Success\tSuccess\n',
    );
    expect(await fleet.served('staging')).toBe('v7');
  });

  it('rsync and ssh deploy: the bundle copied to the host decides the image tag', async () => {
    mkdirSync(join(cwd, 'bundle'));
    writeFileSync(join(cwd, 'bundle/.env'), 'IMAGE_TAG=v9\n');
    expect(
      (await run('rsync', ['-a', '--delete', '-e', 'ssh', 'bundle/', 'deploy@host:/srv/app/releases/1/']))
        .status,
    ).toBe(0);
    expect((await run('ssh', ['deploy@host', 'deploy', '/srv/app/releases/1', 'deploy'])).status).toBe(0);
    expect(await fleet.served('production')).toBe('v9');
  });

  it('puts the stand-ins first on PATH, ahead of any real tool', async () => {
    const found = (await run('bash', ['-c', 'command -v aws gcloud kubectl'])).stdout;
    for (const line of found.trim().split('\n')) expect(line).toMatch(/fleet-.*\/bin\//);
  });
});

describe.skipIf(!nginxAvailable())('an ingress environment (ingress-nginx with a canary Ingress)', () => {
  let fleet: Fleet;
  let dir: string;
  const kubectl = (...args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn('kubectl', ['--namespace', 'app-production', ...args], {
        env: { ...process.env, ...fleet.env(), KUBECONFIG: join(dir, 'kubeconfig') },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      child.on('close', (status) => done({ status, stderr }));
    });
  /** Versions answering 40 requests through the site. */
  const split = async () => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const version = await fleet.served('production');
      seen[version] = (seen[version] ?? 0) + 1;
    }
    return seen;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-ingress-'));
    writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
    fleet = await startFleet({
      environments: ['production'],
      ingress: ['production'],
      targetsFile: join(dir, 'targets.json'),
    });
  });
  afterAll(() => fleet.close());

  it('sends the canary-weight share of the traffic to web-canary through a real nginx, and lists every app for Prometheus', async () => {
    expect((await kubectl('set', 'image', 'deployment/web', 'web=ghcr.io/acme/web:v1')).status).toBe(0);
    expect(
      (
        await kubectl(
          'annotate',
          'ingress',
          'web-canary',
          '--overwrite',
          'nginx.ingress.kubernetes.io/canary-weight=5',
        )
      ).stderr,
    ).toContain('web-canary has no pods');
    expect((await kubectl('set', 'image', 'deployment/web-canary', 'web=ghcr.io/acme/web:v2')).status).toBe(
      0,
    );
    expect(await split()).toEqual({ v1: 40 });
    await kubectl(
      'annotate',
      'ingress',
      'web-canary',
      '--overwrite',
      'nginx.ingress.kubernetes.io/canary-weight=50',
    );
    expect(await split()).toEqual({ v1: 20, v2: 20 });
    await kubectl(
      'annotate',
      'ingress',
      'web-canary',
      '--overwrite',
      'nginx.ingress.kubernetes.io/canary-weight=100',
    );
    expect(await split()).toEqual({ v2: 40 });
    await kubectl(
      'annotate',
      'ingress',
      'web-canary',
      '--overwrite',
      'nginx.ingress.kubernetes.io/canary-weight=0',
    );
    expect(await split()).toEqual({ v1: 40 });
    expect(fleet.canaryWeights('production')).toEqual([50, 100, 0]);
    const [{ targets }] = JSON.parse(readFileSync(join(dir, 'targets.json'), 'utf8')) as [
      { targets: string[] },
    ];
    expect(targets).toHaveLength(2);
    expect(targets.every((t) => /^127\.0\.0\.1:\d+$/.test(t))).toBe(true);
  });
});

describe.skipIf(!nginxAvailable())('an edge environment (one machine: nginx in front of two slots)', () => {
  let fleet: Fleet;
  let dir: string;
  const run = (tool: string, args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(tool, args, { cwd: dir, env: { ...process.env, ...fleet.env() } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
  const pointAt = (slot: string) =>
    writeFileSync(fleet.edge().config, `upstream app {\n    server ${slot};\n}\n`);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-edge-'));
    fleet = await startFleet({ environments: ['production'], edge: 'production' });
    writeFileSync(join(dir, 'deploy.sh'), fleet.script('deploy.sh'), { mode: 0o755 });
  });
  afterAll(() => fleet.close());

  it('deploy.sh starts a version in a slot; sudo reloads nginx to the slot its file names; nothing else runs as root', async () => {
    expect(await fleet.served('production')).toBe('HTTP 502');
    expect((await run('./deploy.sh', ['baseline', 'v1'])).status).toBe(0);
    expect((await run('./deploy.sh', ['canary', 'v2'])).status).toBe(0);
    expect([fleet.slotVersion('baseline'), fleet.slotVersion('canary')]).toEqual(['v1', 'v2']);
    expect(await fleet.served('production')).toBe('v1');
    expect((await run('./deploy.sh', ['blue', 'v3'])).stderr).toContain('usage: deploy.sh baseline|canary');
    expect((await run('./deploy.sh', ['canary', 'v3;rm'])).status).toBe(2);

    pointAt(fleet.edge().canary);
    expect(await fleet.served('production')).toBe('v1');
    expect((await run('systemctl', ['reload', 'nginx'])).stderr).toContain('Interactive authentication');
    expect((await run('sudo', ['nginx', '-t'])).status).toBe(0);
    expect((await run('sudo', ['systemctl', 'reload', 'nginx'])).status).toBe(0);
    // The reload is asynchronous: the master starts new workers, the old ones finish.
    const until = Date.now() + 5000;
    while ((await fleet.served('production')) !== 'v2' && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await fleet.served('production')).toBe('v2');

    writeFileSync(fleet.edge().config, 'upstream app {\n    server;\n}\n');
    expect((await run('sudo', ['nginx', '-t'])).status).not.toBe(0);
    expect((await run('sudo', ['systemctl', 'restart', 'nginx'])).stderr).toContain('not allowed');
    expect((await run('sudo', ['bash', '-c', 'id'])).status).toBe(1);
    expect(fleet.calls('sudo').map((c) => [c.args.join(' '), c.code === 0])).toEqual([
      ['nginx -t', true],
      ['systemctl reload nginx', true],
      ['nginx -t', false],
      ['systemctl restart nginx', false],
      ['bash -c id', false],
    ]);
  });
});
