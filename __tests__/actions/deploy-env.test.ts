// Runner-contract tests: the built deploy-env bundle, run as the GitHub runner runs it, on the fake GitHub
// (held to GitHub's API description) and on the file ledger.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheArtifactStore } from '../../src/actions/kit/cache-artifacts.js';
import { FileLedger } from '../../src/ledger/file.js';
import { type ActionRun, type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { startFakeCacheService } from '../fakes/cache/index.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const action = join(repoRoot, 'deploy-env');
const node24 = nodeBinaries().at(-1)!.path;

describe('deploy-env on GitHub Deployments', () => {
  let gh: FakeGitHub;
  let sha: string;
  let workspace: string;
  const run = (inputs: Record<string, string>, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action,
      inputs,
      node: node24,
      workspace,
      env: gh.env(),
      github: {
        token: gh.token,
        repository: 'octo/app',
        sha,
        ref: 'refs/heads/main',
        eventName: 'push',
        runId: '42',
      },
      ...extra,
    });

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: new thing' });
    workspace = mkdtempSync(join(tmpdir(), 'deploy-env-'));
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  const deploymentsOf = () => gh.store.repo('octo/app').deployments;
  const statesOf = (id: number) =>
    deploymentsOf()
      .find((d) => d.id === id)!
      .statuses.map((s) => s.state);

  it('creates the deployment, runs the command, finishes with success and the URL', async () => {
    const result = await run({
      environment: 'staging',
      version: 'v1.2.3',
      command: 'echo "deploying $DEPLOY_KIT_VERSION of $DEPLOY_KIT_SHA"',
      url: 'https://staging.example.com',
    });
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.main.stdout).toContain(`deploying v1.2.3 of ${sha}`);
    const [deployment] = deploymentsOf();
    expect(result.outputs['deployment-id']).toBe(String(deployment!.id));
    expect(result.outputs).toMatchObject({
      version: 'v1.2.3',
      sha,
      result: 'success',
      'previous-version': '',
    });
    // The second in_progress records the command's process group with the lease (issue 15).
    expect(statesOf(deployment!.id)).toEqual(['in_progress', 'in_progress', 'success']);
    expect(deployment!.sha).toBe(sha);
    expect(result.summary).toContain('deploy v1.2.3 to staging: success');
    expect(result.summary).toMatch(/\d+ API calls/);
    expect(result.post?.exitCode).toBe(0);
  });

  it('marks what it replaced inactive and reports the previous version', async () => {
    await run({ environment: 'production', version: 'v1' });
    const second = await run({ environment: 'production', version: 'v2' });
    const [first, latest] = deploymentsOf();
    expect(second.outputs['previous-version']).toBe('v1');
    expect(second.outputs['previous-deployment-id']).toBe(String(first!.id));
    expect(statesOf(first!.id).at(-1)).toBe('inactive');
    expect(statesOf(latest!.id).at(-1)).toBe('success');
  });

  it('records a failing command as failure with its exit code and last lines', async () => {
    const result = await run({ environment: 'staging', command: 'echo "pulling image"; exit 4' });
    expect(result.conclusion).toBe('failure');
    expect(result.outputs.result).toBe('failure');
    expect(statesOf(deploymentsOf()[0]!.id)).toEqual(['in_progress', 'in_progress', 'failure']);
    expect(result.summary).toContain('exit code 4');
    expect(result.summary).toContain('pulling image');
    expect(result.annotations.at(-1)?.message).toMatch(
      /^deploy-env: .* the deploy command failed \(exit code 4\)/,
    );
  });

  it('never leaves a deployment in_progress when the job is cancelled mid-command', async () => {
    const result = await run(
      { environment: 'staging', command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), graceMs: 7500 } },
    );
    expect(result.conclusion).toBe('cancelled');
    const states = statesOf(deploymentsOf()[0]!.id);
    expect(states.at(-1)).toBe('error');
    expect(states).not.toContain('success');
  });

  it('lets post close a deployment when main was killed outright', async () => {
    const result = await run(
      { environment: 'staging', command: 'echo started; sleep 60' },
      // SIGKILLed: main has no chance to finish the record; post must.
      { cancel: { when: (out) => out.includes('started'), kill: true } },
    );
    expect(result.main.signal).toBe('SIGKILL');
    expect(result.post?.stdout).toContain('marked error by the post step');
    const deployment = deploymentsOf()[0]!;
    expect(deployment.statuses.at(-1)?.state).toBe('error');
  });

  it('explains a 409: failing required contexts and their states', async () => {
    gh.store.addCommitStatus('octo/app', { sha, context: 'ci/test', state: 'failure' });
    gh.store.addCommitStatus('octo/app', { sha, context: 'ci/lint', state: 'pending' });
    const result = await run({ environment: 'production' });
    expect(result.conclusion).toBe('failure');
    const message = result.annotations.at(-1)?.message ?? '';
    expect(message).toContain('ci/test');
    expect(message).toContain('failure');
    expect(message).toContain('ci/lint');
    expect(message).toContain('required-contexts');
    expect(deploymentsOf()).toHaveLength(0);
  });

  it('passes required-contexts: none through, so a red commit can still be deployed on purpose', async () => {
    gh.store.addCommitStatus('octo/app', { sha, context: 'ci/flaky', state: 'failure' });
    const result = await run({ environment: 'preview', 'required-contexts': 'none' });
    expect(result.conclusion).toBe('success');
  });

  it('explains a 403: the permission the workflow needs', async () => {
    gh.addToken('ghs_readonly', { permissions: { deployments: 'read', contents: 'read', metadata: 'read' } });
    const result = await run({ environment: 'staging', token: 'ghs_readonly' });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toContain('deployments: write');
    expect(result.main.stdout).not.toContain('ghs_readonly');
  });

  it('explains a 202: GitHub merged the default branch instead of deploying', async () => {
    const topic = gh.store.addCommit('octo/app', { branch: 'topic', message: 'fix: on a branch' });
    gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: main moved on' });
    const result = await run(
      { environment: 'preview', 'auto-merge': 'true' },
      {
        github: {
          token: gh.token,
          repository: 'octo/app',
          sha: topic,
          ref: 'refs/heads/topic',
          eventName: 'push',
        },
      },
    );
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toMatch(/merged/i);
  });

  it('survives 5xx bursts and a secondary rate limit with retries', async () => {
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 2, status: 502 });
    gh.faults.secondaryRateLimit('graphql', { retryAfter: 1 });
    const result = await run({ environment: 'staging' });
    expect(result.conclusion).toBe('success');
    expect(deploymentsOf()).toHaveLength(1);
    expect(statesOf(deploymentsOf()[0]!.id).at(-1)).toBe('success');
  });

  it('rejects bad input before any API call', async () => {
    const result = await run({ environment: 'staging', payload: '[1,2]' });
    expect(result.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(/^deploy-env: 'payload' must be a JSON object/),
    ]);
    expect(gh.requests).toHaveLength(0);
  });

  it('rejects a version of several lines, which the log would show as a workflow command', async () => {
    const result = await run({ environment: 'staging', version: 'v1\n::error::forged' });
    expect(result.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(/^deploy-env: 'version' must be one line/),
    ]);
    expect(gh.requests).toHaveLength(0);
  });

  it("is not held up by GitHub's own open deployment for the job's environment", async () => {
    // A job with `environment: production` gets a deployment from GitHub, open while the job runs.
    gh.store.addDeployment('octo/app', {
      environment: 'production',
      sha,
      statuses: [{ state: 'in_progress' }],
    });
    const result = await run({ environment: 'production', version: 'v1', 'on-concurrent': 'fail' });
    expect(result.outputs.result).toBe('success');
  });

  it('never lets two deploys started at the same moment run together', async () => {
    const script =
      'echo "start $DEPLOY_KIT_VERSION" >> order.log; sleep 1; echo "end $DEPLOY_KIT_VERSION" >> order.log';
    const [a, b] = await Promise.all([
      run({ environment: 'production', version: 'a', command: script }),
      run({ environment: 'production', version: 'b', command: script }),
    ]);
    expect([a.outputs.result, b.outputs.result]).toEqual(['success', 'success']);
    const order = readFileSync(join(workspace, 'order.log'), 'utf8').trim().split('\n');
    expect(order.map((line) => line.split(' ')[0])).toEqual(['start', 'end', 'start', 'end']);
    expect(order[0]!.split(' ')[1]).toBe(order[1]!.split(' ')[1]);
  });

  it('waits for a deploy of the same environment in progress, or fails with on-concurrent: fail', async () => {
    const slow = run({ environment: 'staging', version: 'v1', command: 'sleep 2' });
    await new Promise((r) => setTimeout(r, 700));
    const failing = await run({ environment: 'staging', version: 'v2', 'on-concurrent': 'fail' });
    expect(failing.outputs.result).toBe('blocked');
    expect(failing.annotations.at(-1)?.message).toContain('is still in progress');
    const waiting = await run({ environment: 'staging', version: 'v3', 'concurrent-timeout': '30s' });
    expect((await slow).outputs.result).toBe('success');
    expect(waiting.outputs.result).toBe('success');
    const states = deploymentsOf().map((d) => d.statuses.at(-1)?.state);
    expect(states).toEqual(['inactive', 'error', 'success']);
  });
});

