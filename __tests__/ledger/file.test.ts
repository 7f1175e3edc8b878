import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger, LedgerFileError } from '../../src/ledger/file.js';
import type { CreateDeploymentRequest, ReleaseRecord } from '../../src/ledger/types.js';
import { RECORD_KEY, recordOf } from '../../src/ledger/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE_MODULE = fileURLToPath(new URL('../../src/ledger/file.ts', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that moves one second per reading, from 2024-01-01T00:00:00Z. */
function steppingClock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++));
}

function record(version: string, extra: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return { version, sha: `sha-${version}`, ref: 'refs/heads/main', actor: 'alice', ...extra };
}

function request(environment: string, version: string, extra: Partial<CreateDeploymentRequest> = {}) {
  return {
    environment,
    sha: `sha-${version}`,
    ref: 'refs/heads/main',
    task: 'deploy',
    payload: { image: `app:${version}` },
    record: record(version),
    autoMerge: false,
    ...extra,
  } satisfies CreateDeploymentRequest;
}

describe('FileLedger', () => {
  it('reads a missing file as an empty ledger without creating it', async () => {
    const path = join(dir, 'nowhere', 'ledger.json');
    const ledger = new FileLedger(path);
    expect(ledger.kind).toBe('file');
    expect(await ledger.history('production')).toEqual([]);
    expect(await ledger.get('1')).toBeUndefined();
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('refuses a missing file where history is needed (mustExist), saying so, without creating it', async () => {
    const path = join(dir, 'nowhere', 'ledgr.json');
    const ledger = new FileLedger(path, { mustExist: true });
    for (const read of [
      () => ledger.history('production'),
      () => ledger.environments(),
      () => ledger.get('1'),
    ]) {
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LedgerFileError);
      expect((error as Error).message).toBe(
        `file ledger ${path}: does not exist: check the path (a deploy creates the ledger on its first run)`,
      );
    }
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('creates the file and its folders on first write, pretty-printed, and leaves no temporary files', async () => {
    const path = join(dir, 'a', 'b', 'ledger.json');
    const ledger = new FileLedger(path, { now: steppingClock() });
    const entry = await ledger.create(request('staging', '1.0.0', { description: 'first' }));

    expect(entry).toEqual({
      id: '1',
      environment: 'staging',
      task: 'deploy',
      sha: 'sha-1.0.0',
      ref: 'refs/heads/main',
      createdAt: '2024-01-01T00:00:00.000Z',
      creator: 'alice',
      description: 'first',
      payload: { image: 'app:1.0.0', [RECORD_KEY]: record('1.0.0') },
      record: record('1.0.0'),
      statuses: [],
      state: 'pending',
    });
    const text = await readFile(path, 'utf8');
    expect(text).toContain('\n  "nextId": 2,\n');
    const data = JSON.parse(text);
    expect(data).toMatchObject({ version: 1, nextId: 2 });
    expect(data.deployments).toHaveLength(1);
    expect(data.deployments[0].payload['deploy-kit'].version).toBe('1.0.0');
    expect((await readdir(join(dir, 'a', 'b'))).sort()).toEqual(['ledger.json']);
  });

  it('gives increasing ids and reads back exactly what create returned, record included', async () => {
    const ledger = new FileLedger(join(dir, 'ledger.json'), { now: steppingClock() });
    const previous = { deploymentId: '1', version: '1.0.0', sha: 'sha-1.0.0' };
    const created = [
      await ledger.create(request('staging', '1.0.0')),
      await ledger.create({
        ...request('staging', '1.1.0'),
        payload: { image: 'app:1.1.0', [RECORD_KEY]: 'overwritten by the record' },
        record: record('1.1.0', { previous, artifactKey: 'bundle-1.1.0' }),
      }),
      await ledger.create(request('production', '1.0.0')),
    ];
    expect(created.map((entry) => entry.id)).toEqual(['1', '2', '3']);

    const second = await new FileLedger(join(dir, 'ledger.json')).get('2');
    expect(second).toEqual(created[1]);
    expect(second?.payload.image).toBe('app:1.1.0');
    expect(recordOf(second?.payload)).toEqual(record('1.1.0', { previous, artifactKey: 'bundle-1.1.0' }));
    expect(second?.record?.previous).toEqual(previous);
    expect(await ledger.get('4')).toBeUndefined();
  });

  it('lists an environment newest first, with a limit', async () => {
    const ledger = new FileLedger(join(dir, 'ledger.json'));
    for (const [environment, version] of [
      ['staging', '1'],
      ['production', '1'],
      ['staging', '2'],
      ['staging', '3'],
      ['production', '2'],
    ] as const) {
      await ledger.create(request(environment, version));
    }
    const staging = await ledger.history('staging');
    expect(staging.map((entry) => [entry.id, entry.record?.version])).toEqual([
      ['4', '3'],
      ['3', '2'],
      ['1', '1'],
    ]);
    expect((await ledger.history('production')).map((entry) => entry.id)).toEqual(['5', '2']);
    expect((await ledger.history('staging', { limit: 2 })).map((entry) => entry.id)).toEqual(['4', '3']);
    expect(await ledger.history('staging', { limit: 0 })).toEqual([]);
    expect(await ledger.history('review')).toEqual([]);
  });

  it('appends statuses and reads them newest first; the state is the latest one', async () => {
    const ledger = new FileLedger(join(dir, 'ledger.json'), { now: steppingClock() });
    const { id } = await ledger.create(request('production', '2.0.0'));
    await ledger.setStatus(id, { state: 'in_progress', description: 'deploying' });
    await ledger.setStatus(id, {
      state: 'success',
      description: 'live',
      environmentUrl: 'https://example.test',
      logUrl: 'https://ci.test/run/1',
    });
    const entry = await ledger.get(id);
    expect(entry?.state).toBe('success');
    expect(entry?.statuses).toEqual([
      {
        state: 'success',
        description: 'live',
        environmentUrl: 'https://example.test',
        logUrl: 'https://ci.test/run/1',
        createdAt: '2024-01-01T00:00:02.000Z',
      },
      { state: 'in_progress', description: 'deploying', createdAt: '2024-01-01T00:00:01.000Z' },
    ]);
    // Stored in the order they happened, for people reading the file.
    const stored = JSON.parse(await readFile(join(dir, 'ledger.json'), 'utf8'));
    expect(stored.deployments[0].statuses.map((status: { state: string }) => status.state)).toEqual([
      'in_progress',
      'success',
    ]);
  });

  it('does not make earlier deployments inactive on its own; deactivate does, all or nothing', async () => {
    const ledger = new FileLedger(join(dir, 'ledger.json'));
    const ids: string[] = [];
    for (const version of ['1', '2', '3']) {
      const { id } = await ledger.create(request('production', version));
      await ledger.setStatus(id, { state: 'success' });
      ids.push(id);
    }
    expect((await ledger.history('production')).map((entry) => entry.state)).toEqual([
      'success',
      'success',
      'success',
    ]);

    await expect(ledger.deactivate(['1', '99'], 'superseded')).rejects.toThrow(
      /there is no deployment with id '99'/,
    );
    expect((await ledger.get('1'))?.state).toBe('success');

    await ledger.deactivate(['1', '2'], 'superseded by 3');
    const [third, second, first] = await ledger.history('production');
    expect(third?.state).toBe('success');
    for (const entry of [second, first]) {
      expect(entry?.state).toBe('inactive');
      expect(entry?.statuses[0]).toMatchObject({ state: 'inactive', description: 'superseded by 3' });
      expect(entry?.statuses[1]?.state).toBe('success');
    }
    await ledger.deactivate([], 'nothing'); // no write, no error
  });

  it('names the path and the id when a status is set on an unknown deployment', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path);
    await ledger.create(request('staging', '1'));
    const error = await ledger.setStatus('7', { state: 'success' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LedgerFileError);
    expect((error as Error).message).toBe(`file ledger ${path}: there is no deployment with id '7'`);
  });

  it('refuses a corrupt file with a clear message, and never rewrites it', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path);
    const cases: [string, RegExp][] = [
      [
        '{"version": 1, "nextId": 2, "deployments": [',
        /is not valid JSON \(.+\); fix it, or move it away to start a new ledger \(the next deploy creates one\)/,
      ],
      [
        '',
        /is empty \(0 bytes\), not a ledger: it may have been cut short; fix it, or move it away to start a new ledger/,
      ],
      ['\n  \n', /is empty \(4 bytes\), not a ledger/],
      ['[]', /the top level must be an object, got a list/],
      [
        '{"version": 2, "nextId": 1, "deployments": []}',
        /has version 2, newer than this deploy-kit reads \(1\)/,
      ],
      ['{"version": "1", "nextId": 1, "deployments": []}', /version must be 1, got string "1"/],
      [
        '{"version": 1, "nextId": 0, "deployments": []}',
        /nextId must be a whole number of at least 1, got number 0/,
      ],
      ['{"version": 1, "nextId": 1}', /deployments must be a list, got nothing/],
      [
        '{"version": 1, "nextId": 2, "deployments": [{"id": "1", "task": "deploy"}]}',
        /deployments\[0\]\.environment must be a string, got nothing/,
      ],
      [
        JSON.stringify({
          version: 1,
          nextId: 2,
          deployments: [
            {
              id: '1',
              environment: 'e',
              task: 't',
              sha: 's',
              ref: 'r',
              createdAt: 'c',
              payload: {},
              statuses: [{ state: 'done', createdAt: 'c' }],
            },
          ],
        }),
        /deployments\[0\]\.statuses\[0\]\.state must be one of pending, .*, got string "done"/,
      ],
    ];
    for (const [text, message] of cases) {
      await writeFile(path, text);
      for (const attempt of [ledger.history('e'), ledger.create(request('e', '1'))]) {
        const error = await attempt.catch((caught: unknown) => caught);
        expect(error, text).toBeInstanceOf(LedgerFileError);
        expect((error as Error).message, text).toContain(`file ledger ${path}: `);
        expect((error as Error).message, text).toMatch(message);
      }
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('never reuses an id lowered by hand', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path);
    await ledger.create(request('staging', '1'));
    await ledger.create(request('staging', '2'));
    const data = JSON.parse(await readFile(path, 'utf8'));
    data.nextId = 1;
    await writeFile(path, JSON.stringify(data));
    expect((await ledger.create(request('staging', '3'))).id).toBe('3');
  });

  it('keeps every write when many writers in this process share the file', async () => {
    const path = join(dir, 'ledger.json');
    const writers = [new FileLedger(path), new FileLedger(path), new FileLedger(path)];
    const entries = await Promise.all(
      Array.from({ length: 30 }, (_, index) => writers[index % 3]!.create(request('staging', String(index)))),
    );
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(30);
    const history = await writers[0]!.history('staging');
    expect(history.map((entry) => entry.id)).toEqual(
      Array.from({ length: 30 }, (_, index) => String(30 - index)),
    );
    expect(new Set(history.map((entry) => entry.record?.version)).size).toBe(30);
  });

  it('loses nothing when 8 processes write 25 deployments and statuses each to the same file', async () => {
    const workers = 8;
    const perWorker = 25;
    const path = join(dir, 'shared', 'ledger.json');
    const go = join(dir, 'go');
    const script = join(dir, 'writer.mjs');
    await writeFile(
      script,
      `import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [modulePath, ledgerPath, worker, count, go] = process.argv.slice(2);
const { FileLedger } = await import(pathToFileURL(modulePath).href);
const ledger = new FileLedger(ledgerPath, { lock: { timeoutMs: 60000 } });
process.stdout.write('ready\\n');
while (!existsSync(go)) await new Promise((done) => setTimeout(done, 5));
const ids = [];
for (let i = 0; i < Number(count); i++) {
  const version = 'w' + worker + '-' + i;
  const entry = await ledger.create({
    environment: 'production', sha: 'sha-' + version, ref: 'main', task: 'deploy',
    payload: { worker: Number(worker), i }, record: { version, sha: 'sha-' + version, ref: 'main', actor: 'w' + worker },
    autoMerge: false,
  });
  await ledger.setStatus(entry.id, { state: 'success', description: version });
  ids.push(entry.id);
}
process.stdout.write(JSON.stringify(ids) + '\\n');
`,
    );

    const children = Array.from({ length: workers }, (_, worker) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', script, FILE_MODULE, path, String(worker), String(perWorker), go],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const ready = new Promise<void>((done, fail) => {
        const check = () => (stdout.includes('ready\n') ? done() : undefined);
        child.stdout.on('data', check);
        child.on('exit', () => fail(new Error(`writer ${worker} exited before it was ready: ${stderr}`)));
      });
      const finished = new Promise<string[]>((done, fail) => {
        child.on('exit', (code) => {
          if (code !== 0) return fail(new Error(`writer ${worker} exited with ${code}: ${stderr}`));
          done(JSON.parse(stdout.split('\n')[1] ?? 'null') as string[]);
        });
      });
      return { ready, finished };
    });
    await Promise.all(children.map((child) => child.ready));
    await writeFile(go, ''); // all start together
    const idsByWorker = await Promise.all(children.map((child) => child.finished));

    const data = JSON.parse(await readFile(path, 'utf8')); // valid JSON, or this throws
    const total = workers * perWorker;
    expect(data.version).toBe(1);
    expect(data.nextId).toBe(total + 1);
    expect(data.deployments).toHaveLength(total);
    const ids = data.deployments.map((deployment: { id: string }) => deployment.id);
    expect(new Set(ids).size).toBe(total);
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: total }, (_, index) => String(index + 1))));
    expect(new Set(idsByWorker.flat())).toEqual(new Set(ids));
    for (const own of idsByWorker) {
      expect(own).toHaveLength(perWorker);
      expect(own.map(Number)).toEqual([...own.map(Number)].sort((a, b) => a - b)); // increasing per writer
    }
    // Every writer's every deployment is there once, with exactly its one status.
    const history = await new FileLedger(path).history('production');
    const versions = history.map((entry) => entry.record?.version);
    const expected = Array.from({ length: workers }, (_, worker) =>
      Array.from({ length: perWorker }, (_, i) => `w${worker}-${i}`),
    ).flat();
    expect(new Set(versions)).toEqual(new Set(expected));
    for (const entry of history) {
      expect(entry.statuses).toHaveLength(1);
      expect(entry.statuses[0]).toMatchObject({ state: 'success', description: entry.record?.version });
    }
    expect((await readdir(dirname(path))).sort()).toEqual(['ledger.json']); // no temp files, lock released
  });
});

