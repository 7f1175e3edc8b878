// CacheArtifactStore against the fake cache service, through the real @actions/cache (v1 protocol), tar and
// zstd/gzip. @actions/cache reads its variables at call time, so they are set on process.env for this file
// and put back afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CacheArtifactStore } from '../../../src/actions/kit/cache-artifacts.js';
import { type FakeCacheService, startFakeCacheService } from '../../fakes/cache/index.js';

let fake: FakeCacheService;
let root: string;
let workspace: string;
let store: CacheArtifactStore;
const savedEnv: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in savedEnv)) savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
}

beforeAll(async () => {
  fake = await startFakeCacheService();
  root = await mkdtemp(join(tmpdir(), 'cache-artifacts-'));
  workspace = join(root, 'workspace');
  await mkdir(join(root, 'temp'), { recursive: true });
  await mkdir(workspace, { recursive: true });
  setEnv({
    ...fake.env(),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(root, 'temp'),
    RUNNER_DEBUG: '',
    // A server URL off github.com, as on GHES: @actions/cache then always speaks v1.
    GITHUB_SERVER_URL: 'https://ghes.example.test',
  });
  store = new CacheArtifactStore({ workspace });
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  fake.faults.clear();
});

async function put(relativePath: string, data: Buffer | string): Promise<void> {
  const path = join(workspace, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

const since = (mark: number) => fake.requests.slice(mark);
const routes = (mark: number) => since(mark).map((r) => `${r.route} ${r.status}`);

describe('CacheArtifactStore', () => {
  it('round-trips a file, named absolutely when saved and relatively when restored', async () => {
    const bytes = randomBytes(300 * 1024);
    await put('dist/app.tgz', bytes);
    const mark = fake.requests.length;

    await store.save('deploy-kit-staging-1.0.0-aaaaaaaaaaaa', join(workspace, 'dist/app.tgz'));

    expect(routes(mark)).toEqual(['reserve 201', 'upload 204', 'commit 204']);
    const [reserve, upload, commit] = since(mark);
    const entry = fake.entry('deploy-kit-staging-1.0.0-aaaaaaaaaaaa');
    expect(entry?.committed).toBe(true);
    const size = entry?.data?.length ?? 0;
    expect(size).toBeGreaterThan(0);
    expect(reserve?.body).toMatchObject({
      key: 'deploy-kit-staging-1.0.0-aaaaaaaaaaaa',
      version: expect.stringMatching(/^[0-9a-f]{64}$/),
      cacheSize: size,
    });
    expect(reserve?.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(reserve?.headers.accept).toBe('application/json;api-version=6.0-preview.1');
    expect(upload?.method).toBe('PATCH');
    expect(upload?.path).toBe(`_apis/artifactcache/caches/${entry?.id}`);
    expect(upload?.headers['content-range']).toBe(`bytes 0-${size - 1}/*`);
    expect(upload?.headers['content-type']).toBe('application/octet-stream');
    expect(commit?.body).toEqual({ size });

    await rm(join(workspace, 'dist'), { recursive: true });
    const restoreMark = fake.requests.length;
    expect(await store.restore('deploy-kit-staging-1.0.0-aaaaaaaaaaaa', 'dist/app.tgz')).toBe(true);
    expect(await readFile(join(workspace, 'dist/app.tgz'))).toEqual(bytes);
    // Asked first (exact key only), then fetched; both lookups for the same key and version as saved.
    expect(routes(restoreMark)).toEqual(['lookup 200', 'lookup 200', 'download 200']);
    const lookup = since(restoreMark)[0];
    expect(lookup?.query).toEqual({
      keys: 'deploy-kit-staging-1.0.0-aaaaaaaaaaaa',
      version: (reserve?.body as { version?: string } | undefined)?.version,
    });
    expect(since(restoreMark)[2]?.headers.authorization).toBeUndefined();
  });

  it('round-trips a folder over what is there: saved files overwritten, others left alone', async () => {
    const files: Record<string, Buffer> = {
      'site/index.html': Buffer.from('<h1>v2</h1>'),
      'site/assets/app.js': randomBytes(50 * 1024),
      'site/assets/deep/data.bin': randomBytes(10 * 1024),
      'site/with space [1].txt': Buffer.from('odd name'),
    };
    for (const [name, data] of Object.entries(files)) await put(name, data);

    await store.save('deploy-kit-production-2.0.0-bbbbbbbbbbbb', 'site');

    await put('site/index.html', 'changed since');
    await put('site/local-only.txt', 'not in the bundle');
    await rm(join(workspace, 'site/assets'), { recursive: true });
    expect(await store.restore('deploy-kit-production-2.0.0-bbbbbbbbbbbb', join(workspace, 'site'))).toBe(
      true,
    );
    for (const [name, data] of Object.entries(files)) {
      expect(await readFile(join(workspace, name)), name).toEqual(data);
    }
    expect(await readFile(join(workspace, 'site/local-only.txt'), 'utf8')).toBe('not in the bundle');
  });

  it('answers false for a key never saved, without downloading anything', async () => {
    const mark = fake.requests.length;
    expect(await store.restore('deploy-kit-staging-9.9.9-cccccccccccc', 'dist/app.tgz')).toBe(false);
    expect(routes(mark)).toEqual(['lookup 204']);
  });

  it('answers false for an evicted key', async () => {
    await put('evict/bundle.txt', 'soon gone');
    await store.save('deploy-kit-staging-3.0.0-dddddddddddd', 'evict/bundle.txt');
    expect(fake.evict('deploy-kit-staging-3.0.0-dddddddddddd')).toBe(1);
    await rm(join(workspace, 'evict'), { recursive: true });
    expect(await store.restore('deploy-kit-staging-3.0.0-dddddddddddd', 'evict/bundle.txt')).toBe(false);
  });

  it('restores the exact key only, never one that merely starts with it', async () => {
    await put('prefix/bundle.txt', 'release 1.2.10');
    await store.save('deploy-kit-staging-1.2.10', 'prefix/bundle.txt');
    await put('prefix/bundle.txt', 'local');
    const mark = fake.requests.length;
    expect(await store.restore('deploy-kit-staging-1.2.1', 'prefix/bundle.txt')).toBe(false);
    // The service did offer 1.2.10 (prefix match), but nothing was downloaded or written.
    expect(routes(mark)).toEqual(['lookup 200']);
    expect(await readFile(join(workspace, 'prefix/bundle.txt'), 'utf8')).toBe('local');
  });

  it('needs the same path at restore: another path is another cache version', async () => {
    await put('same/a.txt', 'a');
    await store.save('deploy-kit-staging-4.0.0-eeeeeeeeeeee', 'same/a.txt');
    expect(await store.restore('deploy-kit-staging-4.0.0-eeeeeeeeeeee', 'same/b.txt')).toBe(false);
  });

  it('treats saving an existing key as saved', async () => {
    await put('twice/bundle.txt', 'same release');
    await store.save('deploy-kit-staging-5.0.0-ffffffffffff', 'twice/bundle.txt');
    const mark = fake.requests.length;
    await expect(
      store.save('deploy-kit-staging-5.0.0-ffffffffffff', 'twice/bundle.txt'),
    ).resolves.toBeUndefined();
    expect(routes(mark)).toEqual(['reserve 409', 'lookup 200']);
    expect(fake.entries.filter((e) => e.key === 'deploy-kit-staging-5.0.0-ffffffffffff')).toHaveLength(1);
  });

  it('fails clearly on a 5xx when reserving, and saves nothing', async () => {
    await put('fault/bundle.txt', 'x');
    fake.faults.fail('reserve', { status: 500 });
    await expect(store.save('deploy-kit-staging-6.0.0-111111111111', 'fault/bundle.txt')).rejects.toThrow(
      "actions cache: could not save fault/bundle.txt as 'deploy-kit-staging-6.0.0-111111111111': reserveCache failed: Cache service responded with 500",
    );
    expect(fake.entries.some((e) => e.key === 'deploy-kit-staging-6.0.0-111111111111')).toBe(false);
  });

  it('fails clearly on a 5xx when uploading, and commits nothing', async () => {
    await put('fault/bundle.txt', 'y');
    fake.faults.fail('upload', { status: 500 });
    const mark = fake.requests.length;
    await expect(store.save('deploy-kit-staging-7.0.0-222222222222', 'fault/bundle.txt')).rejects.toThrow(
      /^actions cache: could not save fault\/bundle\.txt as 'deploy-kit-staging-7\.0\.0-222222222222': uploadChunk \(start: 0, end: \d+\) failed: Cache service responded with 500$/,
    );
    expect(routes(mark)).toEqual(['reserve 201', 'upload 500']);
    expect(fake.entry('deploy-kit-staging-7.0.0-222222222222')).toBeUndefined();
  });

  it('fails clearly on a 5xx when committing', async () => {
    await put('fault/bundle.txt', 'w');
    fake.faults.fail('commit', { status: 500 });
    await expect(store.save('deploy-kit-staging-7.1.0-222222222222', 'fault/bundle.txt')).rejects.toThrow(
      "actions cache: could not save fault/bundle.txt as 'deploy-kit-staging-7.1.0-222222222222': commitCache failed: Cache service responded with 500",
    );
    expect(fake.entry('deploy-kit-staging-7.1.0-222222222222')).toBeUndefined();
  });

  it('does not let @actions/cache write its own error annotation for a failure it reports', async () => {
    await put('fault/bundle.txt', 'z');
    fake.faults.fail('reserve', { status: 500 });
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await expect(store.save('deploy-kit-staging-8.0.0-333333333333', 'fault/bundle.txt')).rejects.toThrow();
    } finally {
      process.stdout.write = original;
    }
    expect(written.join('')).not.toMatch(/Failed to save/);
  });

  it('fails (not false) when the service cannot be asked', async () => {
    fake.faults.fail('lookup', { status: 500 });
    await expect(store.restore('deploy-kit-staging-1.0.0-aaaaaaaaaaaa', 'dist/app.tgz')).rejects.toThrow(
      "actions cache: cannot restore 'deploy-kit-staging-1.0.0-aaaaaaaaaaaa' to dist/app.tgz: getCacheEntry failed: Cache service responded with 500",
    );
  });

  it('fails when the runtime token is refused', async () => {
    await put('auth/bundle.txt', 'secret');
    const token = process.env.ACTIONS_RUNTIME_TOKEN;
    process.env.ACTIONS_RUNTIME_TOKEN = 'wrong';
    try {
      await expect(store.save('deploy-kit-staging-9.0.0-444444444444', 'auth/bundle.txt')).rejects.toThrow(
        /could not save .*Unauthorized/,
      );
      await expect(store.restore('deploy-kit-staging-1.0.0-aaaaaaaaaaaa', 'dist/app.tgz')).rejects.toThrow(
        /cannot restore .*401/,
      );
    } finally {
      process.env.ACTIONS_RUNTIME_TOKEN = token;
    }
  });

  it('names a missing path and a cache mode that forbids the call', async () => {
    await expect(store.save('k', 'nowhere/bundle.txt')).rejects.toThrow(
      `actions cache: cannot save nowhere/bundle.txt as 'k': ${join(workspace, 'nowhere/bundle.txt')} does not exist`,
    );
    process.env.ACTIONS_CACHE_MODE = 'read';
    try {
      await put('mode/bundle.txt', 'x');
      await expect(store.save('k', 'mode/bundle.txt')).rejects.toThrow(
        /cache mode 'read' does not permit it/,
      );
    } finally {
      process.env.ACTIONS_CACHE_MODE = 'write';
    }
  });

  it('puts back the current folder and the variables it changes', async () => {
    const cwd = process.cwd();
    const elsewhere = new CacheArtifactStore({ workspace: join(root, 'other-workspace') });
    await mkdir(join(root, 'other-workspace'), { recursive: true });
    await writeFile(join(root, 'other-workspace/file.txt'), 'other');
    await elsewhere.save('deploy-kit-other-1.0.0-555555555555', 'file.txt');
    expect(process.cwd()).toBe(cwd);
    expect(process.env.GITHUB_WORKSPACE).toBe(workspace);
    // Relative spelling: the same entry is found from a workspace somewhere else.
    await mkdir(join(root, 'third'), { recursive: true });
    const third = new CacheArtifactStore({ workspace: join(root, 'third') });
    expect(await third.restore('deploy-kit-other-1.0.0-555555555555', 'file.txt')).toBe(true);
    expect(await readFile(join(root, 'third/file.txt'), 'utf8')).toBe('other');
  });

  it('falls back to gzip without zstd; such an entry is another version than a zstd one', async () => {
    const bin = join(root, 'bin-without-zstd');
    await mkdir(bin, { recursive: true });
    for (const tool of ['tar', 'gzip']) {
      const found = (process.env.PATH ?? '')
        .split(delimiter)
        .map((folder) => join(folder, tool))
        .find(existsSync);
      if (!found) throw new Error(`${tool} is not on PATH`);
      if (!existsSync(join(bin, tool))) await symlink(found, join(bin, tool));
    }
    await put('gzip/bundle.txt', 'gzipped');
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      await store.save('deploy-kit-staging-10.0.0-666666666666', 'gzip/bundle.txt');
      await put('gzip/bundle.txt', 'local');
      expect(await store.restore('deploy-kit-staging-10.0.0-666666666666', 'gzip/bundle.txt')).toBe(true);
    } finally {
      process.env.PATH = path;
    }
    expect(await readFile(join(workspace, 'gzip/bundle.txt'), 'utf8')).toBe('gzipped');
    expect(fake.entry('deploy-kit-staging-10.0.0-666666666666')?.data?.subarray(0, 2)).toEqual(
      Buffer.from([0x1f, 0x8b]),
    );
    // With zstd back on PATH the same key and path name another version: not found.
    expect(await store.restore('deploy-kit-staging-10.0.0-666666666666', 'gzip/bundle.txt')).toBe(false);
  });

  it('imports @actions/cache only when used', async () => {
    const source = await readFile(
      new URL('../../../src/actions/kit/cache-artifacts.ts', import.meta.url),
      'utf8',
    );
    expect(source).not.toMatch(/^import[^;]*from '@actions\/cache'/m);
    expect(source).toMatch(/await import\('@actions\/cache'\)/);
  });
});
