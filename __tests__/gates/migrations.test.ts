import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrationsGate } from '../../src/gates/migrations.js';
import type { CommandGateConfig } from '../../src/gates/types.js';
import { gateContext } from '../helpers/gates.js';

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'gates-migrations-'));
  // A stand-in for `alembic check`: a real script that compares applied and known revisions on disk.
  await mkdir(join(workspace, 'bin'));
  await mkdir(join(workspace, 'db', 'versions'), { recursive: true });
  await writeFile(
    join(workspace, 'bin', 'migrate-check'),
    [
      '#!/usr/bin/env bash',
      'set -eu',
      'head=$(ls db/versions | sort | tail -n 1)',
      'applied=$(cat db/applied 2>/dev/null || echo none)',
      'echo "INFO  [migrate] Context impl SQLiteImpl."',
      'if [ "$head" = "$applied" ]; then echo "No new upgrade operations detected."; exit 0; fi',
      'echo "ERROR [migrate] Target database is not up to date: at $applied, head is $head" >&2',
      'exit 255',
      '',
    ].join('\n'),
  );
  await chmod(join(workspace, 'bin', 'migrate-check'), 0o755);
  await writeFile(join(workspace, 'db', 'versions', '001_init.py'), '');
  await writeFile(join(workspace, 'db', 'versions', '002_users.py'), '');
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function config(overrides: Partial<CommandGateConfig> = {}): CommandGateConfig {
  return { name: 'migrate-check', run: './bin/migrate-check', timeoutMs: 10_000, ...overrides };
}

describe('migrations gate', () => {
  it('passes when the check exits 0, its output in a log group', async () => {
    await writeFile(join(workspace, 'db', 'applied'), '002_users.py');
    const context = gateContext({ workspace, env: { PATH: process.env.PATH } });
    const outcome = await runMigrationsGate(config(), context);
    expect(outcome.verdict).toBe('pass');
    expect(outcome.detail).toMatch(/^no migration pending \(migrate-check exited 0 in \d+ ms\)$/);
    expect(context.log.groups).toEqual(['migrations: migrate-check']);
    expect(context.log.all()).toContain(
      '::group::migrations: migrate-check\n$ ./bin/migrate-check\nINFO  [migrate] Context impl SQLiteImpl.\nNo new upgrade operations detected.',
    );
  });

  it('fails when a migration is pending, quoting what the tool said', async () => {
    await writeFile(join(workspace, 'db', 'applied'), '001_init.py');
    const outcome = await runMigrationsGate(
      config(),
      gateContext({ workspace, env: { PATH: process.env.PATH } }),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      'migrations pending: migrate-check exited with 255: INFO  [migrate] Context impl SQLiteImpl. | ERROR [migrate] Target database is not up to date: at 001_init.py, head is 002_users.py',
    );
  });

  it('runs in its cwd', async () => {
    await mkdir(join(workspace, 'service'));
    await writeFile(join(workspace, 'service', 'check.sh'), 'test -f ../db/applied\n');
    const outcome = await runMigrationsGate(
      config({ name: 'check', run: 'bash check.sh', cwd: 'service' }),
      gateContext({ workspace, env: { PATH: process.env.PATH } }),
    );
    expect(outcome.verdict).toBe('fail');
    await writeFile(join(workspace, 'db', 'applied'), 'x');
    const again = await runMigrationsGate(
      config({ name: 'check', run: 'bash check.sh', cwd: 'service' }),
      gateContext({ workspace, env: { PATH: process.env.PATH } }),
    );
    expect(again.verdict).toBe('pass');
  });

  it('is an error when the tool is not installed: the check never ran', async () => {
    const outcome = await runMigrationsGate(
      config({ name: 'alembic', run: 'alembic-not-installed check' }),
      gateContext({ workspace, env: { PATH: process.env.PATH } }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toMatch(
      /^migrations could not be checked: alembic exited with 127 \(command not found\): .*alembic-not-installed: command not found$/,
    );
  });

  it('is an error when the check hangs past its timeout', async () => {
    const outcome = await runMigrationsGate(
      config({ name: 'prisma', run: 'echo "Datasource db: PostgreSQL"; sleep 20', timeoutMs: 300 }),
      gateContext({ workspace, env: { PATH: process.env.PATH } }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      'migrations could not be checked: prisma did not finish within 300 ms and was stopped: Datasource db: PostgreSQL',
    );
  });
});
