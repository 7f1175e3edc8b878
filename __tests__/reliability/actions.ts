// The actions the reliability tests cover, as one table: how to set up a world where a run of the action
// does real work, what its records are and how to judge them, which inputs carry secrets or commands, and
// at which phases it can be cancelled. Adding an action to every concern is adding one entry here.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '../../src/actions/kit/inputs.js';
import { OPEN_STATES } from '../../src/ledger/types.js';
import { readManifest } from '../../src/runner/manifest.js';
import {
  type ActionRun,
  type CancelOptions,
  type RunActionOptions,
  runAction,
} from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';
import { cleanup as cleanupRepos, Repo } from '../versioning/repo.js';

export const node = nodeBinaries().at(-1)!.path;

/**
 * The client's budgets for these tests (kit/github.ts reads them): 2 retries 20 ms apart, 2 rate-limit
 * retries of at most 5 s, 700 ms per attempt. Small, so a fault that outlasts them fails within seconds.
 * The fake applies a slow write 400 ms after the timeout; a write that got no answer is taken to land
 * within 2 s of being sent (GitHub's own bound is 10 s), so the actions wait 2 s, not 10, before closing.
 */
export const BUDGETS = {
  retries: 2,
  rateLimitRetries: 2,
  maxRateLimitWaitSeconds: 5,
  timeoutMs: 700,
  lateWriteWindowMs: 2000,
};
export const BUDGET_ENV: Record<string, string> = {
  DEPLOY_KIT_GITHUB_RETRIES: String(BUDGETS.retries),
  DEPLOY_KIT_GITHUB_RETRY_BASE: '20ms',
  DEPLOY_KIT_GITHUB_RATE_LIMIT_RETRIES: String(BUDGETS.rateLimitRetries),
  DEPLOY_KIT_GITHUB_MAX_RATE_LIMIT_WAIT: `${BUDGETS.maxRateLimitWaitSeconds}s`,
  DEPLOY_KIT_GITHUB_TIMEOUT: `${BUDGETS.timeoutMs}ms`,
  DEPLOY_KIT_GITHUB_LATE_WRITE_WINDOW: `${BUDGETS.lateWriteWindowMs}ms`,
};

/** What an action leaves behind: deployments, tags and releases on the fake GitHub. */
export interface Records {
  deployments: {
    id: number;
    environment: string;
    task: string;
    sha: string;
    state: string;
    everSucceeded: boolean;
    /** For a rollback: the deployment it rolled back from. */
    rolledBackFrom?: string;
  }[];
  tags: Record<string, string>;
  releases: { tagName: string; draft: boolean }[];
  /** preflight-gates' `deploy-kit / preflight` check runs. */
  checkRuns: { id: number; status: string; conclusion: string | null; title: string | null }[];
  /** canary-promote's saved rollouts, and the last weight its router command was given. */
  rollouts: { key: string; status: string; weight: number }[];
  routerWeight?: number;
}

export interface World {
  readonly action: ActionCase;
  readonly gh?: FakeGitHub;
  readonly app?: TestApp;
  readonly workspace: string;
  /** Valid inputs that make a run do real work (deploy, roll back, publish, probe). */
  readonly inputs: Record<string, string>;
  run(inputs?: Record<string, string>, extra?: Partial<RunActionOptions>): Promise<ActionRun>;
  records(): Records;
  close(): Promise<void>;
}

export interface CancelPhase {
  /** Where main is when the cancel comes. */
  name: string;
  inputs?: (world: World) => Record<string, string>;
  /** Faults that hold main in the phase: a slow API answer, within the client's timeout (a late one is the
   * fault matrix's business). */
  prepare?: (world: World) => void;
  cancel: CancelOptions;
}

