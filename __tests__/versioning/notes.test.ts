import { describe, expect, it } from 'vitest';
import { parseCommits } from '../../src/versioning/commits.js';
import { renderNotes } from '../../src/versioning/notes.js';

const SHA = (n: number) => n.toString(16).padStart(40, 'a');

describe('renderNotes', () => {
  const commits = parseCommits(
    [
      {
        sha: SHA(1),
        parents: [SHA(9)],
        message: 'feat(api)!: new auth (#12)\n\nBREAKING CHANGE: tokens must be rotated',
      },
      { sha: SHA(2), parents: [SHA(9)], message: 'fix: crash on <empty> input (#13)' },
      { sha: SHA(3), parents: [SHA(9)], message: 'perf: faster diff' },
      { sha: SHA(4), parents: [SHA(9)], message: 'Update README' },
      { sha: SHA(5), parents: [SHA(9), SHA(8)], message: "Merge branch 'x'" },
      { sha: SHA(6), parents: [SHA(9)], message: 'feat: dropped again' },
      {
        sha: SHA(7),
        parents: [SHA(9)],
        message: `Revert "feat: dropped again"\n\nThis reverts commit ${SHA(6)}.`,
      },
    ].reverse(),
  );

  it('groups breaking changes, features, fixes, performance and other, with links', () => {
    const notes = renderNotes(commits, {
      version: '2.0.0',
      tag: 'v2.0.0',
      previousTag: 'v1.4.0',
      serverUrl: 'https://github.com/',
      repository: 'acme/app',
      date: '2025-01-31',
    });
    const base = 'https://github.com/acme/app';
    expect(notes).toContain(`## [2.0.0](${base}/compare/v1.4.0...v2.0.0) (2025-01-31)`);
    const order = ['### ⚠ Breaking changes', '### Features', '### Bug fixes', '### Performance', '### Other'];
    const positions = order.map((h) => notes.indexOf(h));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(notes).toContain(
      `* **api:** tokens must be rotated ([#12](${base}/pull/12)) ([${SHA(1).slice(0, 7)}](${base}/commit/${SHA(1)}))`,
    );
    expect(notes).toContain('* crash on \\<empty\\> input');
    expect(notes).toContain('* Update README');
    expect(notes).not.toContain('Merge branch');
    expect(notes).not.toContain('dropped again');
  });

  it('writes plain references without a server and says when nothing is notable', () => {
    const notes = renderNotes(commits, { version: '2.0.0', hideOther: true });
    expect(notes.startsWith('## 2.0.0\n')).toBe(true);
    expect(notes).toContain(`(#13) (${SHA(2).slice(0, 7)})`);
    expect(notes).not.toContain('### Other');
    expect(renderNotes([], { version: '1.0.1' })).toContain('_No notable changes._');
  });
});
