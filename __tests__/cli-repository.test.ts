// The repository of a command-line run: --repository, GITHUB_REPOSITORY or git remote origin (https and ssh),
// never a placeholder. Through the package's bin (the built bundles): with none named, nothing calls GitHub,
// and the file ledger's run links and tag-release's note links are left out rather than invented.
import { execFile, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepositoryError, repositoryFromRemote, resolveRepository } from '../src/cli-repository.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './fakes/github/index.js';
import { repoRoot } from './helpers/repo.js';
import { cleanup, GIT_ENV, Repo } from './versioning/repo.js';

const exec = promisify(execFile);
const bin = join(repoRoot, 'bin/deploy-kit.js');

afterAll(cleanup);

/** A terminal with no GitHub in it: nothing of the test runner's GITHUB_* leaks in. */
function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...GIT_ENV }).filter(
      ([name]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(name),
    ),
  );
  return { ...env, ...extra };
}

async function cli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd, env: terminalEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('repositoryFromRemote', () => {
  it('reads owner/name from the https and ssh forms of a GitHub remote', () => {
    const forms = [
      'https://github.com/acme/app.git',
      'https://github.com/acme/app',
      'https://github.com/acme/app/',
      'https://x-access-token:ghs_secret@github.com/acme/app.git',
      'http://github.com/acme/app.git',
      'git@github.com:acme/app.git',
      'git@github.com:acme/app',
      'ssh://git@github.com/acme/app.git',
      'ssh://git@github.com:22/acme/app.git',
      'git+ssh://git@github.com/acme/app.git',
      'git://github.com/acme/app.git',
    ];
    for (const url of forms)
      expect({ url, repository: repositoryFromRemote(url) }).toEqual({ url, repository: 'acme/app' });
    expect(repositoryFromRemote('https://github.com/acme/my.app-2.git')).toBe('acme/my.app-2');
  });

  it('is no repository for another host, a deeper or shallower path, or a local path', () => {
    for (const url of [
      'git@gitlab.com:acme/app.git',
      'https://gitlab.com/group/sub/app.git',
      'https://github.com/acme',
      'https://github.com/acme/app/tree/main',
      '/srv/git/app.git',
      'file:///srv/git/app.git',
      '../app',
      '',
    ]) {
      expect({ url, repository: repositoryFromRemote(url) }).toEqual({ url, repository: undefined });
    }
  });

  it('takes a GitHub Enterprise Server host when it is named', () => {
    expect(repositoryFromRemote('git@ghe.example.com:acme/app.git')).toBeUndefined();
    expect(repositoryFromRemote('git@ghe.example.com:acme/app.git', ['github.com', 'ghe.example.com'])).toBe(
      'acme/app',
    );
  });
});