export interface ActionCase {
  name: string;
  /**
   * Where its faults come from: the GitHub API it writes records to, the target it probes, or (a rollout)
   * the canary it judges while it moves traffic.
   */
  talksTo: 'github' | 'target' | 'rollout';
  /** Declared inputs and outputs, read from <action>/action.yml. */
  inputs: string[];
  outputs: string[];
  /** The literal defaults of action.yml (expressions unevaluated). */
  defaults: Record<string, string>;
  world(): Promise<World>;
  /** The fake GitHub routes that create the action's record and that finish it (talksTo github). */
  routes?: { create: string; finish: string };
  /** How many records one successful run adds (deployments, or releases). */
  recordsPerRun: number;
  /**
   * How a record write that fails past the budget ends the run: the step fails ('fail', the default), or the
   * step warns and goes on, its own verdict unchanged ('warn': preflight-gates' check run is a report of the
   * gates, and a token that may not write it must not cost the gates).
   */
  recordFaults?: 'fail' | 'warn';
  /** Inputs whose value is a shell command by design: the only inputs allowed to run anything. */
  shellInputs: string[];
  /** Inputs that carry secrets, as the inputs to give for a secret value. */
  secretInputs: Record<string, (secret: string, world: World) => Record<string, string>>;
  cancelPhases: CancelPhase[];
  /** The action's own input parser (src/actions/<action>/inputs.ts), for the bulk of hostile inputs. */
  parseInputs(raw: (name: string) => string, env: NodeJS.ProcessEnv): Promise<unknown>;
  /** Inputs that let parseInputs succeed without a world (no server, no repository). */
  plainInputs: Record<string, string>;
  /** Runs of one environment started at the same moment, with the inputs of each (none: no records to race). */
  race?: {
    runs: number;
    inputs: (world: World, index: number) => Record<string, string>;
    /** 'all': every run does its work in turn; 'one': one does, the others are no-ops naming it. */
    winners: 'all' | 'one';
    /**
     * What is wrong with the runs together, for an action whose runs say it their own way (watch: every
     * overlapping run reports the one rollback); replaces the rollback action's result checks.
     */
    judge?: (runs: ActionRun[], world: World) => string[];
  };
  /**
   * Fault kinds this action is known not to survive yet, with what goes wrong: their cells are expected to
   * fail (it.fails), so the day the bug is fixed the cell says so.
   */
  knownFaultBugs?: Record<string, string>;
  /** Inputs whose hostile values the bundle is known not to contain yet, with what goes wrong (it.fails). */
  knownInputBugs?: Record<string, string>;
  /**
   * Everything wrong with the records after runs, judged against those before: anything left open, any
   * record made twice. Empty when all is well.
   */
  problems(before: Records, after: Records, runs: number): string[];
  /** Everything wrong with one run's own outputs and files (a report that contradicts the conclusion…). */
  runProblems?(run: ActionRun): string[];
}

const REPO = 'octo/app';

function githubRecords(gh: FakeGitHub): Records {
  const repo = gh.store.repo(REPO);
  return {
    deployments: repo.deployments.map((d) => ({
      id: d.id,
      environment: d.environment,
      task: d.task,
      sha: d.sha,
      state: d.statuses.at(-1)?.state ?? 'pending',
      everSucceeded: d.statuses.some((status) => status.state === 'success'),
      rolledBackFrom: rollbackOf(d.payload),
    })),
    tags: Object.fromEntries([...repo.refs].filter(([ref]) => ref.startsWith('refs/tags/'))),
    releases: repo.releases.map((r) => ({ tagName: r.tagName, draft: r.draft })),
    checkRuns: repo.checkRuns
      .filter((r) => r.name === PREFLIGHT_CHECK_RUN)
      .map((r) => ({
        id: r.id,
        status: r.status,
        conclusion: r.conclusion ?? null,
        title: r.output.title ?? null,
      })),
    rollouts: [],
  };
}

const PREFLIGHT_CHECK_RUN = 'deploy-kit / preflight';

function rollbackOf(payload: unknown): string | undefined {
  const record = (payload as { 'deploy-kit'?: { rollback?: { fromDeploymentId?: string } } } | null)?.[
    'deploy-kit'
  ];
  return record?.rollback?.fromDeploymentId;
}

const EMPTY: Records = { deployments: [], tags: {}, releases: [], checkRuns: [], rollouts: [] };

function deploymentProblems(before: Records, after: Records, runs: number, perRun: number): string[] {
  const problems: string[] = [];
  for (const d of after.deployments) {
    if ((OPEN_STATES as readonly string[]).includes(d.state))
      problems.push(`deployment ${d.id} (${d.task}) left ${d.state}`);
  }
  const added = after.deployments.length - before.deployments.length;
  if (added > runs * perRun) problems.push(`${added} deployments made by ${runs} run(s): duplicates`);
  // Rolling back from a deployment is done once: a second rollback from it records a move that never was.
  const rollbacks = new Map<string, number[]>();
  for (const d of after.deployments.filter((x) => x.rolledBackFrom && x.everSucceeded))
    rollbacks.set(d.rolledBackFrom!, [...(rollbacks.get(d.rolledBackFrom!) ?? []), d.id]);
  for (const [from, ids] of rollbacks)
    if (ids.length > 1)
      problems.push(`deployment ${from} was rolled back from ${ids.length} times: ${ids.join(', ')}`);
  const live = new Map<string, number[]>();
  for (const d of after.deployments.filter((x) => x.state === 'success'))
    live.set(d.environment, [...(live.get(d.environment) ?? []), d.id]);
  for (const [environment, ids] of live)
    if (ids.length > 1) problems.push(`${environment} has ${ids.length} live deployments: ${ids.join(', ')}`);
  return problems;
}

function releaseProblems(before: Records, after: Records, runs: number): string[] {
  const problems: string[] = [];
  const byTag = new Map<string, number>();
  for (const r of after.releases) byTag.set(r.tagName, (byTag.get(r.tagName) ?? 0) + 1);
  for (const [tag, n] of byTag) if (n > 1) problems.push(`${n} releases for ${tag}`);
  for (const r of after.releases)
    if (!after.tags[`refs/tags/${r.tagName}`]) problems.push(`release ${r.tagName} has no tag`);
  const added = after.releases.length - before.releases.length;
  if (added > runs) problems.push(`${added} releases made by ${runs} run(s)`);
  return problems;
}

