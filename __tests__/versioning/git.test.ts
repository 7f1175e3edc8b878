import { afterAll, describe, expect, it } from 'vitest';
import { isShallow, listTags, readCommits, resolveCommit } from '../../src/versioning/git.js';
import { cleanup, Repo } from './repo.js';

afterAll(cleanup);

describe('release git', () => {
  it('reads commits of a range in one call, messages intact, newest first, merges with both parents', async () => {
    const repo = Repo.init();
    const base = repo.commit('chore: init');
    repo.tag('v1.0.0', true);
    const tricky = repo.commit(
      'feat: with separators\n\nbody line 1\n\x1f not a field \x1e\nBREAKING CHANGE: x',
    );
    repo.git('checkout', '--quiet', '-b', 'feature');
    const onBranch = repo.commit('fix: on the branch');
    repo.git('checkout', '--quiet', 'main');
    repo.commit('docs: main moves on');
    repo.git('merge', '--quiet', '--no-ff', '-m', "Merge branch 'feature'", 'feature');
    const head = repo.head();

    const commits = await readCommits(repo.dir, { from: base, to: head });
    expect(commits.map((c) => c.message.split('\n')[0])).toEqual([
      "Merge branch 'feature'",
      'docs: main moves on',
      'fix: on the branch',
      'feat: with separators',
    ]);
    expect(commits[0]!.parents).toHaveLength(2);
    expect(commits.find((c) => c.sha === tricky)!.message).toContain(
      '\x1f not a field \x1e\nBREAKING CHANGE: x',
    );
    expect(commits.some((c) => c.sha === onBranch)).toBe(true);
    expect(await readCommits(repo.dir, { to: head })).toHaveLength(5);
  });

  it('lists tags with a prefix, peeling annotated ones, only reachable ones with mergedInto', async () => {
    const repo = Repo.init();
    const first = repo.commit('feat: a');
    repo.tag('v1.0.0', true);
    repo.tag('api-v0.1.0');
    repo.git('checkout', '--quiet', '-b', 'other');
    const other = repo.commit('feat: b');
    repo.tag('v2.0.0');
    repo.git('checkout', '--quiet', 'main');
    const head = repo.commit('fix: c');

    const all = await listTags(repo.dir, 'v');
    expect(all.map((t) => t.name).sort()).toEqual(['v1.0.0', 'v2.0.0']);
    expect(all.find((t) => t.name === 'v1.0.0')!.commit).toBe(first);
    expect(all.find((t) => t.name === 'v2.0.0')!.commit).toBe(other);
    expect((await listTags(repo.dir, 'v', head)).map((t) => t.name)).toEqual(['v1.0.0']);
    expect((await listTags(repo.dir, 'api-v')).map((t) => t.name)).toEqual(['api-v0.1.0']);
  });

  it('limits to paths and refuses option-like refs and prefixes', async () => {
    const repo = Repo.init();
    repo.commit('feat(api): a', 'packages/api/a.ts');
    repo.commit('feat(web): b', 'packages/web/b.ts');
    const head = repo.head();
    const api = await readCommits(repo.dir, { to: head, paths: ['packages/api'] });
    expect(api.map((c) => c.message.trim())).toEqual(['feat(api): a']);

    await expect(resolveCommit(repo.dir, '--output=/tmp/x')).rejects.toThrow(/not a valid git ref/);
    await expect(resolveCommit(repo.dir, 'no-such-branch')).rejects.toThrow(/not a commit/);
    expect(await resolveCommit(repo.dir, 'main')).toBe(head);
    await expect(listTags(repo.dir, 'v*')).rejects.toThrow(/not a valid tag prefix/);
    await expect(readCommits(repo.dir, { to: 'HEAD' })).rejects.toThrow(/full commit SHA/);
    expect(await isShallow(repo.dir)).toBe(false);
  });
});