describe('the placeholder repository', () => {
  it('is gone from the sources and the bundles: a run names its repository or has none', () => {
    // git grep: exit 1 and no output when nothing matches.
    const grep = spawnSync('git', ['grep', '-n', '-I', 'octo-org', '--', 'src', 'bin', 'dist', 'scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(grep.stdout).toBe('');
    expect(grep.status).toBe(1);
  });
});

describe('resolveRepository', () => {
  it('--repository, then GITHUB_REPOSITORY, then the git remote origin; none is none', () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    expect(resolveRepository(undefined, {}, repo.dir)).toEqual({});
    repo.git('remote', 'add', 'origin', 'https://x-access-token:ghs_secret@github.com/acme/app.git');
    expect(resolveRepository(undefined, {}, repo.dir)).toEqual({
      repository: 'acme/app',
      source: 'git remote origin (https://github.com/acme/app.git)',
    });
    expect(resolveRepository(undefined, { GITHUB_REPOSITORY: 'acme/env' }, repo.dir)).toEqual({
      repository: 'acme/env',
      source: 'GITHUB_REPOSITORY',
    });
    expect(resolveRepository('acme/flag', { GITHUB_REPOSITORY: 'acme/env' }, repo.dir)).toEqual({
      repository: 'acme/flag',
      source: '--repository',
    });
    repo.git('remote', 'set-url', 'origin', 'git@gitlab.com:acme/app.git');
    expect(resolveRepository(undefined, {}, repo.dir)).toEqual({});
    expect(resolveRepository(undefined, {}, mkdtempSync(join(tmpdir(), 'no-git-')))).toEqual({});
  });

  it('refuses a value that is not owner/name, naming where it came from', () => {
    expect(() => resolveRepository('acme', {}, repoRoot)).toThrow(RepositoryError);
    expect(() => resolveRepository('acme', {}, repoRoot)).toThrow(
      "'--repository' must be owner/name like acme/app, got 'acme'",
    );
    expect(() => resolveRepository(undefined, { GITHUB_REPOSITORY: 'a/b/c' }, repoRoot)).toThrow(
      "'GITHUB_REPOSITORY' must be owner/name like acme/app, got 'a/b/c'",
    );
  });
});

describe('deploy-kit (the bin) never guesses the repository', () => {
  let gh: FakeGitHub;
  let sha: string;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: the release' });
  });
  afterAll(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  const github = () => ({ GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url, GITHUB_SHA: sha });
  const deployArgs = [
    'deploy-env',
    '--environment',
    'staging',
    '--version',
    'v1',
    '--command',
    'true',
    '--json',
  ];

  it('with a token and no repository, refuses before calling GitHub and says how to name it', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    const before = gh.requests.length;
    const result = await cli(deployArgs, repo.dir, github());
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).conclusion).toBe('failure');
    expect(result.stderr).toContain(
      'ledger: github needs the repository the deployments belong to: name it with --repository owner/name (or GITHUB_REPOSITORY=owner/name), or run in a checkout whose git remote origin is on GitHub',
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain('octo-org');
    expect(gh.requests.length).toBe(before);
  });

  it('takes --repository over GITHUB_REPOSITORY, and the git remote origin (ssh or https) when neither is given', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    const deployments = () =>
      gh.requests.filter((r) => r.method === 'POST' && /\/repos\/octo\/app\/deployments$/.test(r.path))
        .length;

    let before = deployments();
    const flagged = await cli([...deployArgs, '--repository', 'octo/app'], repo.dir, {
      ...github(),
      GITHUB_REPOSITORY: 'someone/else',
    });
    expect(flagged.stderr).not.toContain('someone/else');
    expect(flagged.code).toBe(0);
    expect(deployments()).toBe(before + 1);

    for (const remote of ['git@github.com:octo/app.git', 'https://github.com/octo/app']) {
      repo.git('config', 'remote.origin.url', remote);
      before = deployments();
      const fromOrigin = await cli(deployArgs, repo.dir, github());
      expect(fromOrigin.code, fromOrigin.stderr).toBe(0);
      expect(fromOrigin.stderr).toContain(
        `deploy-kit: repository octo/app, from git remote origin (${remote})`,
      );
      expect(deployments()).toBe(before + 1);
    }
  });

  it('`deploy-kit status` reads the GitHub ledger of the origin remote, and without one says how to name it', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    const env = { GITHUB_TOKEN: gh.token, GITHUB_API_URL: gh.url };
    const none = await cli(['status'], repo.dir, env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "status: '--repository' is needed for the github ledger: name it with --repository owner/name",
    );
    repo.git('remote', 'add', 'origin', 'git@github.com:octo/app.git');
    const status = await cli(['status', '--json'], repo.dir, env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).source).toMatchObject({ kind: 'github', repository: 'octo/app' });
  });

  it('reports a GitHub it cannot reach as such (GraphQL beside the REST base given), never as a refusal', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((done) => server.close(done));
    const repo = Repo.init();
    repo.commit('chore: init');
    const result = await cli([...deployArgs, '--repository', 'octo/app'], repo.dir, {
      GITHUB_TOKEN: 'ghs_unused',
      GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3`,
      DEPLOY_KIT_GITHUB_RETRIES: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `deploy-env: could not reach 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(to .+ in octo/app: POST http://127\\.0\\.0\\.1:${port}/api/graphql\\)`,
      ),
    );
    expect(result.stderr).not.toContain('GitHub refused');
  });

  it('records no run link in a file ledger outside a workflow', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.git('remote', 'add', 'origin', 'git@github.com:acme/app.git');
    const result = await cli([...deployArgs, '--ledger', 'file:ledger.json'], repo.dir);
    expect(result.code, result.stderr).toBe(0);
    const ledger = readFileSync(join(repo.dir, 'ledger.json'), 'utf8');
    expect(ledger).not.toContain('octo-org');
    expect(ledger).not.toContain('/actions/runs/');
  });

  it("leaves tag-release's note links out without a repository, and links the named one", async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.0.0');
    repo.commit('fix: a bug (#12)');
    const dryRun = ['tag-release', '--dry-run', 'true', '--json'];
    const local = await cli(dryRun, repo.dir);
    expect(local.code, local.stderr).toBe(0);
    const notes = JSON.parse(local.stdout).outputs.notes as string;
    expect(notes).toContain('a bug');
    expect(notes).not.toMatch(/https?:\/\//);

    repo.git('remote', 'add', 'origin', 'https://github.com/acme/app.git');
    const linked = JSON.parse((await cli(dryRun, repo.dir)).stdout).outputs.notes as string;
    expect(linked).toContain(`https://github.com/acme/app/commit/${repo.head()}`);
    expect(linked).toContain('https://github.com/acme/app/pull/12');
  });
});
