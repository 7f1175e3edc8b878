// Report file patterns expanded over the workspace.
import { describe, expect, it } from 'vitest';
import { expandPattern, globMatcher } from '../../../src/gates/vulnerabilities/files.js';
import { tempWorkspace } from './fixtures.js';

const ws = tempWorkspace();

describe('globs', () => {
  it('matches ** across directories, * within one', async () => {
    const matches = await globMatcher('reports/**/*.sarif');
    expect(matches('reports/a.sarif')).toBe(true);
    expect(matches('reports/x/y/b.sarif')).toBe(true);
    expect(matches('reports/x/b.json')).toBe(false);
    expect(matches('other/reports/a.sarif')).toBe(false);
    expect((await globMatcher('*.sarif'))('dir/a.sarif')).toBe(false);
    expect((await globMatcher('./scans/[!x]*.sarif'))('scans/.trivy.sarif')).toBe(true);
    expect((await globMatcher('scans/[!t]*.sarif'))('scans/trivy.sarif')).toBe(false);
    expect((await globMatcher('a[b.sarif'))('a[b.sarif')).toBe(true);
  });

  it('expands a pattern over the workspace, sorted; a plain path as is', async () => {
    await ws.put('reports/b.sarif', '{}');
    await ws.put('reports/deep/a.sarif', '{}');
    await ws.put('reports/c.txt', '');
    await ws.put('node_modules/pkg/d.sarif', '{}');
    expect(await expandPattern(ws.dir, 'reports/**/*.sarif')).toEqual([
      'reports/b.sarif',
      'reports/deep/a.sarif',
    ]);
    expect(await expandPattern(ws.dir, '**/*.sarif')).toEqual(['reports/b.sarif', 'reports/deep/a.sarif']);
    expect(await expandPattern(ws.dir, 'missing.sarif')).toEqual(['missing.sarif']);
    expect(await expandPattern(ws.dir, './reports/*.sarif')).toEqual(['reports/b.sarif']);
    expect(await expandPattern('/', `${ws.dir}/reports/**/*.sarif`)).toEqual([
      `${ws.dir}/reports/b.sarif`,
      `${ws.dir}/reports/deep/a.sarif`,
    ]);
  });
});