describe('deploy-env with the Actions cache', () => {
  it('saves the release bundle so the same bytes can be restored by key', async () => {
    const gh = await startFakeGitHub();
    const cache = await startFakeCacheService();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    const sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: bundle' });
    const workspace = mkdtempSync(join(tmpdir(), 'deploy-env-cache-'));
    mkdirSync(join(workspace, 'build'));
    writeFileSync(join(workspace, 'build/app.js'), 'console.log("release 1.4.0")');
    try {
      const result = await runAction({
        action,
        node: node24,
        workspace,
        inputs: { environment: 'production', version: '1.4.0', 'artifact-path': 'build' },
        env: { ...gh.env(), ...cache.env() },
        github: { token: gh.token, repository: 'octo/app', sha, ref: 'refs/heads/main', eventName: 'push' },
      });
      expect(result.conclusion).toBe('success');
      const record = gh.store.repo('octo/app').deployments[0]!.payload as Record<
        string,
        { artifactKey: string }
      >;
      const key = record['deploy-kit']!.artifactKey;
      expect(key).toMatch(/^deploy-kit-production-1\.4\.0-/);
      expect(cache.entry(key)).toBeDefined();
      expect(result.summary).toContain(key);

      // Restore in a fresh workspace, the way rollback will.
      const elsewhere = mkdtempSync(join(tmpdir(), 'deploy-env-restore-'));
      const saved = { ...process.env };
      Object.assign(process.env, cache.env(), { GITHUB_WORKSPACE: elsewhere, RUNNER_TEMP: elsewhere });
      try {
        const store = new CacheArtifactStore({ workspace: elsewhere });
        expect(await store.restore(key, 'build')).toBe(true);
        expect(readFileSync(join(elsewhere, 'build/app.js'), 'utf8')).toBe('console.log("release 1.4.0")');
        cache.evict(key);
        expect(await store.restore(key, 'build')).toBe(false);
      } finally {
        for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
        Object.assign(process.env, saved);
      }
      assertConformance(gh.requests);
    } finally {
      await Promise.all([gh.close(), cache.close()]);
    }
  });
});

