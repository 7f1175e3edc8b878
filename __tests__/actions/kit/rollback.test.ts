// The rollback engine on an action's opened ledger: the post step's memory follows the rollback's deployment.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLedger } from '../../../src/actions/kit/ledger.js';
import { rollBack } from '../../../src/actions/kit/rollback.js';
import { runCommand } from '../../../src/command/run.js';
import { deploy } from '../../../src/deploy/deploy.js';
import { rollbackSettings } from '../../../src/rollback/run.js';

const RUN = { id: '', attempt: '1', url: '', workflow: 'w', actor: 'alice' };
const quietLog = { info: () => {}, warning: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn() };
let dir: string;
let stateFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kit-rollback-'));
  stateFile = join(dir, 'state');
  writeFileSync(stateFile, '');
  vi.stubEnv('GITHUB_STATE', stateFile);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The saved state as name → last value. */
function state(): Record<string, string> {
  const text = readFileSync(stateFile, 'utf8');
  const saved: Record<string, string> = {};
  for (const match of text.matchAll(/^(\S+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) saved[match[1]!] = match[3]!;
  return saved;
}

async function twoReleases() {
  const opened = await openLedger(
    { kind: 'file', path: join(dir, 'ledger.json') },
    { owner: '', repo: '', workspace: dir },
  );
  for (const [version, sha] of [
    ['v1', 'a'],
    ['v2', 'b'],
  ] as const) {
    await deploy(
      {
        environment: 'staging',
        sha: sha.repeat(40),
        ref: 'main',
        version,
        command: 'true',
        workingDirectory: dir,
        payload: {},
        autoMerge: false,
        onConcurrent: { mode: 'wait', timeoutMs: 5000 },
        task: 'deploy',
        run: RUN,
        baseEnv: { PATH: process.env.PATH },
      },
      { ledger: opened.ledger, runCommand, log: quietLog },
    );
  }
  return opened;
}

const settings = (overrides = {}) =>
  rollbackSettings({
    environment: 'staging',
    workingDirectory: dir,
    workspace: dir,
    run: RUN,
    baseEnv: { PATH: process.env.PATH },
    command: 'true',
    ...overrides,
  });

describe('rollBack (kit)', () => {
  it("remembers the rollback's deployment for post, and that it finished", async () => {
    const opened = await twoReleases();
    const outcome = await rollBack(settings(), opened, new AbortController().signal);
    expect(outcome.kind).toBe('ran');
    if (outcome.kind !== 'ran') return;
    expect(state()).toMatchObject({ 'deployment-id': outcome.redeploy.deployment.id, finished: 'true' });
  });

  it('leaves the memory alone when nothing was recorded (a dry run, a refusal)', async () => {
    const opened = await twoReleases();
    const planned = await rollBack(settings({ dryRun: true }), opened, new AbortController().signal);
    expect(planned.kind).toBe('planned');
    const refused = await rollBack(settings({ to: 'v9' }), opened, new AbortController().signal);
    expect(refused.kind).toBe('refused');
    expect(readFileSync(stateFile, 'utf8')).toBe('');
  });
});
