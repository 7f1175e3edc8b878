// The build's chunk sharing on a dist folder made by hand: which copies become stubs, that a stub loads as
// the chunk it stands for, and that the layout depends only on the bundles' contents.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shareChunks } from '../../scripts/share-chunks.mjs';

const chunk = (id: number, body: string) =>
  `export const id = ${id};\nexport const ids = [${id}];\nexport const modules = { ${id}: () => ${JSON.stringify(body)} };\n`;

let out: string;
const write = (bundle: string, file: string, text: string) => {
  mkdirSync(join(out, bundle), { recursive: true });
  writeFileSync(join(out, bundle, file), text);
};
const read = (bundle: string, file: string) => readFileSync(join(out, bundle, file), 'utf8');
/** Every file under out with its text, to compare whole layouts. */
const layout = () =>
  Object.fromEntries(
    readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d): [string, string] => {
        const path = join(d.parentPath, d.name);
        return [path.slice(out.length + 1), readFileSync(path, 'utf8')];
      })
      .sort((a, b) => a[0].localeCompare(b[0])),
  );

beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'share-chunks-'));
  write('deploy-env', 'index.js', 'main');
  write('deploy-env', '435.index.js', chunk(435, 'azure'));
  write('deploy-env', '119.index.js', chunk(119, 'octokit'));
  write('rollback', 'index.js', 'main');
  write('rollback', '435.index.js', chunk(435, 'azure'));
  write('rollback', '119.index.js', chunk(119, 'octokit, other ids'));
  write('smoke-test', '435.index.js', chunk(435, 'azure'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('shareChunks', () => {
  it('keeps a chunk carried byte for byte by several bundles once, and leaves the rest alone', async () => {
    shareChunks(out);
    const shared = readdirSync(join(out, 'chunks'));
    expect(shared).toHaveLength(1);
    expect(readFileSync(join(out, 'chunks', shared[0]!), 'utf8')).toBe(chunk(435, 'azure'));
    for (const bundle of ['deploy-env', 'rollback', 'smoke-test'])
      expect(read(bundle, '435.index.js')).toBe(
        `// deploy-kit: shared chunk\nexport * from '../chunks/${shared[0]}';\n`,
      );
    // Same id, other bytes (other module ids inside): each bundle keeps its own.
    expect(read('deploy-env', '119.index.js')).toBe(chunk(119, 'octokit'));
    expect(read('rollback', '119.index.js')).toBe(chunk(119, 'octokit, other ids'));
    expect(read('deploy-env', 'index.js')).toBe('main');
    // What webpack's loader reads from a chunk, through the stub.
    const loaded = await import(pathToFileURL(join(out, 'rollback', '435.index.js')).href);
    expect(loaded.ids).toEqual([435]);
    expect(loaded.modules[435]()).toBe('azure');
  });

  it('ends where it would from fresh bundles, whatever was shared before (a partial build, a re-run)', () => {
    shareChunks(out);
    const once = layout();
    shareChunks(out);
    expect(layout()).toEqual(once);
    // smoke-test rebuilt alone from ncc: a real chunk again beside the stubs of the others.
    write('smoke-test', '435.index.js', chunk(435, 'azure'));
    shareChunks(out);
    expect(layout()).toEqual(once);
  });

  it('puts a chunk back in its bundle when no other bundle shares it any more, and drops the shared copy', () => {
    shareChunks(out);
    rmSync(join(out, 'rollback'), { recursive: true });
    rmSync(join(out, 'smoke-test'), { recursive: true });
    shareChunks(out);
    expect(read('deploy-env', '435.index.js')).toBe(chunk(435, 'azure'));
    expect(readdirSync(out).sort()).toEqual(['deploy-env']);
  });
});
