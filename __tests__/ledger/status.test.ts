// `deploy-kit status`'s engine: what is live per environment and its recent history, from either ledger.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { FileLedger } from '../../src/ledger/file.js';
import { GitHubLedger } from '../../src/ledger/github.js';
import { environmentStatus, findLive, readStatus, summarize } from '../../src/ledger/status.js';
import type {
  CreateDeploymentRequest,
  DeploymentEntry,
  Ledger,
  ReleaseRecord,
} from '../../src/ledger/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-status-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that moves one minute per reading, from 2024-05-01T12:00:00Z. */
function steppingClock(): () => Date {
  let tick = 0;
  return () => new Date(Date.UTC(2024, 4, 1, 12, tick++, 0));
}

function fileLedger(): FileLedger {
  return new FileLedger(join(dir, 'ledger.json'), { now: steppingClock() });
}

function record(version: string, sha: string, extra: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return {
    version,
    sha,
    ref: 'main',
    actor: 'alice',
    run: {
      id: `run-${version}`,
      attempt: '1',
      url: `https://ci.example/runs/${version}`,
      workflow: 'release',
    },
    ...extra,
  };
}

function request(
  environment: string,
  version: string,
  sha: string,
  extra: Partial<ReleaseRecord> = {},
): CreateDeploymentRequest {
  return {
    environment,
    sha,
    ref: 'main',
    task: extra.rollback ? 'deploy:rollback' : 'deploy',
    description: `deploy ${version}`,
    payload: {},
    record: record(version, sha, extra),
    requiredContexts: [],
    autoMerge: false,
  };
}

/** A deploy as the deploy engine records it: created, in progress, then its outcome; success retires the live one. */
async function deployed(
  ledger: Ledger,
  environment: string,
  version: string,
  sha: string,
  outcome: 'success' | 'failure' | 'in_progress',
  extra: Partial<ReleaseRecord> = {},
): Promise<DeploymentEntry> {
  const before = await ledger.history(environment);
  const entry = await ledger.create(request(environment, version, sha, extra));
  await ledger.setStatus(entry.id, { state: 'in_progress', description: `deploying ${version}` });
  if (outcome === 'failure') {
    await ledger.setStatus(entry.id, {
      state: 'failure',
      description: 'deploy command failed (exit code 1)',
    });
  }
  if (outcome === 'success') {
    await ledger.setStatus(entry.id, {
      state: 'success',
      description: `${version} is live`,
      environmentUrl: `https://${environment}.example.com`,
    });
    const rolledBackFrom = extra.rollback?.fromDeploymentId;
    const active = before.filter(
      (e) => e.state === 'success' || (e.id === rolledBackFrom && e.state !== 'inactive'),
    );
    await ledger.deactivate(
      active.map((e) => e.id),
      extra.rollback
        ? `rolled back to ${version} (deployment ${entry.id}): ${extra.rollback.reason}`
        : `superseded by ${version} (deployment ${entry.id})`,
    );
  }
  return entry;
}

/**
 * staging: 1.0.0 live. production: 1.0.0, then 1.1.0, then 1.2.0 failed its smoke test and was rolled back
 * to 1.1.0, then 1.3.0 failed to deploy, and 1.4.0 is being deployed now.
 */
async function scenario(ledger: Ledger, sha: string) {
  await deployed(ledger, 'staging', '1.0.0', sha, 'success');
  await deployed(ledger, 'production', '1.0.0', sha, 'success');
  const v11 = await deployed(ledger, 'production', '1.1.0', sha, 'success');
  const v12 = await deployed(ledger, 'production', '1.2.0', sha, 'success', { actor: 'bob' });
  const back = await deployed(ledger, 'production', '1.1.0', sha, 'success', {
    actor: 'carol',
    artifactKey: 'bundle-1.1.0',
    rollback: { fromDeploymentId: v12.id, fromVersion: '1.2.0', reason: 'smoke test failed' },
  });
  await deployed(ledger, 'production', '1.3.0', sha, 'failure');
  await deployed(ledger, 'production', '1.4.0', sha, 'in_progress', { actor: 'dave' });
  return { v11, v12, back };
}

