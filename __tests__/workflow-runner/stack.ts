// One example stack set up as a user would have it: a real git repository holding the stack's workflows
// in .github/workflows/ and its deploy scripts at the paths written at their tops, mirrored to the fake
// GitHub, with the stand-in hosting (fleet) and tools on PATH. The example's public addresses
// (https://api.example.com…) are rewritten to the fleet's loopback sites when copied: DNS cannot point a
// real domain at this machine, and that rewrite is the only change made to an example's text.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FakeCacheService, startFakeCacheService } from '../fakes/cache/index.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';
import { Repo } from '../versioning/repo.js';
import { type JobRun, runJob, runWorkflow, type WorkflowRunOptions } from './runner.js';
import { actionStandIns } from './stand-ins/actions.js';
import { type Fleet, type FleetOptions, startFleet } from './stand-ins/fleet.js';

const node = nodeBinaries().at(-1)!.path;

export interface StackOptions extends FleetOptions {
  /** The example's addresses (`https://api.example.com`) and the environment each one is. */
  sites: Record<string, string>;
  /** More files in the repository (the app's own), path → text. */
  files?: Record<string, string>;
  /** Start the fake Actions cache (for release bundles, `artifact-path`). */
  cache?: boolean;
  /**
   * The repository's own scripts the fleet plays (path → the tool name it logs them as), for an example that
   * runs a script it does not ship (examples/workflows/canary.yml's scripts/deploy.sh).
   */
  scripts?: Record<string, string>;
  /**
   * Changes a workflow's text as it is copied (a deliberate mistake, or a machine's paths and addresses
   * pointed at the fleet's: see Fleet.edge).
   */
  edit?: (file: string, text: string, fleet: Fleet) => string;
}

export interface Stack {
  repo: Repo;
  gh: FakeGitHub;
  fleet: Fleet;
  cache?: FakeCacheService;
  /** Commits a release of the app (its VERSION file) on main, mirrored to GitHub; returns the SHA. */
  commit(message: string, version?: string): string;
  /** Runs the workflow's jobs (all, or `jobs`) at a commit. */
  run(
    workflow: string,
    sha: string,
    extra?: Partial<WorkflowRunOptions> & { jobs?: string[] },
  ): Promise<Record<string, JobRun>>;
  runJob(workflow: string, job: string, sha: string, extra?: Partial<WorkflowRunOptions>): Promise<JobRun>;
  /** The environment's deployments on GitHub, oldest first. */
  deployments(environment: string): ReturnType<FakeGitHub['store']['repo']>['deployments'];
  tags(): string[];
  /**
   * Sets the clock the jobs' node processes see (an ISO date), or the real one (undefined); with `only`,
   * just those deploy-kit actions' processes (a freeze gate's day, while canary-promote asks Prometheus
   * about now).
   */
  setClock(iso: string | undefined, only?: string[]): void;
  close(): Promise<void>;
}

const REPOSITORY = 'octo/app';