describe('FileLedger.environments', () => {
  it('lists every environment deployed to once, sorted by name, without creating the file', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path, { now: steppingClock() });
    expect(await ledger.environments()).toEqual([]);
    expect(existsSync(path)).toBe(false);
    await ledger.create(request('staging', '1.0.0'));
    await ledger.create(request('production', '1.0.0'));
    await ledger.create(request('staging', '1.1.0'));
    await ledger.create(request('Preview', '1.1.0'));
    // Code point order, whatever the locale: upper case sorts first.
    expect(await ledger.environments()).toEqual(['Preview', 'production', 'staging']);
    expect(await new FileLedger(path).environments()).toEqual(['Preview', 'production', 'staging']);
  });

  it('refuses a file that is not a ledger, naming it', async () => {
    const path = join(dir, 'ledger.json');
    await writeFile(path, '{"version": 1, "nextId": 1, "deployments": {}}');
    await expect(new FileLedger(path).environments()).rejects.toThrow(
      `file ledger ${path}: deployments must be a list, got an object`,
    );
  });
});

describe('FileLedger leases', () => {
  it('renews a lease with a renewed-at time and keeps the command group, adding no status', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path, { now: steppingClock() });
    const made = await ledger.create(request('production', '1.0.0'));
    await ledger.renew(made.id, { pgid: 4321 });
    await ledger.renew(made.id, {});
    const read = await ledger.get(made.id);
    expect(read?.statuses).toEqual([]);
    expect(read?.lease).toEqual({ renewedAt: '2024-01-01T00:00:02.000Z', pgid: 4321 });
    expect((await ledger.history('production'))[0]?.lease?.pgid).toBe(4321);
    await expect(ledger.renew('99', {})).rejects.toThrow(/there is no deployment with id '99'/);
  });

  it('ignores a lease field it did not write rather than trusting it', async () => {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path);
    const made = await ledger.create(request('production', '1.0.0'));
    const data = JSON.parse(await readFile(path, 'utf8'));
    data.deployments[0].lease = { renewedAt: 12, pgid: 'all' };
    await writeFile(path, JSON.stringify(data));
    expect((await ledger.get(made.id))?.lease).toBeUndefined();
  });
});