/** Check runs cannot be deleted: a copy a retried create left is fine completed and marked a duplicate of
 * another that stands; one left in progress, or two unmarked, is not. */
function checkRunProblems(before: Records, after: Records, runs: number): string[] {
  const problems = after.checkRuns
    .filter((r) => r.status !== 'completed')
    .map((r) => `check run ${r.id} left ${r.status}`);
  const ids = new Set(after.checkRuns.map((r) => r.id));
  const isDuplicate = (r: Records['checkRuns'][number]) => {
    const of = /^duplicate of check run (\d+), created by a retried request GitHub applied late$/.exec(
      r.title ?? '',
    );
    return (
      r.status === 'completed' &&
      (r.conclusion === 'skipped' || r.conclusion === 'neutral') &&
      of !== null &&
      ids.has(Number(of[1]))
    );
  };
  const standing = (records: Records) => records.checkRuns.filter((r) => !isDuplicate(r)).length;
  const added = standing(after) - standing(before);
  if (added > runs)
    problems.push(`${added} unmarked ${PREFLIGHT_CHECK_RUN} check runs made by ${runs} run(s): duplicates`);
  return problems;
}

function manifestOf(name: string): Pick<ActionCase, 'inputs' | 'outputs' | 'defaults'> {
  const manifest = readManifest(join(repoRoot, name));
  return {
    inputs: manifest.inputs.map((i) => i.name),
    outputs: manifest.outputs.map((o) => o.name),
    defaults: Object.fromEntries(
      manifest.inputs.filter((i) => i.default !== undefined).map((i) => [i.name, i.default!]),
    ),
  };
}

interface GitHubWorldOptions {
  action: ActionCase;
  /** The action's folder, relative to the repository (default: its name; the root action is ''). */
  dir?: string;
  workspace: string;
  inputs: Record<string, string>;
  gh: FakeGitHub;
  sha: string;
  onClose?: () => void;
}

function githubWorld(options: GitHubWorldOptions): World {
  const { action, gh, workspace } = options;
  return {
    action,
    gh,
    workspace,
    inputs: options.inputs,
    run: (inputs = {}, extra = {}) =>
      runAction({
        action: join(repoRoot, options.dir ?? action.name),
        node,
        workspace,
        ...extra,
        inputs: { ...options.inputs, ...inputs },
        env: { ...gh.env(), ...BUDGET_ENV, ...extra.env },
        github: {
          token: gh.token,
          repository: REPO,
          sha: options.sha,
          ref: 'refs/heads/main',
          runId: '77',
          actor: 'carol',
          eventName: 'push',
          ...extra.github,
        },
      }),
    records: () => githubRecords(gh),
    close: async () => {
      await gh.close();
      options.onClose?.();
      // Every request the actions sent, faults or not, still matches GitHub's published descriptions.
      assertConformance(gh.requests);
    },
  };
}

async function fakeGitHubWithCommits(versions: string[]): Promise<{ gh: FakeGitHub; shas: string[] }> {
  const gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const shas = versions.map((v) => gh.store.addCommit(REPO, { branch: 'main', message: `feat: ${v}` }));
  return { gh, shas };
}

const DEPLOYMENTS = 'POST /repos/{owner}/{repo}/deployments';
const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
/** The deploy command holds here until cancelled; `started` is the line to cancel on. */
const LONG_COMMAND = 'echo started; sleep 60';
const cancelOnStarted: CancelOptions = { when: (out) => out.includes('started'), graceMs: 7500 };

const deployEnv: ActionCase = {
  name: 'deploy-env',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/deploy-env/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: { environment: 'production', version: 'v2', ref: 'a'.repeat(40) },
  talksTo: 'github',
  ...manifestOf('deploy-env'),
  routes: { create: DEPLOYMENTS, finish: STATUSES },
  recordsPerRun: 1,
  shellInputs: ['command'],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const { gh, shas } = await fakeGitHubWithCommits(['v1', 'v2']);
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-deploy-'));
    return githubWorld({
      action: this,
      gh,
      workspace,
      sha: shas[1]!,
      inputs: {
        environment: 'production',
        version: 'v2',
        ref: shas[1]!,
        command: 'echo "deploying $DEPLOY_KIT_VERSION"',
        // Short, so a deployment left open fails the next run in seconds rather than holding it 15 minutes.
        'concurrent-timeout': '5s',
      },
    });
  },
  cancelPhases: [
    { name: 'deploy command running', inputs: () => ({ command: LONG_COMMAND }), cancel: cancelOnStarted },
    {
      name: 'recording the deployment (a slow API answer)',
      prepare: (world) => world.gh!.faults.slow(STATUSES, { ms: 400, times: 1 }),
      cancel: { when: (out) => /deployment \d+ created for/.test(out), graceMs: 7500 },
    },
    {
      name: 'killed mid-deploy (only post can clean up)',
      inputs: () => ({ command: LONG_COMMAND }),
      cancel: { ...cancelOnStarted, kill: true },
    },
  ],
  problems: (before, after, runs) => deploymentProblems(before, after, runs, 1),
  race: {
    runs: 2,
    inputs: (_world, index) => ({
      version: `v2-${index}`,
      // Records when each deploy ran, so the test can tell the two never ran at once.
      command:
        'echo "start $DEPLOY_KIT_VERSION" >> order.log; sleep 0.3; echo "end $DEPLOY_KIT_VERSION" >> order.log',
    }),
    winners: 'all',
  },
};

