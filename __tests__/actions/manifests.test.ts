// Contract tests over every action folder: GitHub's own parser accepts action.yml, everything is described,
// and the inputs the code reads are exactly those declared.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/runner/manifest.js';
import { actionNames, repoRoot } from '../helpers/repo.js';

/**
 * Input names read through the InputReader (`input.duration('wait-timeout')`) in an action's code, and in the
 * shared kit modules it imports, directly or through another kit module (`kit/deploy-inputs.ts` reads what every
 * deploying action reads alike).
 */
function inputsReadBy(action: string): Set<string> {
  const dir = join(repoRoot, 'src/actions', action);
  const names = new Set<string>();
  const kitFiles = new Set<string>();
  const readsOf = (source: string) => {
    for (const match of source.matchAll(/\binput\.[a-zA-Z]+\(\s*'([^']+)'/g)) names.add(match[1]!);
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    readsOf(source);
    for (const match of source.matchAll(/'\.\.\/kit\/([\w-]+)\.js'/g)) kitFiles.add(match[1]!);
  }
  // A kit module's own kit imports (`./cloud-metrics.js` from kit/metric-inputs.ts) are read too.
  for (const kit of kitFiles) {
    const source = readFileSync(join(repoRoot, 'src/actions/kit', `${kit}.ts`), 'utf8');
    readsOf(source);
    for (const match of source.matchAll(/'\.\/([\w-]+)\.js'/g)) kitFiles.add(match[1]!);
  }
  return names;
}

describe.each(actionNames())('%s/action.yml', (action) => {
  const file = join(repoRoot, action, 'action.yml');
  const manifest = readManifest(join(repoRoot, action));

  it("parses with GitHub's action parser without errors", () => {
    const result = parseAction(
      { name: `${action}/action.yml`, content: readFileSync(file, 'utf8') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });

  it('runs on node24 from the shared dist/', () => {
    expect(manifest.runs.using).toBe('node24');
    expect(manifest.runs.main).toBe(`../dist/${action}/index.js`);
    if (manifest.runs.post) expect(manifest.runs.post).toBe(`../dist/${action}/index.js`);
    expect(existsSync(join(repoRoot, 'src/actions', action, 'index.ts'))).toBe(true);
  });

  it('describes every input and output', () => {
    expect(manifest.description.length).toBeGreaterThan(20);
    for (const entry of [...manifest.inputs, ...manifest.outputs]) {
      expect(entry.description, entry.name).toMatch(/\S{3,}/);
    }
  });

  it('reads exactly the inputs it declares', () => {
    const declared = manifest.inputs.map((input) => input.name).sort();
    expect([...inputsReadBy(action)].sort()).toEqual(declared);
  });

  it('never reads inputs or the environment behind the input reader', () => {
    for (const fileName of readdirSync(join(repoRoot, 'src/actions', action))) {
      const source = readFileSync(join(repoRoot, 'src/actions', action, fileName), 'utf8');
      expect(source, fileName).not.toMatch(/INPUT_|getInput\(/);
    }
  });
});

describe('the design layering', () => {
  it('keeps engines pure of @actions/*', () => {
    const engines = readdirSync(join(repoRoot, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['actions', 'runner'].includes(d.name))
      .map((d) => d.name);
    for (const engine of engines) {
      for (const fileName of readdirSync(join(repoRoot, 'src', engine), { recursive: true }) as string[]) {
        if (!fileName.endsWith('.ts')) continue;
        const source = readFileSync(join(repoRoot, 'src', engine, fileName), 'utf8');
        expect(source, `src/${engine}/${fileName}`).not.toMatch(/(from |import\()'@actions\/|actions\/kit/);
      }
    }
  });
});

describe('the root action.yml (uses: <owner>/deploy-kit@v1)', () => {
  const manifest = readManifest(repoRoot);

  it("parses with GitHub's action parser, runs on node24 from dist/release with a post step", () => {
    const result = parseAction(
      { name: 'action.yml', content: readFileSync(join(repoRoot, 'action.yml'), 'utf8') },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(manifest.runs).toMatchObject({
      using: 'node24',
      main: 'dist/release/index.js',
      post: 'dist/release/index.js',
      postIf: 'always()',
    });
    for (const entry of [...manifest.inputs, ...manifest.outputs]) {
      expect(entry.description, entry.name).toMatch(/\S{3,}/);
    }
  });

  it('reads exactly the inputs it declares, only through the input reader', () => {
    const declared = manifest.inputs.map((input) => input.name).sort();
    expect([...inputsReadBy('release')].sort()).toEqual(declared);
    for (const fileName of readdirSync(join(repoRoot, 'src/actions/release'))) {
      const source = readFileSync(join(repoRoot, 'src/actions/release', fileName), 'utf8');
      expect(source, fileName).not.toMatch(/INPUT_|getInput\(/);
    }
  });
});
