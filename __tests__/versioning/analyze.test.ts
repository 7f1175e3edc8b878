import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRelease, ShallowHistoryError } from '../../src/versioning/analyze.js';
import { cleanup, Repo, runGit, tempDir } from './repo.js';

afterAll(cleanup);

describe('analyzeRelease', () => {
  it('linear history: previous tag, bump, commits with PR numbers', async () => {
    const repo = Repo.init();
    repo.commit('feat: first');
    repo.tag('v1.3.0', true);
    repo.commit('fix: a bug (#11)');
    repo.commit('feat(ui): a feature (#12)');
    repo.commit('chore: tidy');
    const result = await analyzeRelease({ cwd: repo.dir, sha: repo.head() });
    expect(result).toMatchObject({ previousTag: 'v1.3.0', previousVersion: '1.3.0', nextVersion: '1.4.0' });
    expect(result.nextTag).toBe('v1.4.0');
    expect(result.bump).toBe('minor');
    expect(result.commits.map((c) => c.pr)).toEqual([undefined, 12, 11]);
    expect(result.stats).toEqual({ tagsRead: 1, commitsRead: 3, deepenRounds: 0 });
  });

  it('a feature branch merged with a merge commit counts its commits', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v2.0.0');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.commit('feat!: new config format');
    repo.git('checkout', '--quiet', 'main');
    repo.commit('fix: on main');
    repo.git('merge', '--quiet', '--no-ff', '-m', 'Merge pull request #5 from acme/feature', 'feature');
    const result = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD' });
    expect(result.nextVersion).toBe('3.0.0');
    const merge = result.commits.find((c) => c.merge);
    expect(merge?.pr).toBe(5);
    expect(merge?.type).toBeUndefined();
    expect(result.stats.commitsRead).toBe(3);
  });

  it('a revert pair cancels out; nothing left gives no version and says why', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.0.0');
    const feat = repo.commit('feat: experiment');
    repo.revert(feat);
    repo.commit('docs: notes');
    const result = await analyzeRelease({ cwd: repo.dir, sha: repo.head() });
    expect(result.bump).toBeUndefined();
    expect(result.nextVersion).toBeUndefined();
    expect(result.reason).toBe('no releasable commit since 1.0.0 (3 commits read)');
    expect(result.commits.filter((c) => c.cancelled)).toHaveLength(2);
  });

  it('a squash merge body with several entries counts each', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.1.0');
    repo.commit('Squashed work (#30)\n\n* fix: one\n\n* feat(api): two\n\n* docs: three');
    const result = await analyzeRelease({ cwd: repo.dir, sha: repo.head() });
    expect(result.nextVersion).toBe('1.2.0');
    expect(result.commits.filter((c) => c.squashEntry).map((c) => c.type)).toEqual(['fix', 'feat', 'docs']);
  });

  it('prerelease series rc.1 → rc.2 → final', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.3.0');
    repo.commit('feat: shiny');
    const rc1 = await analyzeRelease({ cwd: repo.dir, sha: repo.head(), prerelease: 'rc' });
    expect(rc1).toMatchObject({ previousTag: 'v1.3.0', nextVersion: '1.4.0-rc.1', nextTag: 'v1.4.0-rc.1' });
    repo.tag('v1.4.0-rc.1');
    // Same commit again: already tagged, no new prerelease.
    const same = await analyzeRelease({ cwd: repo.dir, sha: repo.head(), prerelease: 'rc' });
    expect(same.nextVersion).toBeUndefined();
    expect(same.reason).toMatch(/already tagged v1\.4\.0-rc\.1/);

    repo.commit('fix: polish');
    const rc2 = await analyzeRelease({ cwd: repo.dir, sha: repo.head(), prerelease: 'rc' });
    expect(rc2.nextVersion).toBe('1.4.0-rc.2');
    expect(rc2.previousTag).toBe('v1.3.0');
    expect(rc2.stats.commitsRead).toBe(2);
    repo.tag('v1.4.0-rc.2');
    const final = await analyzeRelease({ cwd: repo.dir, sha: repo.head() });
    expect(final).toMatchObject({ previousTag: 'v1.3.0', nextVersion: '1.4.0', bump: 'minor' });
  });

  it('the previous tag is the highest REACHABLE one, not a higher tag on another branch', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.0.0');
    repo.git('checkout', '--quiet', '-b', 'next');
    repo.commit('feat!: v2 work');
    repo.tag('v2.0.0');
    repo.git('checkout', '--quiet', 'main');
    repo.commit('fix: maintenance');
    const result = await analyzeRelease({ cwd: repo.dir, sha: 'main' });
    expect(result).toMatchObject({ previousTag: 'v1.0.0', nextVersion: '1.0.1' });
    expect(result.stats.tagsRead).toBe(2);

    // A next version whose tag exists on the other branch is refused, not overwritten.
    repo.git('checkout', '--quiet', '-b', 'maint-feat');
    repo.commit('feat!: clash');
    const clash = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD' });
    expect(clash.nextVersion).toBeUndefined();
    expect(clash.bump).toBe('major');
    expect(clash.conflict).toEqual({ tag: 'v2.0.0', commit: repo.git('rev-parse', 'v2.0.0') });
    expect(clash.reason).toMatch(/tag v2\.0\.0 already exists/);
  });

  it('monorepo: paths and per-package prefixes', async () => {
    const repo = Repo.init();
    repo.commit('chore: init', 'README.md');
    repo.tag('api-v1.0.0');
    repo.tag('web-v0.4.0');
    repo.tag('v9.0.0');
    repo.commit('feat(web): new page', 'packages/web/page.ts');
    repo.commit('fix(api): off by one', 'packages/api/x.ts');
    repo.commit('feat(web)!: drop IE', 'packages/web/ie.ts');
    const api = await analyzeRelease({
      cwd: repo.dir,
      sha: 'HEAD',
      tagPrefix: 'api-v',
      paths: ['packages/api'],
    });
    expect(api).toMatchObject({ previousTag: 'api-v1.0.0', nextVersion: '1.0.1', nextTag: 'api-v1.0.1' });
    expect(api.commits.map((c) => c.subject)).toEqual(['off by one']);
    expect(api.stats.tagsRead).toBe(1);

    // web is pre-1.0: a breaking change bumps the minor.
    const web = await analyzeRelease({
      cwd: repo.dir,
      sha: 'HEAD',
      tagPrefix: 'web-v',
      paths: ['packages/web'],
    });
    expect(web).toMatchObject({ previousTag: 'web-v0.4.0', bump: 'major', nextVersion: '0.5.0' });
    expect(web.reason).toMatch(/before 1\.0\.0/);

    const docs = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD', tagPrefix: 'api-v', paths: ['docs'] });
    expect(docs.nextVersion).toBeUndefined();
    expect(docs.reason).toMatch(/touching docs/);
  });

  it('custom release rules', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v1.0.0');
    repo.commit('docs(api): document limits');
    repo.commit('refactor: reshuffle');
    const rules = [
      { type: 'docs', scope: 'api', release: 'patch' as const },
      { type: 'refactor', release: false as const },
    ];
    const result = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD', releaseRules: rules });
    expect(result.nextVersion).toBe('1.0.1');
    expect(result.commits.map((c) => c.release)).toEqual([undefined, 'patch']);
    expect((await analyzeRelease({ cwd: repo.dir, sha: 'HEAD' })).nextVersion).toBeUndefined();
  });

  it('first release: the initial version, stated; none without a releasable commit', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    const none = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD' });
    expect(none.nextVersion).toBeUndefined();
    expect(none.reason).toMatch(/no releasable commit in the history/);
    repo.commit('fix: first fix');
    const first = await analyzeRelease({ cwd: repo.dir, sha: 'HEAD', initialVersion: '0.1.0' });
    expect(first.nextVersion).toBe('0.1.0');
    expect(first.previousTag).toBeUndefined();
    expect(first.reason).toMatch(/initial version 0\.1\.0/);
  });

  it('refuses bad input before touching anything', async () => {
    const repo = Repo.init();
    repo.commit('feat: a');
    await expect(analyzeRelease({ cwd: repo.dir, sha: 'HEAD', tagPrefix: 'v[0-9]' })).rejects.toThrow(
      /tag prefix/,
    );
    await expect(analyzeRelease({ cwd: repo.dir, sha: '-v' })).rejects.toThrow(/not a valid git ref/);
  });
});

