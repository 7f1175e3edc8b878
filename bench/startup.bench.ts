// Start-up of every built action bundle and of the CLI, against bare `node -e 0` in the same run.
// Each action runs as the GitHub runner starts it: `node <runs.main>` with only PATH and HOME, the INPUT_*
// it needs (action.yml defaults otherwise), and fresh command files in a temporary folder.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileLedger } from '../src/ledger/file.js';
import { parseKeyValueFile } from '../src/runner/commands.js';
import { type ActionManifest, evaluateDefault, readManifest } from '../src/runner/manifest.js';
import {
  type BenchResult,
  bundles,
  fixed,
  median,
  type ProcessRun,
  percentile,
  progress,
  ROOT,
  ratio,
  table,
  timeProcess,
} from './lib.js';

const ROUNDS = 30;
const WARMUP_ROUNDS = 2;
const GOAL_RATIO = 2.0;

/** What a bench gives each action so it does a minimal real job fast; actions not listed get their defaults. */
interface Fixture {
  url: string;
  headSha: string;
}
const ACTION_INPUTS: Record<string, (fixture: Fixture) => Record<string, string>> = {
  'smoke-test': (f) => ({ url: `${f.url}/health` }),
  // Records a deployment in a file ledger (four durable writes; no command, so no shell start is timed).
  'deploy-env': () => ({
    environment: 'bench',
    version: 'v9',
    ref: 'a'.repeat(40),
    ledger: 'file:deploy-ledger.json',
    command: 'true',
  }),
  // Reads a seeded history and plans the rollback (a dry run changes nothing, so every round is alike).
  rollback: () => ({ environment: 'bench', ledger: 'file:rollback-ledger.json', 'dry-run': 'true' }),
  // Reads the history of a small repository with git and computes the next version (no API call).
  'tag-release': (f) => ({ sha: f.headSha, 'dry-run': 'true' }),
  // Evaluates two gates that need no API: a variable present in the environment, and a branch rule.
  'preflight-gates': () => ({
    environment: 'bench',
    gates: 'env: { variables: [PATH] }\nbranch: { bench: [main] }',
    ref: 'refs/heads/main',
    'check-run': 'false',
  }),
  // A one-step rollout straight to 100% (the promotion is set, not judged) through a command router.
  'canary-promote': (f) => ({
    environment: 'bench',
    'baseline-version': 'v1',
    'canary-version': 'v2',
    steps: '100',
    router: 'command',
    'router-command': 'true',
    'baseline-url': `${f.url}/health`,
    'canary-url': `${f.url}/health`,
  }),
  // One scheduled look at the seeded release: 20 probe requests judged against fixed limits (healthy, so no rollback).
  watch: (f) => ({
    environment: 'bench',
    ledger: 'file:rollback-ledger.json',
    window: '24h',
    compare: 'limits',
    metrics: 'probe',
    'canary-url': `${f.url}/health`,
    'probe-requests': '20',
    'min-samples': '20',
    'max-error-rate': '1%',
  }),
  // The four keys over the seeded history (two deployments, no failure) from the file ledger.
  insights: () => ({ environment: 'bench', ledger: 'file:rollback-ledger.json', since: '30d' }),
};
/** How to tell from its outputs that the action did its job (not only that it exited 0). */
const ACTION_CHECKS: Record<string, (outputs: Record<string, string>) => boolean> = {
  'smoke-test': (outputs) => outputs.passed === 'true',
  'deploy-env': (outputs) => outputs.result === 'success',
  rollback: (outputs) => outputs.result === 'planned' && outputs['rolled-back-to-version'] === 'v1',
  'tag-release': (outputs) => outputs.version === '1.1.0',
  'preflight-gates': (outputs) => outputs.passed === 'true',
  'canary-promote': (outputs) => outputs.promoted === 'true',
  watch: (outputs) => outputs.status === 'healthy',
  insights: (outputs) => outputs['change-failure-rate'] === '0',
};

/** A repository with a release tag and a feature after it, for tag-release. */
function seedRepository(work: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@b',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@b',
      },
    }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('commit', '--quiet', '--allow-empty', '-m', 'feat: first');
  git('tag', 'v1.0.0');
  git('commit', '--quiet', '--allow-empty', '-m', 'feat: second');
  return git('rev-parse', 'HEAD');
}

/** Two releases for rollback to choose between. */
async function seedRollbackLedger(work: string): Promise<void> {
  const ledger = new FileLedger(join(work, 'rollback-ledger.json'));
  for (const version of ['v1', 'v2']) {
    const sha = (version === 'v1' ? 'a' : 'b').repeat(40);
    const entry = await ledger.create({
      environment: 'bench',
      sha,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version, sha, ref: 'main', actor: 'bench' },
    });
    await ledger.setStatus(entry.id, { state: 'success' });
  }
}