describe('readStatus on the file ledger', () => {
  it('says what is live in every environment, what is under way, and the history newest first', async () => {
    const ledger = fileLedger();
    const { v12, back } = await scenario(ledger, 'a'.repeat(40));
    const status = await readStatus(ledger);
    expect(status.ledger).toBe('file');
    expect(status.environments.map((e) => e.environment)).toEqual(['production', 'staging']);

    const [production, staging] = status.environments;
    // The rollback to 1.1.0 is live; the failed 1.3.0 did not change that, 1.4.0 is still deploying.
    expect(production?.live).toMatchObject({
      id: back.id,
      kind: 'rollback',
      version: '1.1.0',
      state: 'success',
      actor: 'carol',
      url: 'https://production.example.com',
      description: '1.1.0 is live',
      rollback: { fromDeploymentId: v12.id, fromVersion: '1.2.0', reason: 'smoke test failed' },
      run: { id: 'run-1.1.0', url: 'https://ci.example/runs/1.1.0' },
    });
    // It went live at its success status, after it was made and set in progress.
    expect(production!.live!.createdAt! < production!.live!.since).toBe(true);
    expect(production?.inProgress.map((e) => [e.version, e.state, e.actor])).toEqual([
      ['1.4.0', 'in_progress', 'dave'],
    ]);
    expect(production?.history.map((e) => [e.version, e.kind, e.state])).toEqual([
      ['1.4.0', 'deploy', 'in_progress'],
      ['1.3.0', 'deploy', 'failure'],
      ['1.1.0', 'rollback', 'success'],
      ['1.2.0', 'deploy', 'inactive'],
      ['1.1.0', 'deploy', 'inactive'],
      ['1.0.0', 'deploy', 'inactive'],
    ]);
    expect(production?.history[1]?.description).toBe('deploy command failed (exit code 1)');
    expect(production?.history[3]?.description).toBe(
      `rolled back to 1.1.0 (deployment ${back.id}): smoke test failed`,
    );
    // An inactive deployment keeps the URL it was live at.
    expect(production?.history[3]?.url).toBe('https://production.example.com');
    expect(production?.read).toBe(6);

    expect(staging?.live).toMatchObject({ version: '1.0.0', kind: 'deploy', actor: 'alice' });
    expect(staging?.inProgress).toEqual([]);
    expect(staging?.history).toHaveLength(1);
  });

  it('limits the history, and still finds what is live further back', async () => {
    const ledger = fileLedger();
    await deployed(ledger, 'production', '2.0.0', 'b'.repeat(40), 'success');
    for (let i = 1; i <= 12; i += 1)
      await deployed(ledger, 'production', `2.0.${i}`, 'c'.repeat(40), 'failure');
    const status = await readStatus(ledger, { limit: 3 });
    const [production] = status.environments;
    expect(production?.history.map((e) => e.version)).toEqual(['2.0.12', '2.0.11', '2.0.10']);
    expect(production?.live?.version).toBe('2.0.0');
    expect(production?.read).toBe(13);
  });

  it('reads only the named environments, in the order given, without listing the others', async () => {
    const inner = fileLedger();
    await deployed(inner, 'staging', '1.0.0', 'a'.repeat(40), 'success');
    await deployed(inner, 'production', '0.9.0', 'a'.repeat(40), 'success');
    let listed = 0;
    const read: string[] = [];
    const ledger: Ledger = {
      kind: inner.kind,
      create: (r) => inner.create(r),
      setStatus: (id, u) => inner.setStatus(id, u),
      get: (id) => inner.get(id),
      deactivate: (ids, d) => inner.deactivate(ids, d),
      history: (environment, options) => {
        read.push(environment);
        return inner.history(environment, options);
      },
      environments: () => {
        listed += 1;
        return inner.environments();
      },
    };
    const status = await readStatus(ledger, { environments: ['staging', 'qa', 'staging', 'production'] });
    expect(listed).toBe(0);
    expect(read).toEqual(['staging', 'qa', 'production']);
    expect(status.environments.map((e) => [e.environment, e.live?.version, e.read])).toEqual([
      ['staging', '1.0.0', 1],
      ['qa', undefined, 0],
      ['production', '0.9.0', 1],
    ]);

    await readStatus(ledger, { environments: [] });
    expect(listed).toBe(1);
  });

  it('is empty for an empty ledger, and refuses a limit that is not a whole number of at least 1', async () => {
    expect(await readStatus(fileLedger())).toEqual({ ledger: 'file', environments: [] });
    await expect(readStatus(fileLedger(), { limit: 0 })).rejects.toThrow(
      'the history limit must be a whole number of at least 1, got 0',
    );
    await expect(readStatus(fileLedger(), { limit: 2.5 })).rejects.toThrow(RangeError);
  });
});

function entry(
  id: string,
  state: DeploymentEntry['state'],
  extra: Partial<DeploymentEntry> = {},
): DeploymentEntry {
  return {
    id,
    environment: 'production',
    task: 'deploy',
    sha: `${id.padStart(7, '0')}${'e'.repeat(33)}`,
    ref: 'main',
    createdAt: `2024-05-01T12:0${id}:00Z`,
    payload: {},
    statuses: [{ state, createdAt: `2024-05-01T12:0${id}:30Z` }],
    state,
    ...extra,
  };
}