/** `name` is a folder of examples/: a stack, or `workflows` (the generic examples). */
export async function startStack(name: string, options: StackOptions): Promise<Stack> {
  const fleet = await startFleet(options);
  const gh = await startFakeGitHub();
  const cache = options.cache ? await startFakeCacheService() : undefined;
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const repo = Repo.init();
  const source = join(repoRoot, 'examples', name);
  const rewrite = (text: string) => {
    let result = text;
    for (const [address, environment] of Object.entries(options.sites)) {
      result = result.split(address).join(fleet.site(environment));
    }
    return result;
  };
  mkdirSync(join(repo.dir, '.github/workflows'), { recursive: true });
  // A stack keeps its workflows in <stack>/workflows/; the generic examples are examples/workflows/ itself.
  const workflows = existsSync(join(source, 'workflows')) ? join(source, 'workflows') : source;
  for (const file of readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f))) {
    const text = rewrite(readFileSync(join(workflows, file), 'utf8'));
    writeFileSync(join(repo.dir, '.github/workflows', file), options.edit?.(file, text, fleet) ?? text);
  }
  // Each script says where it lives in the application's repository; server-side ones are played by the fleet.
  for (const file of readdirSync(source).filter((f) => f.endsWith('.sh'))) {
    const where = /^# (\S+\.sh)\b[^\n]* in the application's repository/m.exec(
      readFileSync(join(source, file), 'utf8'),
    )?.[1];
    if (!where) continue;
    mkdirSync(join(repo.dir, dirname(where)), { recursive: true });
    copyFileSync(join(source, file), join(repo.dir, where));
  }
  for (const [path, tool] of Object.entries(options.scripts ?? {})) {
    mkdirSync(join(repo.dir, dirname(path)), { recursive: true });
    writeFileSync(join(repo.dir, path), fleet.script(tool), { mode: 0o755 });
  }
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(repo.dir, dirname(path)), { recursive: true });
    writeFileSync(join(repo.dir, path), text);
  }
  writeFileSync(join(repo.dir, '.gitignore'), 'gha-creds-*.json\n.vercel/\n.env\n.deploy-kit/\n');
  const mirror = (sha: string, message: string) =>
    gh.store.addCommit(REPOSITORY, { branch: 'main', sha, message });
  repo.git('add', '--all');
  repo.git('commit', '--quiet', '-m', 'chore: the app and its workflows');
  mirror(repo.head(), 'chore: the app and its workflows');

  const tagsOnGitHub = (): [string, string][] =>
    [...gh.store.repo(REPOSITORY).refs]
      .filter(([ref]) => ref.startsWith('refs/tags/'))
      .map(([ref, sha]) => [ref.slice('refs/tags/'.length), sha]);

  let clock: string | undefined;
  let clockOnly: string[] | undefined;
  const clockEnv = (): Record<string, string> =>
    clock
      ? {
          STANDIN_NOW: clock,
          ...(clockOnly ? { STANDIN_NOW_ONLY: clockOnly.join(',') } : {}),
          NODE_OPTIONS: `--import ${pathToFileURL(join(import.meta.dirname, 'stand-ins/clock.mjs')).href}`,
        }
      : {};
  const base = (sha: string): WorkflowRunOptions => ({
    workflow: '',
    workspace: repo.dir,
    github: {
      repository: REPOSITORY,
      sha,
      ref: 'refs/heads/main',
      token: gh.token,
      actor: 'octocat',
      apiUrl: gh.url,
      graphqlUrl: gh.graphqlUrl,
      serverUrl: gh.origin,
      runId: String(Date.now() % 1_000_000),
    },
    env: { ...fleet.env(), ...cache?.env(), ...clockEnv() },
    actions: actionStandIns(tagsOnGitHub),
    node,
  });

  return {
    repo,
    gh,
    fleet,
    ...(cache ? { cache } : {}),
    commit(message, version) {
      // Back on main first: the checkout stand-in leaves the clone at a detached commit (an older one after a
      // rollback's checkout, whose VERSION differs from main's).
      repo.git('checkout', '--quiet', 'main');
      if (version !== undefined) writeFileSync(join(repo.dir, 'VERSION'), `${version}\n`);
      repo.git('add', '--all');
      repo.git('commit', '--quiet', '--allow-empty', '-m', message);
      const sha = repo.head();
      mirror(sha, message);
      return sha;
    },
    run: (workflow, sha, extra = {}) => {
      // Each run on a fresh runner: no state file left in the workspace by the last one (canary-promote's).
      rmSync(join(repo.dir, '.deploy-kit'), { recursive: true, force: true });
      const defaults = base(sha);
      // A run's own variables (a metric service's address, its credentials) go on top of the machine's.
      return runWorkflow({
        ...defaults,
        ...extra,
        env: { ...defaults.env, ...extra.env },
        workflow: join(repo.dir, '.github/workflows', workflow),
      });
    },
    runJob: (workflow, job, sha, extra = {}) =>
      runJob({ ...base(sha), ...extra, workflow: join(repo.dir, '.github/workflows', workflow), job }),
    deployments: (environment) =>
      gh.store.repo(REPOSITORY).deployments.filter((d) => d.environment === environment),
    setClock: (iso, only) => {
      clock = iso;
      clockOnly = only;
    },
    tags: () =>
      tagsOnGitHub()
        .map(([tag]) => tag)
        .sort(),
    close: async () => {
      await fleet.close();
      await gh.close();
      await cache?.close();
    },
  };
}