/** An "origin" bare repository with `count` commits and tags where told, and a depth-1 clone of it. */
function origin(build: (repo: Repo) => void): { clone: string; remote: string } {
  const work = Repo.init();
  build(work);
  const remote = join(tempDir(), 'origin.git');
  runGit(work.dir, ['clone', '--quiet', '--bare', work.dir, remote]);
  const clone = join(tempDir(), 'clone');
  runGit(work.dir, ['clone', '--quiet', '--depth', '1', '--no-tags', `file://${remote}`, clone]);
  return { clone, remote };
}

describe('analyzeRelease on a shallow clone', () => {
  it('deepens step by step until the previous tag is in the history', async () => {
    const { clone } = origin((repo) => {
      for (let i = 0; i < 5; i++) repo.commit(`fix: old ${i}`);
      repo.tag('v1.2.0', true);
      for (let i = 0; i < 30; i++) repo.commit(i === 10 ? 'feat: new thing' : `chore: step ${i}`);
    });
    expect(runGit(clone, ['rev-parse', '--is-shallow-repository'])).toBe('true');
    const lines: string[] = [];
    const result = await analyzeRelease({ cwd: clone, sha: 'HEAD', deepenBy: 4, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ previousTag: 'v1.2.0', nextVersion: '1.3.0' });
    // 1 + 4 + 8 + 16 = 29 < 30 commits above the tag, 61 ≥ 30: four rounds.
    expect(result.stats.deepenRounds).toBe(4);
    expect(result.stats.commitsRead).toBe(30);
    expect(lines[0]).toMatch(/shallow clone, history cut before any v\* tag.*fetching 4 more commits/);
  });

  it('history that ends without a tag gives the initial version, said so', async () => {
    const { clone } = origin((repo) => {
      for (let i = 0; i < 6; i++) repo.commit(i === 2 ? 'feat: a' : `chore: ${i}`);
    });
    const result = await analyzeRelease({ cwd: clone, sha: 'HEAD', deepenBy: 2 });
    expect(result.previousTag).toBeUndefined();
    expect(result.nextVersion).toBe('1.0.0');
    expect(result.reason).toMatch(/first release: the initial version 1\.0\.0/);
    expect(result.stats.commitsRead).toBe(6);
    expect(runGit(clone, ['rev-parse', '--is-shallow-repository'])).toBe('false');
  });

  it('ends with --unshallow when the rounds run out', async () => {
    const { clone } = origin((repo) => {
      repo.commit('chore: root');
      repo.tag('v0.9.0');
      for (let i = 0; i < 20; i++) repo.commit(`fix: ${i}`);
    });
    const result = await analyzeRelease({ cwd: clone, sha: 'HEAD', deepenBy: 1, maxDeepenRounds: 2 });
    expect(result).toMatchObject({ previousTag: 'v0.9.0', nextVersion: '0.9.1' });
    expect(result.stats.deepenRounds).toBe(3);
  });

  it('refuses a cut history it may not or cannot deepen', async () => {
    const { clone, remote } = origin((repo) => {
      repo.commit('chore: root');
      repo.tag('v1.0.0');
      for (let i = 0; i < 5; i++) repo.commit(`feat: ${i}`);
    });
    await expect(analyzeRelease({ cwd: clone, sha: 'HEAD', deepen: false })).rejects.toThrow(
      ShallowHistoryError,
    );
    await expect(analyzeRelease({ cwd: clone, sha: 'HEAD', deepen: false })).rejects.toThrow(
      /history of this checkout is cut before any v\* tag.*fetch-depth: 0/,
    );
    runGit(clone, ['remote', 'set-url', 'origin', `file://${remote}-gone`]);
    await expect(analyzeRelease({ cwd: clone, sha: 'HEAD' })).rejects.toThrow(
      /deepening it from 'origin' failed/,
    );
  });
});

