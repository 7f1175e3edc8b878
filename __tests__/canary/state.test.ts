import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileStateStore,
  MemoryStateStore,
  parseState,
  type RolloutState,
  STATE_SCHEMA,
  stateKey,
} from '../../src/canary/state.js';

function state(extra: Partial<RolloutState> = {}): RolloutState {
  return {
    schema: STATE_SCHEMA,
    environment: 'production',
    baselineVersion: 'v1',
    canaryVersion: 'v2',
    status: 'running',
    step: 1,
    weight: 25,
    steps: [],
    dryRun: false,
    run: '123.1',
    startedAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:02:00.000Z',
    ...extra,
  };
}

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'canary-state-'));
}

describe('rollout state', () => {
  it('keys a rollout by environment and canary version, in characters any store takes', () => {
    expect(stateKey('production', 'v2.1.0')).toBe('canary-production-v2.1.0');
    expect(stateKey('eu west/prod', 'sha:abc 123')).toBe('canary-eu-west-prod-sha-abc-123');
  });

  it('parses a saved state and says where one is not a state', () => {
    const saved = state({ status: 'aborted', verdict: 'fail', reason: 'slower' });
    expect(parseState(JSON.stringify(saved), 'cache')).toEqual(saved);
    expect(() => parseState('{not json', 'the cache entry')).toThrow(
      /^canary state in the cache entry is not JSON: /,
    );
    expect(() => parseState(JSON.stringify({ ...saved, schema: 2 }), 'x.json')).toThrow(
      'canary state in x.json is not a deploy-kit rollout state (schema 1)',
    );
    expect(() => parseState(JSON.stringify({ ...saved, steps: 'none' }), 'x.json')).toThrow(
      /not a deploy-kit rollout state/,
    );
    expect(() => parseState('null', 'x.json')).toThrow(/not a deploy-kit rollout state/);
  });

  it('keeps copies in memory, so a caller changing its state changes nothing saved', async () => {
    const store = new MemoryStateStore();
    const original = state();
    await store.save('k', original);
    original.weight = 99;
    const loaded = (await store.load('k'))!;
    expect(loaded.weight).toBe(25);
    loaded.status = 'promoted';
    expect((await store.load('k'))!.status).toBe('running');
    expect(store.saves).toEqual([{ key: 'k', state: state() }]);
    expect(await store.load('other')).toBeUndefined();
  });

  it('keeps every rollout in one JSON file, creating its folder', async () => {
    const path = join(await folder(), 'nested', 'canary.json');
    const store = new FileStateStore(path);
    expect(store.describe).toBe(`file ${path}`);
    expect(await store.load('a')).toBeUndefined();
    await store.save('a', state());
    await store.save('b', state({ canaryVersion: 'v3', status: 'promoted', weight: 100 }));
    await store.save('a', state({ status: 'cancelled', weight: 0 }));
    expect((await store.load('a'))!).toMatchObject({ status: 'cancelled', weight: 0 });
    expect((await store.load('b'))!).toMatchObject({ canaryVersion: 'v3', status: 'promoted' });
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.schema).toBe(STATE_SCHEMA);
    expect(Object.keys(file.rollouts).sort()).toEqual(['a', 'b']);
    // A second store on the same file (the post step) reads what the first wrote.
    expect((await new FileStateStore(path).load('b'))!.weight).toBe(100);
  });

  it('serialises saves made at once, losing none, and leaves no temporary file', async () => {
    const dir = await folder();
    const path = join(dir, 'canary.json');
    const store = new FileStateStore(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(`k${i}`, state({ step: i }))));
    for (let i = 0; i < 20; i++) expect((await store.load(`k${i}`))!.step).toBe(i);
    expect(await readdir(dir)).toEqual(['canary.json']);
  });

  it('refuses a file that is not a state file, naming it, and does not overwrite it', async () => {
    const dir = await folder();
    const path = join(dir, 'canary.json');
    await writeFile(path, '{"rollouts": broken');
    const store = new FileStateStore(path);
    await expect(store.load('a')).rejects.toThrow(new RegExp(`^canary state file ${path} is not JSON: `));
    await expect(store.save('a', state())).rejects.toThrow(/is not JSON/);
    expect(await readFile(path, 'utf8')).toBe('{"rollouts": broken');

    await writeFile(path, JSON.stringify({ schema: 7, rollouts: {} }));
    await expect(store.load('a')).rejects.toThrow(
      `canary state file ${path} is not a deploy-kit state file (schema 1)`,
    );

    await writeFile(path, JSON.stringify({ schema: 1, rollouts: { a: { schema: 1, status: 'running' } } }));
    await expect(store.load('a')).rejects.toThrow(
      `canary state in ${path} (a) is not a deploy-kit rollout state (schema 1)`,
    );
    // A failed save does not block the next one.
    await writeFile(path, JSON.stringify({ schema: 1, rollouts: {} }));
    await store.save('a', state());
    expect(existsSync(path)).toBe(true);
    expect((await store.load('a'))!.weight).toBe(25);
  });
});
