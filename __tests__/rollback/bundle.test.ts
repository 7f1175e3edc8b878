import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/ledger/file-artifacts.js';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import { recordedBundlePath, restoreBundle } from '../../src/rollback/bundle.js';

function target(record: Partial<NonNullable<DeploymentEntry['record']>>): DeploymentEntry {
  const sha = 'a'.repeat(40);
  return {
    id: '1',
    environment: 'production',
    task: 'deploy',
    sha,
    ref: 'main',
    createdAt: '2026-11-22T00:00:00Z',
    payload: {},
    record: { version: 'v1', sha, ref: 'main', actor: 'x', ...record },
    statuses: [{ state: 'success', createdAt: '2026-11-22T00:00:01Z' }],
    state: 'success',
  };
}

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info: ${m}`),
    warning: (m: string) => lines.push(`warning: ${m}`),
  };
}

describe('restoreBundle', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'bundle-'));
  const store = new FileArtifactStore(join(workspace, 'ledger.json'));

  it('restores the recorded bundle to its recorded path and points the command at it', async () => {
    writeFileSync(join(workspace, 'app.tgz'), 'release v1');
    await store.save('k1', join(workspace, 'app.tgz'));
    writeFileSync(join(workspace, 'app.tgz'), 'broken');
    const log = recorder();
    const cwd = process.cwd();
    process.chdir(workspace);
    try {
      const env = await restoreBundle(
        target({ artifactKey: 'k1', artifactPath: 'app.tgz' }),
        store,
        workspace,
        log,
      );
      expect(env).toEqual({ DEPLOY_KIT_ARTIFACT_PATH: join(workspace, 'app.tgz') });
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(workspace, 'app.tgz'), 'utf8')).toBe('release v1');
    expect(log.lines).toEqual(['info: restored k1 to app.tgz']);
  });

  it('empties the path and says what to do when the bundle is gone', async () => {
    const log = recorder();
    const env = await restoreBundle(
      target({ artifactKey: 'evicted', artifactPath: 'app.tgz' }),
      store,
      workspace,
      log,
    );
    expect(env).toEqual({ DEPLOY_KIT_ARTIFACT_PATH: '' });
    expect(log.lines[0]).toMatch(
      /^warning: rollback: the release bundle evicted is gone .*evicted or never saved.*DEPLOY_KIT_SHA/,
    );
  });

  it('does nothing when the target kept no bundle', async () => {
    const log = recorder();
    expect(await restoreBundle(target({}), store, workspace, log)).toBeUndefined();
    expect(log.lines).toEqual([]);
  });

  it('warns when there is no store to restore from', async () => {
    const log = recorder();
    expect(
      await restoreBundle(target({ artifactKey: 'k1', artifactPath: 'x' }), undefined, workspace, log),
    ).toBeUndefined();
    expect(log.lines[0]).toContain('no artifact store here');
  });
});

describe('recordedBundlePath', () => {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'bundle-path-')));

  it('passes a recorded path inside the workspace, and none when nothing was recorded', () => {
    expect(
      recordedBundlePath(target({ artifactKey: 'k', artifactPath: 'build/app.tgz' }), { workspace }),
    ).toBe('build/app.tgz');
    expect(recordedBundlePath(target({}), { workspace })).toBeUndefined();
  });

  it('refuses a recorded path that leads out of the workspace, naming the deployment', () => {
    expect(() =>
      recordedBundlePath(target({ artifactKey: 'k', artifactPath: '../outside/secret.txt' }), { workspace }),
    ).toThrow(
      `the release bundle path recorded by deployment 1 must be a path inside the workspace (${workspace}), got '../outside/secret.txt', which resolves to '${join(workspace, '../outside/secret.txt')}'`,
    );
    expect(() => recordedBundlePath(target({ artifactPath: '/etc/hostname' }), { workspace })).toThrow(
      /deployment 1 must be a path inside/,
    );
  });
});
