// The local git history: the commits the delivered ones reach and the excluded ones do not, with parents and
// committer times; delivered commits the clone lacks are said missing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitHistory } from '../../src/insights/git-history.js';
import { at } from './hand-built.js';
import { gitRepository } from './known-history.js';

const dir = mkdtempSync(join(tmpdir(), 'git-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GitHistory', () => {
  const shas = gitRepository(join(dir, 'repo'), [
    { name: 'a', hours: 1 },
    { name: 'b', hours: 2 },
    { name: 'side', hours: 3, parents: ['a'] },
    { name: 'merge', hours: 4, parents: ['b', 'side'] },
  ]);
  const sha = (name: string) => shas.get(name)!;

  it('is found only inside a git work tree', () => {
    expect(GitHistory.at(join(dir, 'repo'))).toBeInstanceOf(GitHistory);
    expect(GitHistory.at(dir)).toBeUndefined();
  });

  it('lists what the heads reach past the excluded, with parents and committer times', async () => {
    const graph = await new GitHistory(join(dir, 'repo')).read({
      heads: [sha('merge')],
      exclude: [sha('a')],
      notBefore: at(0),
      until: at(10),
    });
    expect(new Map([...graph.commits].map(([k, v]) => [k, v]))).toEqual(
      new Map([
        [sha('merge'), { committedAt: at(4), parents: [sha('b'), sha('side')] }],
        [sha('side'), { committedAt: at(3), parents: [sha('a')] }],
        [sha('b'), { committedAt: at(2), parents: [sha('a')] }],
      ]),
    );
    expect(graph.missing).toEqual([]);
    expect(graph.describe).toBe('local git history (3 commits, no API call)');
  });

  it('excludes the parents of a first delivery (`sha^@`) and names delivered commits it lacks', async () => {
    const absent = 'f'.repeat(40);
    const graph = await new GitHistory(join(dir, 'repo')).read({
      heads: [sha('b'), absent],
      exclude: [`${sha('b')}^@`],
      notBefore: at(0),
      until: at(10),
    });
    expect([...graph.commits.keys()]).toEqual([sha('b')]);
    expect(graph.missing).toEqual([absent]);
  });
});

describe('GitHistory.at on a shallow clone', () => {
  it('is not used: a cut history would make lead times look shorter', () => {
    const shallow = join(dir, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${join(dir, 'repo')}`, shallow]);
    expect(GitHistory.at(shallow)).toBeUndefined();
  });
});