// The same grammar as the engine and bench/release-version.bench.ts give semantic-release's analyzer; its
// revert handling is the angular preset's (both `Revert "…"` and `revert: …`).
type AnalyzeCommits = (config: object, context: object) => Promise<string | null>;
const analyzerModule: string = '@semantic-release/commit-analyzer';
const semanticConfig = {
  parserOpts: {
    headerPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!?: (.*)$/,
    breakingHeaderPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!: (.*)$/,
    noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  },
};

async function semanticBump(repo: Repo, from: string, to: string): Promise<string | undefined> {
  const { analyzeCommits } = (await import(analyzerModule)) as { analyzeCommits: AnalyzeCommits };
  const log = repo.git('log', '--format=%H%x1f%B%x1e', `${from}..${to}`);
  const commits = log
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [hash = '', message = ''] = entry.split('\x1f');
      return { hash, message: message.trim() };
    });
  const logger = { log: () => {}, error: () => {} };
  return (await analyzeCommits(semanticConfig, { commits, logger, cwd: repo.dir })) ?? undefined;
}

describe('reverts, beside @semantic-release/commit-analyzer', () => {
  it("a revert of a released commit is a patch in both forms, git's and the conventional one, as commit-analyzer says", async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    const fix = repo.commit('fix: cache keys');
    const feat = repo.commit('feat: export to CSV');
    repo.tag('v1.4.0');
    const cases: { name: string; message: string }[] = [
      { name: "git's form", message: `Revert "feat: export to CSV"\n\nThis reverts commit ${feat}.` },
      { name: 'conventional, quoted', message: `revert: "fix: cache keys"\n\nThis reverts commit ${fix}.` },
      { name: 'conventional, unquoted', message: `revert: fix: cache keys\n\nThis reverts commit ${fix}.` },
      {
        name: 'conventional, short SHA',
        message: `revert: "feat: export to CSV"\n\nThis reverts commit ${feat.slice(0, 7)}.`,
      },
    ];
    let previous = 'v1.4.0';
    for (const [index, { name, message }] of cases.entries()) {
      const sha = repo.commit(message);
      const ours = await analyzeRelease({ cwd: repo.dir, sha });
      const theirs = await semanticBump(repo, previous, sha);
      const next = `1.4.${index + 1}`;
      expect({ name, bump: ours.bump, next: ours.nextVersion }).toEqual({ name, bump: 'patch', next });
      expect({ name, theirs }).toEqual({ name, theirs: 'patch' });
      const revert = ours.commits.find((c) => c.sha === sha);
      expect(revert).toMatchObject({ type: 'revert', release: 'patch', cancelled: false });
      expect(revert?.reverts && [fix, feat].some((target) => target.startsWith(revert.reverts!))).toBe(true);
      // Each case on its own: the next one starts from a release of this commit.
      previous = `v${next}`;
      repo.tag(previous);
    }
  });

  it('a conventional revert of a commit in the same range cancels it out, as in commit-analyzer', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v2.0.0');
    const feat = repo.commit('feat: risky thing');
    repo.commit(`revert: "feat: risky thing"\n\nThis reverts commit ${feat}.`);
    repo.commit('docs: why');
    const ours = await analyzeRelease({ cwd: repo.dir, sha: repo.head() });
    expect(ours.bump).toBeUndefined();
    expect(ours.commits.filter((c) => c.cancelled)).toHaveLength(2);
    expect(await semanticBump(repo, 'v2.0.0', 'HEAD')).toBeUndefined();

    const fix = repo.commit('fix: the other thing');
    repo.git('revert', '--no-edit', fix);
    expect((await analyzeRelease({ cwd: repo.dir, sha: repo.head() })).bump).toBeUndefined();
    expect(await semanticBump(repo, 'v2.0.0', 'HEAD')).toBeUndefined();
  });

  it('a commit whose type is revert but that names no commit asks for no release, as in commit-analyzer', async () => {
    const repo = Repo.init();
    repo.commit('chore: init');
    repo.tag('v3.0.0');
    repo.commit('revert: the config change from last week');
    expect((await analyzeRelease({ cwd: repo.dir, sha: 'HEAD' })).bump).toBeUndefined();
    expect(await semanticBump(repo, 'v3.0.0', 'HEAD')).toBeUndefined();
  });
});
