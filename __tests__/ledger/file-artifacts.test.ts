// Release bundles kept beside a file ledger: saved whole or not at all, restored, keys made safe folder names.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileArtifactStore, safeArtifactKey } from '../../src/ledger/file-artifacts.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-artifacts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileArtifactStore', () => {
  it('keeps copies beside the ledger, under <name>.artifacts', () => {
    const store = new FileArtifactStore(join(dir, 'ledger.json'));
    expect(store.kind).toBe('file');
    expect(store.root).toBe(join(dir, 'ledger.json.artifacts'));
    expect(store.pathOf('release-1.2.3')).toBe(join(dir, 'ledger.json.artifacts', 'release-1.2.3'));
  });

  it('saves and restores a file', async () => {
    const store = new FileArtifactStore(join(dir, 'ledger.json'));
    const source = join(dir, 'build', 'app.tar.gz');
    await mkdir(dirname(source), { recursive: true });
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await writeFile(source, bytes);
    await store.save('bundle-1', source);

    await rm(source);
    const target = join(dir, 'restored', 'deep', 'app.tar.gz');
    expect(await store.restore('bundle-1', target)).toBe(true);
    expect(await readFile(target)).toEqual(bytes);
  });

  it('saves and restores a folder, recursively, and a new save replaces the old copy', async () => {
    const store = new FileArtifactStore(join(dir, 'ledger.json'));
    const source = join(dir, 'dist');
    await mkdir(join(source, 'assets', 'img'), { recursive: true });
    await writeFile(join(source, 'index.html'), '<h1>v1</h1>');
    await writeFile(join(source, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(source, 'assets', 'img', 'logo.svg'), '<svg/>');
    await store.save('site', source);

    await writeFile(join(source, 'index.html'), '<h1>changed after save</h1>');
    const target = join(dir, 'out');
    expect(await store.restore('site', target)).toBe(true);
    expect(await readFile(join(target, 'index.html'), 'utf8')).toBe('<h1>v1</h1>');
    expect(await readFile(join(target, 'assets', 'app.js'), 'utf8')).toBe('console.log(1)');
    expect(await readFile(join(target, 'assets', 'img', 'logo.svg'), 'utf8')).toBe('<svg/>');

    await store.save('site', source);
    const again = join(dir, 'out2');
    expect(await store.restore('site', again)).toBe(true);
    expect(await readFile(join(again, 'index.html'), 'utf8')).toBe('<h1>changed after save</h1>');
    // Only the finished copies are left in the store: no temporary or old folders.
    expect(await readdir(store.root)).toEqual(['site']);
  });

  it('returns false for a key never saved, and fails clearly for a missing source', async () => {
    const store = new FileArtifactStore(join(dir, 'ledger.json'));
    expect(await store.restore('never-saved', join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    await expect(store.save('x', join(dir, 'missing'))).rejects.toThrow(
      /cannot save "x": .*missing does not exist/,
    );
  });

  it('keeps every key inside the store, and different keys apart', async () => {
    const ledgerDir = join(dir, 'ledgers', 'team');
    const store = new FileArtifactStore(join(ledgerDir, 'ledger.json'));
    const source = join(dir, 'payload.txt');
    await writeFile(source, 'payload');

    const keys = [
      '../../etc',
      '..',
      '.',
      '/etc/passwd',
      'a/b',
      'a_b',
      'a%2Fb',
      '..\\..\\win',
      'release v1',
      'ü',
    ];
    for (const key of keys) {
      const path = store.pathOf(key);
      expect(dirname(path), key).toBe(store.root);
      expect(['.', '..'], key).not.toContain(path.slice(store.root.length + 1));
      await store.save(key, source);
    }
    expect(new Set(keys.map(safeArtifactKey)).size).toBe(keys.length);
    expect((await readdir(store.root)).sort()).toEqual(keys.map(safeArtifactKey).sort());
    // Nothing was written outside the store's folder.
    expect((await readdir(join(dir, 'ledgers'))).sort()).toEqual(['team']);
    expect((await readdir(ledgerDir)).sort()).toEqual(['ledger.json.artifacts']);
    expect((await readdir(dir)).sort()).toEqual(['ledgers', 'payload.txt']);

    for (const key of keys) {
      const target = join(dir, 'restored', safeArtifactKey(key));
      expect(await store.restore(key, target), key).toBe(true);
      expect(await readFile(target, 'utf8')).toBe('payload');
    }
    expect(safeArtifactKey('x'.repeat(500)).length).toBeLessThanOrEqual(180);
    expect(safeArtifactKey('x'.repeat(500))).not.toBe(safeArtifactKey(`${'x'.repeat(499)}y`));
    expect(() => safeArtifactKey('')).toThrow(/must not be empty/);
  });
});