const rollback: ActionCase = {
  name: 'rollback',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/rollback/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: { environment: 'production' },
  talksTo: 'github',
  ...manifestOf('rollback'),
  routes: { create: DEPLOYMENTS, finish: STATUSES },
  recordsPerRun: 1,
  shellInputs: ['command'],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const { gh, shas } = await fakeGitHubWithCommits(['v1', 'v2']);
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-rollback-'));
    // History made by the real deploy-env bundle: v1 then v2 live.
    for (const [i, version] of ['v1', 'v2'].entries()) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: { environment: 'production', version, ref: shas[i]! },
        env: gh.env(),
        github: { token: gh.token, repository: REPO, sha: shas[i]! },
      });
      if (deployed.conclusion !== 'success')
        throw new Error(`seeding ${version} failed: ${deployed.main.stdout}`);
    }
    gh.requests.length = 0;
    return githubWorld({
      action: this,
      gh,
      workspace,
      sha: shas[1]!,
      inputs: {
        environment: 'production',
        reason: 'smoke test failed',
        command: 'echo "redeploying $DEPLOY_KIT_VERSION"',
        'concurrent-timeout': '5s',
      },
    });
  },
  cancelPhases: [
    { name: 'redeploy command running', inputs: () => ({ command: LONG_COMMAND }), cancel: cancelOnStarted },
    {
      name: 'killed mid-redeploy (only post can clean up)',
      inputs: () => ({ command: LONG_COMMAND }),
      cancel: { ...cancelOnStarted, kill: true },
    },
  ],
  problems: (before, after, runs) => deploymentProblems(before, after, runs, 1),
  race: {
    runs: 2,
    inputs: () => ({
      command:
        'echo "start $DEPLOY_KIT_VERSION" >> order.log; sleep 0.3; echo "end $DEPLOY_KIT_VERSION" >> order.log',
    }),
    // Two rollbacks pressed together mean one rollback: the other finds the press answered (a no-op naming
    // the first) and redeploys nothing.
    winners: 'one',
  },
};

const REFS = 'POST /repos/{owner}/{repo}/git/refs';
const RELEASES = 'POST /repos/{owner}/{repo}/releases';

const tagRelease: ActionCase = {
  name: 'tag-release',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/tag-release/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: { sha: 'a'.repeat(40) },
  talksTo: 'github',
  ...manifestOf('tag-release'),
  routes: { create: REFS, finish: RELEASES },
  recordsPerRun: 1,
  shellInputs: [],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const { gh } = await fakeGitHubWithCommits([]);
    const repo = Repo.init();
    repo.commit('feat: first');
    repo.git('tag', 'v1.0.0');
    const first = repo.git('rev-parse', 'HEAD');
    gh.store.addCommit(REPO, { branch: 'main', sha: first, message: 'feat: first' });
    gh.store.addTag(REPO, 'v1.0.0', { sha: first });
    const sha = repo.commit('feat: a new endpoint');
    gh.store.addCommit(REPO, { branch: 'main', sha, message: 'feat: a new endpoint' });
    return githubWorld({ action: this, gh, workspace: repo.dir, sha, inputs: {}, onClose: cleanupRepos });
  },
  cancelPhases: [
    {
      name: 'tag being published',
      prepare: (world) => world.gh!.faults.slow(REFS, { ms: 400, times: 1 }),
      cancel: { when: (out) => out.includes('::group::Publishing'), graceMs: 7500 },
    },
    {
      name: 'release being published',
      prepare: (world) => world.gh!.faults.slow(RELEASES, { ms: 400, times: 1 }),
      cancel: { when: (out) => out.includes('::group::Publishing'), graceMs: 7500 },
    },
  ],
  problems: (before, after, runs) => releaseProblems(before, after, runs),
  race: { runs: 2, inputs: () => ({}), winners: 'all' },
};

