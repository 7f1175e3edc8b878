// docs/ARCHITECTURE.md's folder tables name every folder of src/ and every action folder, and nothing that is
// not there, so the map stays true as the code moves. README points at it, not outside the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo.js';

const doc = readFileSync(join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8');

/** The folders named in the first cell of a table row: `| \`src/probe/\` | ... |`. */
const documented = [...doc.matchAll(/^\| `(src\/[^`]+\/)` \|/gm)].map((match) => match[1]!);

function folders(under: string): string[] {
  return readdirSync(join(repoRoot, under), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${under}/${entry.name}/`);
}

const present = (list: string[]) => list.filter((folder) => existsSync(join(repoRoot, folder)));

describe('docs/ARCHITECTURE.md', () => {
  it('names every folder of src/ once, and only folders that exist', () => {
    const tableOfSrc = documented.filter((folder) => /^src\/[^/]+\/$/.test(folder));
    expect(new Set(tableOfSrc).size).toBe(tableOfSrc.length);
    expect(present(tableOfSrc).sort()).toEqual(folders('src').sort());
  });

  it('names every action folder once, and only folders that exist', () => {
    const tableOfActions = documented.filter((folder) => /^src\/actions\/[^/]+\/$/.test(folder));
    expect(new Set(tableOfActions).size).toBe(tableOfActions.length);
    expect(present(tableOfActions).sort()).toEqual(folders('src/actions').sort());
  });

  it('draws every engine folder in the floors diagram', () => {
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const engines = documented
      .filter((folder) => /^src\/[^/]+\/$/.test(folder))
      .map((folder) => folder.slice('src/'.length, -1))
      .filter((name) => !['actions', 'runner', 'http', 'common'].includes(name));
    expect(engines.length).toBeGreaterThan(10);
    expect(engines.filter((name) => !diagram.includes(`["${name}"]`))).toEqual([]);
  });

  it('is what README links for the architecture, and nothing links outside the repository', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('(docs/ARCHITECTURE.md)');
    expect(readme).not.toMatch(/\]\(\.\.\//);
    expect(doc).not.toMatch(/\]\(\.\.\//);
  });
});