describe('deploy-env on the file ledger (outside GitHub)', () => {
  it('records deployments in a JSON file with the same meaning', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'deploy-env-file-'));
    writeFileSync(join(workspace, 'release.txt'), 'v1 bytes');
    const sha = 'c'.repeat(40);
    const run = (version: string) =>
      runAction({
        action,
        node: node24,
        workspace,
        inputs: {
          environment: 'production',
          version,
          ledger: 'file:state/ledger.json',
          'artifact-path': 'release.txt',
        },
        github: { sha, repository: 'octo/app' },
      });
    const first = await run('v1');
    const second = await run('v2');
    expect([first.conclusion, second.conclusion]).toEqual(['success', 'success']);
    expect(second.outputs['previous-version']).toBe('v1');
    const ledger = new FileLedger(join(workspace, 'state/ledger.json'));
    const history = await ledger.history('production');
    expect(history.map((d) => [d.record?.version, d.state])).toEqual([
      ['v2', 'success'],
      ['v1', 'inactive'],
    ]);
    expect(history[0]?.record?.artifactKey).toMatch(/^deploy-kit-production-v2-/);
    expect(existsSync(join(workspace, 'state/ledger.json.artifacts'))).toBe(true);
    expect(readFileSync(join(workspace, 'state/ledger.json'), 'utf8')).toContain('"deploy-kit"');
  });

  const fileRun = (workspace: string, inputs: Record<string, string>) =>
    runAction({
      action,
      node: node24,
      workspace,
      inputs: { environment: 'production', version: 'v1', ledger: 'file:ledger.json', ...inputs },
      github: { sha: 'c'.repeat(40), repository: 'octo/app' },
    });
  const errorsOf = (run: ActionRun) =>
    run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

  it('refuses every path that leads out of the workspace before anything runs, naming the input and where it leads', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'deploy-env-paths-')));
    const workspace = join(root, 'ws');
    const outside = join(root, 'outside');
    mkdirSync(workspace);
    mkdirSync(outside);
    symlinkSync(outside, join(workspace, 'linked-out'));
    const marker = join(root, 'command-ran');
    const cases: [Record<string, string>, string][] = [
      [
        { 'artifact-path': '/etc/hostname' },
        "'artifact-path' must be a path inside the workspace (<ws>) or RUNNER_TEMP (<temp>), got '/etc/hostname', which resolves to '/etc/hostname'",
      ],
      [
        { 'working-directory': '../../../etc' },
        "'working-directory' must be a path inside the workspace (<ws>) or RUNNER_TEMP (<temp>), got '../../../etc', which resolves to '/etc'",
      ],
      [
        { 'artifact-path': 'linked-out' },
        `'artifact-path' must be a path inside the workspace (<ws>) or RUNNER_TEMP (<temp>), got 'linked-out', which resolves to '${outside}'`,
      ],
      [
        { ledger: 'file:../ledger.json' },
        `'ledger' must be a path inside the workspace (<ws>) or RUNNER_TEMP (<temp>), got '../ledger.json', which resolves to '${join(root, 'ledger.json')}'`,
      ],
    ];
    for (const [inputs, message] of cases) {
      const run = await fileRun(workspace, { ...inputs, command: `touch ${marker}` });
      const temp = join(run.workDir, 'temp');
      expect(run.conclusion, JSON.stringify(inputs)).toBe('failure');
      expect(errorsOf(run)).toEqual([
        `deploy-env: ${message.replace('<ws>', workspace).replace('<temp>', temp)}`,
      ]);
      expect(existsSync(marker)).toBe(false);
      expect(readdirSync(workspace)).toEqual(['linked-out']);
      expect(existsSync(join(root, 'ledger.json'))).toBe(false);
    }
  });

  it('records and outputs the environment URL without its credentials or sensitive query values', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'deploy-env-url-'));
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    const token = `tok-${Math.random().toString(36).slice(2)}`;
    const run = await fileRun(workspace, {
      url: `https://deployer:${password}@app.example.com/home?access_token=${token}&lang=en`,
      command: 'echo "url is $DEPLOY_KIT_URL"',
    });
    expect(run.conclusion, run.main.stdout).toBe('success');
    const shown = 'https://app.example.com/home?access_token=***&lang=en';
    expect(run.outputs.url).toBe(shown);
    expect(run.main.stdout).toContain(`url is ${shown}`);
    const recorded = await new FileLedger(join(workspace, 'ledger.json')).history('production');
    expect(recorded[0]?.statuses[0]?.environmentUrl).toBe(shown);
    expect(run.masks).toEqual(expect.arrayContaining([password, token]));
    const ledgerText = readFileSync(join(workspace, 'ledger.json'), 'utf8');
    for (const place of [ledgerText, run.summary, JSON.stringify(run.outputs), run.main.stdout]) {
      expect(place).not.toContain(password);
      expect(place).not.toContain(token);
    }
  });

  it('refuses an empty or truncated ledger as corrupt, naming how to start a new one, and creates a missing one', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'deploy-env-corrupt-'));
    const created = await fileRun(workspace, {});
    expect(created.conclusion, created.main.stdout).toBe('success');
    const whole = readFileSync(join(workspace, 'ledger.json'), 'utf8');
    for (const [text, problem] of [
      ['', 'is empty (0 bytes), not a ledger'],
      [whole.slice(0, whole.length / 2), 'is not valid JSON'],
    ] as const) {
      writeFileSync(join(workspace, 'ledger.json'), text);
      const run = await fileRun(workspace, { version: 'v2' });
      expect(run.conclusion).toBe('failure');
      const [message] = errorsOf(run);
      expect(message).toContain(`file ledger ${join(workspace, 'ledger.json')}: ${problem}`);
      expect(message).toContain('move it away to start a new ledger (the next deploy creates one)');
      expect(readFileSync(join(workspace, 'ledger.json'), 'utf8')).toBe(text);
    }
  });
});
