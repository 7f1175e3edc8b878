// Runner-contract tests: the built tag-release bundle on a real git repository and the fake GitHub.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';
import { cleanup, Repo } from '../versioning/repo.js';

const node = nodeBinaries().at(-1)!.path;

describe('tag-release', () => {
  let gh: FakeGitHub;
  let repo: Repo;
  const mirror = (sha: string, message: string) =>
    gh.store.addCommit('octo/app', { branch: 'main', sha, message });
  const run = (sha: string, inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action: join(repoRoot, 'tag-release'),
      inputs,
      node,
      workspace: repo.dir,
      env: gh.env(),
      github: { token: gh.token, repository: 'octo/app', sha, ref: 'refs/heads/main', eventName: 'push' },
      ...extra,
    });
  const tagsOf = () =>
    [...gh.store.repo('octo/app').refs.keys()].filter((r) => r.startsWith('refs/tags/')).sort();

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    repo = Repo.init();
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
    cleanup();
  });

  it('computes the version with git alone, tags the deployed commit, publishes notes, moves v1', async () => {
    const base = repo.commit('feat: first');
    repo.git('tag', 'v1.3.0');
    mirror(base, 'feat: first');
    // As an earlier tag-release left it: the release tag and the major tags.
    for (const tag of ['v1.3.0', 'v1.3', 'v1']) gh.store.addTag('octo/app', tag, { sha: base });
    const fix = repo.commit('fix: a crash (#12)');
    const feat = repo.commit('feat(api): a new endpoint');
    mirror(fix, 'fix: a crash (#12)');
    mirror(feat, 'feat(api): a new endpoint');

    const result = await run(feat);
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.outputs).toMatchObject({
      version: '1.4.0',
      'previous-version': '1.3.0',
      tag: 'v1.4.0',
      bump: 'minor',
    });
    expect(result.outputs.notes).toContain('a new endpoint');
    expect(result.outputs.notes).toContain('a crash');
    expect(JSON.parse(result.outputs.commits!)).toHaveLength(2);
    expect(gh.store.repo('octo/app').refs.get('refs/tags/v1.4.0')).toBe(feat);
    expect(gh.store.repo('octo/app').refs.get('refs/tags/v1')).toBe(feat);
    expect(gh.store.repo('octo/app').releases.map((r) => r.tagName)).toEqual(['v1.4.0']);
    expect(result.outputs['release-url']).toContain('v1.4.0');
    expect(result.summary).toContain('Released v1.4.0');
    // The budget: at most 4 calls to publish (tag, release, v1 moved, v1.4 created).
    expect(gh.requests.length).toBeLessThanOrEqual(4);
    expect(result.summary).toMatch(/\b[1-4] API calls/);
  });

  it('is safe to re-run: same tag, one release, updated', async () => {
    const sha = repo.commit('feat: first');
    mirror(sha, 'feat: first');
    const first = await run(sha);
    repo.git('tag', first.outputs.tag!, sha);
    const again = await run(sha);
    expect(again.conclusion).toBe('success');
    expect(again.outputs.tag).toBe(first.outputs.tag);
    expect(gh.store.repo('octo/app').releases).toHaveLength(1);
  });

  it('fails loudly when the tag exists on another commit, changing nothing', async () => {
    const first = repo.commit('feat: first');
    mirror(first, 'feat: first');
    const other = gh.store.addCommit('octo/app', { branch: 'other', message: 'feat: elsewhere' });
    gh.store.addTag('octo/app', 'v1.0.0', { sha: other });
    const result = await run(first);
    expect(result.conclusion).toBe('failure');
    const message = result.annotations.at(-1)?.message ?? '';
    expect(message).toContain(other);
    expect(message).toContain(first);
    expect(gh.store.repo('octo/app').releases).toHaveLength(0);
  });

  it('warns that tags pushed with the GITHUB_TOKEN start no workflows', async () => {
    const sha = repo.commit('fix: one');
    mirror(sha, 'fix: one');
    gh.addToken('ghs_job_token', {
      permissions: { contents: 'write', metadata: 'read' },
    });
    const result = await run(sha, { token: 'ghs_job_token' });
    expect(result.conclusion).toBe('success');
    expect(
      result.annotations.some((a) => a.level === 'warning' && /starts no workflow/.test(a.message)),
    ).toBe(true);
  });

  it('two runs at once make one tag and one release', async () => {
    const sha = repo.commit('feat: raced');
    mirror(sha, 'feat: raced');
    const [a, b] = await Promise.all([run(sha), run(sha)]);
    expect([a.conclusion, b.conclusion]).toEqual(['success', 'success']);
    expect(a.outputs.tag).toBe(b.outputs.tag);
    expect(tagsOf().filter((t) => t === `refs/tags/${a.outputs.tag}`)).toHaveLength(1);
    expect(gh.store.repo('octo/app').releases).toHaveLength(1);
  });

  it('says so and publishes nothing when no commit is releasable', async () => {
    const base = repo.commit('feat: first');
    repo.git('tag', 'v2.0.0');
    const chore = repo.commit('chore: tidy');
    const result = await run(chore);
    expect(result.conclusion).toBe('success');
    expect(result.outputs.version).toBe('');
    expect(result.summary).toContain('No release');
    expect(gh.requests).toHaveLength(0);
    expect(base).toBeDefined();
  });

  it('makes a prerelease series and never moves the major tag for it', async () => {
    repo.commit('feat: first');
    repo.git('tag', 'v1.0.0');
    const sha = repo.commit('feat: next');
    mirror(sha, 'feat: next');
    const result = await run(sha, { prerelease: 'rc' });
    expect(result.outputs.version).toBe('1.1.0-rc.1');
    expect(tagsOf()).toEqual(['refs/tags/v1.1.0-rc.1']);
  });

  it('computes a dry run without token or API call', async () => {
    const sha = repo.commit('feat!: drop the old API');
    const result = await run(sha, { 'dry-run': 'true', token: '' });
    expect(result.conclusion).toBe('success');
    expect(result.outputs.version).toBe('1.0.0');
    expect(result.summary).toContain('Would release v1.0.0');
    expect(gh.requests).toHaveLength(0);
  });

  it('refuses to publish without a token before reading the history or setting an output', async () => {
    const sha = repo.commit('feat: first');
    const result = await run(sha, { token: '' });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toBe(
      "tag-release: 'token' is needed to publish (or set dry-run: true)",
    );
    expect(result.outputs).toEqual({});
    expect(result.summary).toBe('');
    expect(gh.requests).toHaveLength(0);
  });

  it('rejects bad input before reading anything', async () => {
    const sha = repo.commit('feat: first');
    const result = await run(sha, { 'release-rules': '[{type: docs, release: huge}]' });
    expect(result.annotations.at(-1)?.message).toMatch(
      /^tag-release: release-rules\[0\]\.release: must be major, minor, patch or false/,
    );
    expect(gh.requests).toHaveLength(0);
  });
});