describe('what counts as live', () => {
  const ours = (id: string, state: DeploymentEntry['state'], version: string) =>
    entry(id, state, { record: record(version, 'f'.repeat(40)), creator: 'github-actions[bot]' });

  it("prefers deploy-kit's deployment over a newer one something else marked success (GitHub's job deployment)", () => {
    const history = [
      entry('3', 'success', { creator: 'github-actions[bot]' }),
      ours('2', 'success', '1.0.0'),
    ];
    expect(findLive(history)?.id).toBe('2');
    const status = environmentStatus('production', history);
    expect(status.live).toMatchObject({ id: '2', version: '1.0.0', since: '2024-05-01T12:02:30Z' });
    expect(status.history.map((e) => [e.id, e.kind, e.version])).toEqual([
      ['3', 'other', '0000003'],
      ['2', 'deploy', '1.0.0'],
    ]);
    // The recorded actor, not the bot that made the deployment.
    expect(status.history[1]?.actor).toBe('alice');
    expect(status.history[0]?.actor).toBe('github-actions[bot]');
  });

  it('takes the newest success of any kind where deploy-kit never deployed', () => {
    const status = environmentStatus('production', [
      entry('3', 'failure'),
      entry('2', 'success', { creator: 'vercel[bot]' }),
      entry('1', 'success'),
    ]);
    expect(status.live).toMatchObject({ id: '2', kind: 'other', version: '0000002', actor: 'vercel[bot]' });
    expect(status.inProgress).toEqual([]);
  });

  it('lists as under way only open deployments newer than the live one', () => {
    const status = environmentStatus('production', [
      ours('4', 'queued', '1.2.0'),
      ours('3', 'success', '1.1.0'),
      ours('2', 'in_progress', '1.0.1'),
      ours('1', 'inactive', '1.0.0'),
    ]);
    expect(status.live?.version).toBe('1.1.0');
    expect(status.inProgress.map((e) => e.version)).toEqual(['1.2.0']);
    const nothingLive = environmentStatus('production', [
      ours('2', 'pending', '1.0.1'),
      ours('1', 'failure', '1.0.0'),
    ]);
    expect(nothingLive.live).toBeUndefined();
    expect(nothingLive.inProgress.map((e) => e.version)).toEqual(['1.0.1']);
  });

  it('summarizes a deployment without statuses by its own time and description', () => {
    const bare = entry('5', 'pending', { statuses: [], description: 'made by hand' });
    expect(summarize(bare)).toMatchObject({
      state: 'pending',
      updatedAt: bare.createdAt,
      description: 'made by hand',
    });
    expect(summarize(bare).url).toBeUndefined();
  });

  it('never shows the credentials or query tokens an older record kept in its environment URL', () => {
    const old = entry('6', 'success', {
      statuses: [
        {
          state: 'success',
          createdAt: '2026-11-22T00:00:00Z',
          environmentUrl: 'https://deployer:pa55@app.example.com/?access_token=t0k3n&lang=en',
        },
      ],
    });
    expect(summarize(old).url).toBe('https://app.example.com/?access_token=***&lang=en');
  });
});

describe('readStatus on GitHub Deployments', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
  });
  afterEach(async () => {
    try {
      assertConformance(gh.requests);
    } finally {
      await gh.close();
    }
  });

  it('gives the same answer as the file ledger, in one GraphQL call per environment plus one to list them', async () => {
    const sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: the release' });
    const client = createGitHubClient({
      token: gh.token,
      apiUrl: gh.url,
      graphqlUrl: gh.graphqlUrl,
      retryBaseMs: 10,
      log: { debug: () => {}, warning: () => {} },
      env: {},
    });
    const github = new GitHubLedger({ client, owner: 'octo', repo: 'app' });
    await scenario(github, sha);
    const file = fileLedger();
    await scenario(file, sha);

    const before = client.callCount();
    const fromGitHub = await readStatus(github, { limit: 5 });
    const after = client.callCount();
    expect(after.graphql - before.graphql).toBe(3);
    expect(after.rest - before.rest).toBe(0);
    const queries = gh.requestsFor('graphql').slice(-3);
    for (const q of queries) expect(q.graphql?.valid).toBe(true);

    // Ids and times differ between the two ledgers; everything else is the same.
    const comparable = (status: Awaited<ReturnType<typeof readStatus>>) =>
      status.environments.map((e) => ({
        environment: e.environment,
        live: e.live && {
          ...e.live,
          id: undefined,
          createdAt: undefined,
          updatedAt: undefined,
          since: undefined,
          rollback: { ...e.live.rollback, fromDeploymentId: undefined },
        },
        inProgress: e.inProgress.map((s) => [s.version, s.kind, s.state, s.actor]),
        history: e.history.map((s) => [s.version, s.kind, s.state, s.actor, s.url, s.run?.id]),
        read: e.read,
      }));
    expect(fromGitHub.ledger).toBe('github');
    expect(comparable(fromGitHub)).toEqual(comparable(await readStatus(file, { limit: 5 })));
    expect(fromGitHub.environments[0]?.history).toHaveLength(5);
    expect(fromGitHub.environments[0]?.live).toMatchObject({ kind: 'rollback', version: '1.1.0', sha });
  });
});