interface Target {
  label: string;
  command: string;
  args: string[];
  /** Inputs on top of PATH and HOME. */
  inputs: Record<string, string>;
  check?: (outputs: Record<string, string>) => boolean;
  /** The reference every ratio is taken against (bare node). */
  baseline?: boolean;
  /** Shown for context, not judged. */
  reference?: boolean;
  /** A start-up row: the bundle is given no inputs and must stop at its input check (exit 1, the action named). */
  startupOnly?: string;
  runs: ProcessRun[];
  jobDone: number;
}

/** Actions of this repository: top-level folders with an action.yml that runs on node. */
function nodeActions(root: string): ActionManifest[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'action.yml')))
    .map((entry) => readManifest(join(root, entry.name)))
    .filter((manifest) => manifest.runs.using.startsWith('node'))
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

function folderName(manifest: ActionManifest, root: string): string {
  return manifest.dir.slice(root.length + 1);
}

function startTinyServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      done({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

export async function run(): Promise<BenchResult> {
  const built = await bundles();
  const root = built.root;
  const { server, url } = await startTinyServer();
  const work = await mkdtemp(join(tmpdir(), 'deploy-kit-bench-startup-'));
  await seedRollbackLedger(work);
  const headSha = seedRepository(work);
  try {
    const node = process.execPath;
    const targets: Target[] = [
      {
        label: 'bare `node -e 0`',
        command: node,
        args: ['-e', '0'],
        inputs: {},
        baseline: true,
        runs: [],
        jobDone: 0,
      },
      {
        // The floor of any action that makes one request: bare node doing one GET with node:http.
        label: 'context: bare node doing one `GET` (node:http)',
        command: node,
        args: ['-e', `require('node:http').get(${JSON.stringify(`${url}/health`)}, (res) => res.resume())`],
        inputs: {},
        reference: true,
        runs: [],
        jobDone: 0,
      },
    ];
    const notBuilt: string[] = [];
    /** Actions this benchmark has no minimal job for: the goal cannot be met until each has one. */
    const noJob: string[] = [];
    for (const manifest of nodeActions(root)) {
      const name = folderName(manifest, root);
      const main = resolve(manifest.dir, manifest.runs.main);
      if (!existsSync(main)) {
        notBuilt.push(`${name} (${manifest.runs.main})`);
        continue;
      }
      const inputs: Record<string, string> = {};
      for (const input of manifest.inputs) {
        if (input.default !== undefined) inputs[input.name] = evaluateDefault(input.default, {});
      }
      if (!ACTION_INPUTS[name] || !ACTION_CHECKS[name]) noJob.push(name);
      Object.assign(inputs, ACTION_INPUTS[name]?.({ url, headSha }) ?? {});
      // Start-up: load the bundle and reach the first decision (here, its input check refusing empty inputs).
      targets.push({
        label: `start-up: ${name} (\`${main.slice(root.length + 1)}\`)`,
        command: node,
        args: [main],
        inputs: {},
        startupOnly: name,
        runs: [],
        jobDone: 0,
      });
      // Context: the same bundle doing a minimal real job, whatever that job costs (fsync'd ledger writes, git).
      targets.push({
        label: `context: ${name} doing a minimal job`,
        command: node,
        args: [main],
        inputs,
        check: ACTION_CHECKS[name],
        reference: true,
        runs: [],
        jobDone: 0,
      });
    }
    const cliBin = join(root, 'bin', 'deploy-kit.js');
    if (existsSync(join(root, 'dist', 'cli', 'index.js'))) {
      targets.push({
        label: 'CLI `bin/deploy-kit.js --help`',
        command: node,
        args: [cliBin, '--help'],
        inputs: {},
        runs: [],
        jobDone: 0,
      });
    } else {
      notBuilt.push('cli (dist/cli/index.js)');
    }

    let serial = 0;
    const once = async (target: Target): Promise<ProcessRun> => {
      serial += 1;
      const output = join(work, `output-${serial}`);
      const summary = join(work, `summary-${serial}`);
      writeFileSync(output, '');
      writeFileSync(summary, '');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
      };
      if (!target.baseline) {
        // Where the runner points scratch files; keeps reports out of the repository.
        env.RUNNER_TEMP = work;
        env.GITHUB_WORKSPACE = work;
        env.GITHUB_OUTPUT = output;
        env.GITHUB_STEP_SUMMARY = summary;
        for (const [name, value] of Object.entries(target.inputs)) {
          env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
        }
      }
      const result = await timeProcess(target.command, target.args, { env, cwd: work, timeoutMs: 30_000 });
      if (target.check && result.code === 0) {
        try {
          if (target.check(parseKeyValueFile(readFileSync(output, 'utf8')))) {
            target.jobDone += 1;
          }
        } catch {
          // Malformed outputs: the job is not done.
        }
      }
      rmSync(output, { force: true });
      rmSync(summary, { force: true });
      return result;
    };

    // Warm the page cache, then alternate: every round runs each target once, in a rotated order.
    for (let round = 0; round < WARMUP_ROUNDS; round++) for (const target of targets) await once(target);
    for (const target of targets) target.jobDone = 0;
    progress(`startup: ${targets.length} targets × ${ROUNDS} rounds`);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(round + i) % targets.length]!;
        target.runs.push(await once(target));
      }
    }

    const baseline = median(targets[0]!.runs.map((r) => r.ms));
    const judged = targets.filter((t) => !t.baseline && !t.reference);
    let met = judged.length > 0;
    const failures: string[] = [];
    const rows = targets.map((target) => {
      const times = target.runs.map((r) => r.ms);
      const m = median(times);
      const failed = target.startupOnly
        ? target.runs.filter((r) => r.code !== 1 || !r.stdout.includes(`::error::${target.startupOnly}: `))
            .length
        : target.runs.filter((r) => r.code !== 0).length;
      if (failed > 0) {
        const last = target.runs.find((r) => r.code !== 0);
        failures.push(
          `${target.label}: ${failed} of ${ROUNDS} runs exited ${last?.code}: ${last?.stderr.trim() || last?.stdout.trim().split('\n').at(-1)}`,
        );
      }
      const unjudged = target.baseline || target.reference;
      const ok = unjudged || (m / baseline <= GOAL_RATIO && failed === 0);
      if (!ok) met = false;
      return [
        target.label,
        fixed(m),
        fixed(percentile(times, 90)),
        target.baseline ? '1.00× (reference)' : ratio(m / baseline),
        (target.startupOnly ? `input error ${ROUNDS - failed}/${ROUNDS}` : `${ROUNDS - failed}/${ROUNDS}`) +
          (target.check ? `, job done ${target.jobDone}/${ROUNDS}` : ''),
        unjudged ? '' : ok ? '✅' : '❌',
      ];
    });
    if (targets.some((t) => t.check && t.jobDone < ROUNDS)) met = false;
    if (noJob.length > 0) met = false;

    const notes = [
      `Node ${process.version} at ${process.execPath.startsWith(ROOT) ? process.execPath.slice(ROOT.length + 1) : process.execPath}` +
        ' (`npm run` puts node_modules/.bin first on PATH, so tsx and every process here run on that Node).',
      'Start-up rows give a bundle no inputs: it loads, parses its inputs and stops with an error naming the action ' +
        '(counted only when it does exactly that). Context rows run a minimal real job and are not judged: ' +
        "deploy-env's includes three fsync'd, locked ledger writes; tag-release's runs git four to six times; " +
        'rollback reads a ledger and plans a dry run.',
      'smoke-test checks `GET /health` once on a server in the benchmark process on 127.0.0.1 that answers 200 at once; ' +
        '"job done" counts runs whose `passed` output was `true`.',
    ];
    if (built.note) notes.push(built.note);
    if (noJob.length > 0)
      notes.push(
        `No minimal job defined for ${noJob.join(', ')} (ACTION_INPUTS and ACTION_CHECKS), so the goal is not met.`,
      );
    if (notBuilt.length > 0)
      notes.push(`Not built, so not measured: ${notBuilt.join(', ')} — run \`npm run build\`.`);
    if (judged.length === 0) notes.push('No bundle exists: nothing to judge, goal counted as not met.');
    notes.push(...failures);

    return {
      title: 'Start-up of the action bundles',
      table: table(['Process', 'Median ms', 'p90 ms', 'Ratio (median)', 'Exit 0', 'Goal'], rows),
      goal: `each bundle's start-up ≤ ${GOAL_RATIO.toFixed(1)}× bare \`node -e 0\`, and every minimal job done`,
      met,
      method:
        `spawn to exit, timed with hrtime from the benchmark process; ${WARMUP_ROUNDS} warm-up rounds, then ${ROUNDS} rounds ` +
        'alternating all processes in rotated order; clean environment (PATH, HOME, INPUT_*, fresh GITHUB_OUTPUT and ' +
        'GITHUB_STEP_SUMMARY, RUNNER_TEMP in a temp dir).',
      notes,
    };
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
