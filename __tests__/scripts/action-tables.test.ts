import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionTables, withActionTables } from '../../scripts/action-tables.js';
import { readManifest } from '../../src/runner/manifest.js';
import { actionNames, repoRoot } from '../helpers/repo.js';

describe('action READMEs', () => {
  it.each(actionNames())('%s/README.md has the tables of its action.yml (run npm run docs)', (action) => {
    const readme = readFileSync(join(repoRoot, action, 'README.md'), 'utf8');
    expect(withActionTables(readme, readManifest(join(repoRoot, action)))).toBe(readme);
  });

  it('README.md has the tables of the root action.yml (run npm run docs)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain('| `smoke-latency-p95` |');
    expect(withActionTables(readme, readManifest(repoRoot))).toBe(readme);
  });

  it('puts every input with required, default and description, escaping pipes', () => {
    const tables = actionTables({
      name: 'x',
      description: 'x',
      dir: '.',
      runs: { using: 'node24', main: 'x.js' },
      inputs: [{ name: 'mode', description: 'a | b', required: true, default: 'a' }],
      outputs: [{ name: 'out', description: 'result' }],
    });
    expect(tables).toContain('| `mode` | yes | `a` | a \\| b |');
    expect(tables).toContain('| `out` | result |');
  });

  it('replaces only the generated section', () => {
    const manifest = readManifest(join(repoRoot, 'smoke-test'));
    const once = withActionTables('# Title\n\nprose\n', manifest);
    const twice = withActionTables(`${once}\nafter\n`, manifest);
    expect(twice.startsWith('# Title\n\nprose\n')).toBe(true);
    expect(twice.endsWith('\nafter\n')).toBe(true);
    expect(twice.split('### Inputs').length).toBe(2);
  });
});