const smokeTest: ActionCase = {
  name: 'smoke-test',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/smoke-test/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: { url: 'http://127.0.0.1:9/health' },
  talksTo: 'target',
  ...manifestOf('smoke-test'),
  recordsPerRun: 0,
  shellInputs: [],
  secretInputs: {
    headers: (secret) => ({ headers: `Authorization: Bearer ${secret}\nX-Api-Key: ${secret}-key` }),
    url: (secret, world) => ({ url: `http://deployer:${secret}@127.0.0.1:${world.app!.port}/health` }),
  },
  async world() {
    const app = await startTestApp({ version: 'v2' });
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-smoke-'));
    const base = { url: `${app.url}/health`, 'wait-timeout': '5s', 'request-timeout': '300ms', samples: '3' };
    return {
      action: this,
      app,
      workspace,
      inputs: base,
      run: (inputs = {}, extra = {}) =>
        runAction({
          action: join(repoRoot, 'smoke-test'),
          node,
          workspace,
          // The report under RUNNER_TEMP is judged after the run.
          keepWorkDir: true,
          ...extra,
          inputs: { ...base, ...inputs },
        }),
      records: () => EMPTY,
      close: () => app.close(),
    };
  },
  cancelPhases: [
    {
      name: 'smoke test mid-run',
      inputs: (world) => ({
        url: `${world.app!.url}/slow?ms=100`,
        samples: '40',
        concurrency: '1',
        'request-timeout': '2s',
      }),
      cancel: { afterMs: 800, graceMs: 7500 },
    },
  ],
  problems: () => [],
  runProblems(run) {
    const problems: string[] = [];
    const passed = run.outputs.passed;
    if (run.conclusion === 'success' && passed !== 'true') problems.push(`success with passed=${passed}`);
    if (run.conclusion !== 'success' && passed === 'true')
      problems.push(`${run.conclusion} with passed=true`);
    const report = run.outputs.report;
    if (report) {
      if (!existsSync(report)) problems.push(`report ${report} named but missing`);
      else {
        const parsed = JSON.parse(readFileSync(report, 'utf8')) as { passed?: boolean };
        if (String(parsed.passed) !== passed)
          problems.push(`report says passed=${parsed.passed}, output ${passed}`);
      }
    }
    return problems;
  },
};

const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs';
const CHECK_RUN = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
/** Gates that pass on a push of main, one of them reading the API (the checks gate: one GraphQL read a poll). */
const PREFLIGHT_GATES = [
  'branch: { production: [main] }',
  'checks: { mode: all, grace: 1s, interval: 100ms, max-interval: 200ms, timeout: 5s }',
].join('\n');
/** The same, with a command gate that holds the step until cancelled. */
const PREFLIGHT_GATES_HELD = `${PREFLIGHT_GATES}\ncommand:\n  - { name: held, run: echo started; sleep 60 }`;

const preflightGates: ActionCase = {
  name: 'preflight-gates',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/preflight-gates/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: { gates: 'branch: { production: [main] }', environment: 'production', 'check-run': 'false' },
  talksTo: 'github',
  ...manifestOf('preflight-gates'),
  routes: { create: CHECK_RUNS, finish: CHECK_RUN },
  recordsPerRun: 1,
  recordFaults: 'warn',
  // The command and migrations gates run the commands the gates' YAML names, by design.
  shellInputs: ['gates'],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const { gh, shas } = await fakeGitHubWithCommits(['v1']);
    gh.store.addCheckRun(REPO, { headSha: shas[0]!, name: 'build', conclusion: 'success' });
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-preflight-'));
    return githubWorld({
      action: this,
      gh,
      workspace,
      sha: shas[0]!,
      inputs: { gates: PREFLIGHT_GATES, environment: 'production' },
    });
  },
  cancelPhases: [
    {
      name: 'a command gate running',
      inputs: () => ({ gates: PREFLIGHT_GATES_HELD }),
      cancel: cancelOnStarted,
    },
    {
      name: 'killed while the gates run (only post can complete the check run)',
      inputs: () => ({ gates: PREFLIGHT_GATES_HELD }),
      cancel: { ...cancelOnStarted, kill: true },
    },
  ],
  problems: (before, after, runs) => checkRunProblems(before, after, runs),
};

/** A short rollout: two steps, small samples, so a run takes a second or two. */
const ROLLOUT = {
  environment: 'production',
  'baseline-version': 'v1',
  'canary-version': 'v2',
  steps: '25,100',
  hold: '300ms',
  interval: '100ms',
  'max-duration': '20s',
  'probe-requests': '10',
  'min-samples': '5',
  'max-samples': '40',
  router: 'command',
  // The router: each weight, as a value, appended to a file the records read back.
  'router-command': 'echo "$DEPLOY_KIT_CANARY_WEIGHT" >> weights.txt',
};

