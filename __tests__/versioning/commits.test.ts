import { afterAll, describe, expect, it } from 'vitest';
import { bumpOf, parseCommits, releaseOf } from '../../src/versioning/commits.js';
import { readCommits } from '../../src/versioning/git.js';
import { cleanup, Repo } from './repo.js';

afterAll(cleanup);

const SHA = (n: number) => n.toString(16).padStart(40, '0');
const raw = (n: number, message: string, parents = [SHA(n + 1000)]) => ({ sha: SHA(n), parents, message });

describe('parseCommits', () => {
  it('reads type, scope, subject, breaking and the PR number', () => {
    const [c] = parseCommits([raw(1, 'feat(api)!: drop v1 endpoints (#42)\n\nBREAKING CHANGE: /v1 is gone')]);
    expect(c).toMatchObject({
      type: 'feat',
      scope: 'api',
      subject: 'drop v1 endpoints',
      pr: 42,
      breaking: true,
    });
    expect(c!.breakingNotes).toEqual(['/v1 is gone']);
    expect(c!.release).toBe('major');
  });

  it('maps feat → minor, fix/perf → patch, ! and both footers → major, others → nothing', () => {
    const bump = (m: string) => bumpOf(parseCommits([raw(1, m)]));
    expect(bump('feat: a')).toBe('minor');
    expect(bump('fix: a')).toBe('patch');
    expect(bump('perf(db): a')).toBe('patch');
    expect(bump('refactor!: a')).toBe('major');
    expect(bump('fix: a\n\nBREAKING CHANGE: b')).toBe('major');
    expect(bump('fix: a\n\nBREAKING-CHANGE: b')).toBe('major');
    expect(bump('docs: a')).toBeUndefined();
    expect(bump('Update README')).toBeUndefined();
    expect(bump('feat:missing space')).toBeUndefined();
  });

  it('counts non-conventional commits as other, with their first line as subject', () => {
    const [c] = parseCommits([raw(1, 'Update README.md\n\nmore words')]);
    expect(c).toMatchObject({ subject: 'Update README.md', breaking: false });
    expect(c!.type).toBeUndefined();
    expect(c!.release).toBeUndefined();
  });

  it('applies custom release rules first; a breaking change stays major', () => {
    const rules = [
      { type: 'docs', scope: 'api', release: 'patch' as const },
      { type: 'refactor', release: false as const },
      { type: 'feat', scope: 'internal', release: 'patch' as const },
    ];
    expect(releaseOf({ type: 'docs', scope: 'api', breaking: false }, rules)).toBe('patch');
    expect(releaseOf({ type: 'docs', scope: 'web', breaking: false }, rules)).toBeUndefined();
    expect(releaseOf({ type: 'refactor', breaking: false }, rules)).toBeUndefined();
    expect(releaseOf({ type: 'refactor', breaking: true }, rules)).toBe('major');
    expect(releaseOf({ type: 'feat', scope: 'internal', breaking: false }, rules)).toBe('patch');
    expect(releaseOf({ type: 'feat', breaking: false }, rules)).toBe('minor');
  });

  it('counts each entry of a squash body', () => {
    const message = [
      'Big PR (#7)',
      '',
      '* feat(ui): dark mode',
      '',
      '* fix: crash on start',
      '',
      '- perf!: new cache format',
      '',
      '---------',
      '',
      'Co-authored-by: A <a@example.com>',
    ].join('\n');
    const commits = parseCommits([raw(1, message)]);
    expect(commits.filter((c) => c.squashEntry).map((c) => [c.type, c.scope, c.subject, c.pr])).toEqual([
      ['feat', 'ui', 'dark mode', 7],
      ['fix', undefined, 'crash on start', 7],
      ['perf', undefined, 'new cache format', 7],
    ]);
    expect(bumpOf(commits)).toBe('major');
    // One bullet in a body is prose, not a squash list.
    expect(bumpOf(parseCommits([raw(2, 'docs: readme\n\n- fix: typo in the example')]))).toBeUndefined();
  });

  it('cancels a commit and its revert (by SHA) in a real repository, and a revert of a revert restores it', async () => {
    const repo = Repo.init();
    const base = repo.commit('chore: init');
    const feat = repo.commit('feat: risky thing');
    const fix = repo.commit('fix: small thing');
    const revert = repo.revert(feat);
    let commits = parseCommits(await readCommits(repo.dir, { from: base, to: revert }));
    expect(commits.find((c) => c.sha === revert)!.reverts).toBe(feat);
    expect(
      commits
        .filter((c) => c.cancelled)
        .map((c) => c.sha)
        .sort(),
    ).toEqual([feat, revert].sort());
    expect(bumpOf(commits)).toBe('patch');
    expect(commits.find((c) => c.sha === fix)!.cancelled).toBe(false);

    const again = repo.revert(revert);
    commits = parseCommits(await readCommits(repo.dir, { from: base, to: again }));
    expect(commits.find((c) => c.sha === feat)!.cancelled).toBe(false);
    expect(bumpOf(commits)).toBe('minor');

    // The reverted commit was released before the range: the revert alone is a patch.
    commits = parseCommits(await readCommits(repo.dir, { from: fix, to: revert }));
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ type: 'revert', release: 'patch', cancelled: false });
  });
});