function rolloutRecords(workspace: string): Records {
  const stateFile = join(workspace, '.deploy-kit/canary-state.json');
  const weightsFile = join(workspace, 'weights.txt');
  const saved = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as {
        rollouts?: Record<string, { status: string; weight: number }>;
      })
    : {};
  const weights = existsSync(weightsFile)
    ? readFileSync(weightsFile, 'utf8').trim().split('\n').filter(Boolean).map(Number)
    : [];
  return {
    ...EMPTY,
    rollouts: Object.entries(saved.rollouts ?? {}).map(([key, r]) => ({
      key,
      status: r.status,
      weight: r.weight,
    })),
    ...(weights.length ? { routerWeight: weights.at(-1)! } : {}),
  };
}

/** The weight is 0 or the promotion stands, never in between, and the router was given what the state says. */
function rolloutProblems(_before: Records, after: Records): string[] {
  const problems: string[] = [];
  for (const r of after.rollouts) {
    if (r.status === 'running') problems.push(`rollout ${r.key} left running at ${r.weight}%`);
    else if (r.status === 'promoted' ? r.weight !== 100 : r.weight !== 0)
      problems.push(`rollout ${r.key} ${r.status} at ${r.weight}%`);
    if (after.routerWeight !== undefined && after.routerWeight !== r.weight)
      problems.push(`the router was last given ${after.routerWeight}%, the state says ${r.weight}%`);
  }
  return problems;
}

const canaryPromote: ActionCase = {
  name: 'canary-promote',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/canary-promote/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: {
    ...ROLLOUT,
    'baseline-url': 'http://127.0.0.1:9/',
    'canary-url': 'http://127.0.0.1:10/',
  },
  talksTo: 'rollout',
  ...manifestOf('canary-promote'),
  recordsPerRun: 0,
  shellInputs: ['router-command', 'rollback-command', 'nginx-reload-command'],
  secretInputs: {
    token: (secret) => ({ token: secret }),
    // The control is read at every look; an answer that is not a command is logged, its token never.
    'control-headers': (secret, world) => ({
      'control-url': `${world.app!.url}/health`,
      'control-headers': `Authorization: Bearer ${secret}`,
    }),
    'control-url': (secret) => ({ 'control-url': `http://ops:${secret}@127.0.0.1:9/control` }),
    // The probe sends them as Basic credentials at every look; the report and the log show the URL without.
    'canary-url': (secret, world) => ({
      'canary-url': world.app!.url.replace('http://', `http://probe:${secret}@`),
    }),
  },
  async world() {
    const baseline = await startTestApp({ version: 'v1', delayMs: 5 });
    const canary = await startTestApp({ version: 'v2', delayMs: 5 });
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-canary-'));
    const base = { ...ROLLOUT, 'baseline-url': baseline.url, 'canary-url': canary.url };
    return {
      action: this,
      // Faults go to the canary: what it serves is what the rollout judges.
      app: canary,
      workspace,
      inputs: base,
      run: (inputs = {}, extra = {}) =>
        runAction({
          action: join(repoRoot, 'canary-promote'),
          node,
          workspace,
          ...extra,
          inputs: { ...base, ...inputs },
        }),
      records: () => rolloutRecords(workspace),
      close: async () => {
        await baseline.close();
        await canary.close();
      },
    };
  },
  cancelPhases: [
    {
      name: 'canary mid-step',
      cancel: { when: (out) => out.includes('weight is now 25%'), graceMs: 7500 },
    },
    {
      name: 'killed mid-step (only post can return the traffic)',
      cancel: { when: (out) => out.includes('weight is now 25%'), kill: true },
    },
  ],
  problems: rolloutProblems,
  runProblems(run) {
    const problems: string[] = [];
    const weight = run.outputs['final-weight'];
    if (weight !== undefined && weight !== '0' && weight !== '100') problems.push(`final-weight ${weight}`);
    if (run.outputs.promoted === 'true' && weight !== '100') problems.push(`promoted at ${weight}%`);
    if (run.outputs.aborted === 'true' && weight !== '0') problems.push(`aborted at ${weight}%`);
    if (run.conclusion === 'success' && run.outputs.promoted !== 'true')
      problems.push(`success with promoted=${run.outputs.promoted}`);
    return problems;
  },
};

const rootRelease: ActionCase = {
  name: 'release',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/release/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: {
    environment: 'production',
    version: 'v2',
    ref: 'a'.repeat(40),
    command: 'true',
    'smoke-url': 'http://127.0.0.1:9/health',
    ledger: 'file:.deploy-kit/ledger.json',
  },
  talksTo: 'github',
  // The root action: action.yml at the top of the repository.
  ...manifestOf(''),
  routes: { create: DEPLOYMENTS, finish: STATUSES },
  recordsPerRun: 1,
  shellInputs: ['command', 'rollback-command', 'gates'],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const { gh, shas } = await fakeGitHubWithCommits(['v1', 'v2']);
    const app = await startTestApp({ version: 'v2' });
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-release-'));
    return githubWorld({
      action: this,
      dir: '',
      gh,
      workspace,
      sha: shas[1]!,
      inputs: {
        environment: 'production',
        version: 'v2',
        ref: shas[1]!,
        command: 'echo "deploying $DEPLOY_KIT_VERSION"',
        'smoke-url': `${app.url}/health`,
        'smoke-samples': '5',
        'smoke-wait-timeout': '2s',
        'concurrent-timeout': '5s',
      },
      onClose: () => void app.close(),
    });
  },
  cancelPhases: [
    { name: 'deploy command running', inputs: () => ({ command: LONG_COMMAND }), cancel: cancelOnStarted },
    {
      name: 'killed mid-deploy (only post can clean up)',
      inputs: () => ({ command: LONG_COMMAND }),
      cancel: { ...cancelOnStarted, kill: true },
    },
  ],
  problems: (before, after, runs) => deploymentProblems(before, after, runs, 1),
};

/** Each release's request and error counts as JSON at /stats/<version>: a metrics endpoint split by version. */
interface VersionStats {
  /** The json-url input: `{{version}}` is the release each side reads. */
  url: string;
  counts: Map<string, { requests: number; errors: number }>;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

async function startVersionStats(): Promise<VersionStats> {
  const counts = new Map<string, { requests: number; errors: number }>();
  const stats = { counts, requests: 0 } as VersionStats;
  const server = createServer((req, res) => {
    stats.requests += 1;
    const version = decodeURIComponent(
      new URL(req.url ?? '/', 'http://x').pathname.split('/stats/')[1] ?? '',
    );
    const answer = counts.get(version);
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { error: 'unknown version' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stats.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stats/{{version}}`;
  stats.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stats;
}

/** v1 then v2 live on the fake GitHub, made by the real deploy-env bundle (its requests then forgotten). */
async function seededGitHub(workspace: string): Promise<{ gh: FakeGitHub; shas: string[] }> {
  const { gh, shas } = await fakeGitHubWithCommits(['v1', 'v2']);
  for (const [i, version] of ['v1', 'v2'].entries()) {
    const deployed = await runAction({
      action: join(repoRoot, 'deploy-env'),
      node,
      workspace,
      inputs: { environment: 'production', version, ref: shas[i]! },
      env: gh.env(),
      github: { token: gh.token, repository: REPO, sha: shas[i]! },
    });
    if (deployed.conclusion !== 'success')
      throw new Error(`seeding ${version} failed: ${deployed.main.stdout}`);
  }
  gh.requests.length = 0;
  return { gh, shas };
}

/** watch rolled v2 back (or found it rolled back): the same rollback named by every run that says so. */
const WATCH_ROLLED_BACK = /rolled-back/;

const watchCase: ActionCase = {
  name: 'watch',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/watch/inputs.js')).readSettings(new InputReader(raw), env),
  plainInputs: {
    environment: 'production',
    metrics: 'http-json',
    'json-url': 'http://127.0.0.1:9/stats/{{version}}',
    'json-fields': 'requests: requests\nerrors: errors',
    ledger: 'file:.deploy-kit/ledger.json',
  },
  talksTo: 'github',
  ...manifestOf('watch'),
  // A watch that breaches records one rollback: a deployment, finished by its statuses.
  routes: { create: DEPLOYMENTS, finish: STATUSES },
  recordsPerRun: 1,
  shellInputs: ['rollback-command'],
  secretInputs: {
    token: (secret) => ({ token: secret }),
    // Sent to the metrics endpoint at every look; the summary names the source, never the header.
    'metrics-headers': (secret) => ({ 'metrics-headers': `Authorization: Bearer ${secret}` }),
  },
  async world() {
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-watch-'));
    const { gh, shas } = await seededGitHub(workspace);
    const stats = await startVersionStats();
    // v2 fails 6% of its requests where v1 failed 0.2%: a breach inside its window, so a run rolls it back.
    stats.counts.set('v1', { requests: 5000, errors: 10 });
    stats.counts.set('v2', { requests: 5000, errors: 300 });
    return githubWorld({
      action: this,
      gh,
      workspace,
      sha: shas[1]!,
      inputs: {
        environment: 'production',
        metrics: 'http-json',
        'json-url': stats.url,
        'json-fields': 'requests: requests\nerrors: errors',
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"',
        'concurrent-timeout': '5s',
      },
      onClose: () => void stats.close(),
    });
  },
  cancelPhases: [
    {
      name: 'rollback command running',
      inputs: () => ({ 'rollback-command': LONG_COMMAND }),
      cancel: cancelOnStarted,
    },
    {
      name: 'recording the rollback (a slow API answer)',
      prepare: (world) => world.gh!.faults.slow(STATUSES, { ms: 400, times: 1 }),
      // The rollback's deploy group opens once its deployment is created, as its first status is written.
      cancel: { when: (out) => out.includes('::group::deploy v1 to production'), graceMs: 7500 },
    },
    {
      name: 'killed mid-rollback (only post can clean up)',
      inputs: () => ({ 'rollback-command': LONG_COMMAND }),
      cancel: { ...cancelOnStarted, kill: true },
    },
  ],
  problems: (before, after, runs) => deploymentProblems(before, after, runs, 1),
  race: {
    runs: 2,
    inputs: () => ({
      'rollback-command':
        'echo "start $DEPLOY_KIT_VERSION" >> order.log; sleep 0.3; echo "end $DEPLOY_KIT_VERSION" >> order.log',
      'concurrent-timeout': '60s',
    }),
    // Two scheduled watches overlapping on one breach: one rollback. Both report the release rolled back,
    // naming the same rollback deployment; its command ran once.
    winners: 'one',
    judge(runs, world) {
      const problems: string[] = [];
      for (const run of runs) {
        if (run.conclusion !== 'success') problems.push(`a watch ended ${run.conclusion}`);
        if (!WATCH_ROLLED_BACK.test(run.outputs.status ?? ''))
          problems.push(`a watch ended with status '${run.outputs.status}'`);
      }
      const ids = new Set(runs.map((run) => run.outputs['rollback-deployment-id']));
      if (ids.size !== 1) problems.push(`the watches name different rollbacks: ${[...ids].join(', ')}`);
      const order = join(world.workspace, 'order.log');
      const started = existsSync(order)
        ? readFileSync(order, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('start ')).length
        : 0;
      if (started !== 1) problems.push(`the rollback command ran ${started} times`);
      return problems;
    },
  },
  runProblems(run) {
    const problems: string[] = [];
    const { status, 'rolled-back': rolledBack, 'rollback-deployment-id': rollbackId } = run.outputs;
    if (run.conclusion === 'success' && status === undefined) problems.push('success without a status');
    if (rolledBack === 'true' && !rollbackId) problems.push('rolled-back=true without a rollback deployment');
    if (run.conclusion !== 'success' && rolledBack === 'true')
      problems.push(`${run.conclusion} with rolled-back=true`);
    return problems;
  },
};

/** Insights only read: the records after any run, faulted or not, are exactly the records before it. */
function unchangedProblems(before: Records, after: Records): string[] {
  const problems = deploymentProblems(before, after, 0, 0);
  if (JSON.stringify(after) !== JSON.stringify(before)) problems.push('a read-only run changed the records');
  return problems;
}

/** The fake's name for every GraphQL request (the ledger's history reads). */
const GRAPHQL = 'graphql';

const insightsCase: ActionCase = {
  name: 'insights',
  parseInputs: async (raw, env) =>
    (await import('../../src/actions/insights/inputs.js')).readSettings(
      new InputReader(raw),
      new Date(),
      env,
    ),
  plainInputs: { environment: 'production', ledger: 'file:.deploy-kit/ledger.json' },
  talksTo: 'github',
  ...manifestOf('insights'),
  // It writes nothing: its faults are on the read of the record, which it must ride out or fail on cleanly.
  routes: { create: GRAPHQL, finish: GRAPHQL },
  recordsPerRun: 0,
  shellInputs: [],
  secretInputs: { token: (secret) => ({ token: secret }) },
  async world() {
    const workspace = mkdtempSync(join(tmpdir(), 'reliability-insights-'));
    const { gh, shas } = await seededGitHub(workspace);
    return githubWorld({
      action: this,
      gh,
      workspace,
      sha: shas[1]!,
      inputs: { environment: 'production', since: '30d', report: 'insights.html' },
    });
  },
  cancelPhases: [
    {
      name: 'reading the record (a slow API answer)',
      prepare: (world) => world.gh!.faults.slow(GRAPHQL, { ms: 400, times: 1 }),
      cancel: { when: (out) => out.includes('::group::Delivery insights'), graceMs: 7500 },
    },
  ],
  problems: (before, after) => unchangedProblems(before, after),
  runProblems(run) {
    const problems: string[] = [];
    const frequency = run.outputs['deployment-frequency'];
    if (run.conclusion === 'success') {
      if (!frequency) problems.push('success without deployment-frequency');
      const report = run.outputs.report;
      if (!report) problems.push('success without the report page asked for');
    } else if (frequency) problems.push(`${run.conclusion} with deployment-frequency ${frequency}`);
    return problems;
  },
};

/** Every finished action. canary-promote, preflight-gates and the root release join by adding an entry. */
export const ACTIONS: ActionCase[] = [
  deployEnv,
  rollback,
  tagRelease,
  smokeTest,
  preflightGates,
  canaryPromote,
  rootRelease,
  watchCase,
  insightsCase,
];
export const GITHUB_ACTIONS = ACTIONS.filter((a) => a.talksTo === 'github');

/** Lines that look like a JavaScript stack frame: never for a user to see. */
export const STACK_LINE = /^\s{4}at .+/m;

export function everythingShown(run: ActionRun): string {
  return [run.main.stdout, run.main.stderr, run.post?.stdout ?? '', run.post?.stderr ?? ''].join('\n');
}
