// The rollback plan, rule by rule, over hand-built deployment histories (newest first, as the ledgers give them).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type DeploymentEntry, type DeploymentState, versionOf } from '../../src/ledger/types.js';
import {
  everSucceeded,
  findTarget,
  planRollback,
  RollbackNoOp,
  type RollbackPlan,
  RollbackRefused,
} from '../../src/rollback/plan.js';

/** A commit per version, so redeploys of a version share their commit as they do in life. */
function shaOf(version: string): string {
  return createHash('sha1').update(version).digest('hex');
}

/** Status histories, written oldest first as they happen. */
const LIVE: DeploymentState[] = ['in_progress', 'success'];
const SUPERSEDED: DeploymentState[] = ['in_progress', 'success', 'inactive'];
const FAILED: DeploymentState[] = ['in_progress', 'failure'];
const ERRORED: DeploymentState[] = ['in_progress', 'error'];
/** Marked inactive without ever reaching success (abandoned, or replaced while queued). */
const ABANDONED: DeploymentState[] = ['queued', 'inactive'];

interface Spec {
  version: string;
  states: DeploymentState[];
  /** This deployment is a rollback from that version. */
  rollbackFrom?: string;
  /** No deploy-kit record: made by something else; its version reads as the short commit. */
  foreign?: boolean;
}

/** A history, newest first; ids count down from 100 + the number of deployments (the newest has the highest). */
function history(...specs: Spec[]): DeploymentEntry[] {
  return specs.map((spec, index) => {
    const id = String(100 + specs.length - index);
    const sha = shaOf(spec.version);
    const minute = String(specs.length - index).padStart(2, '0');
    const statuses = [...spec.states].reverse().map((state, i) => ({
      state,
      createdAt: `2025-03-01T10:${minute}:${String(59 - i).padStart(2, '0')}Z`,
      ...(state === 'success' ? { environmentUrl: `https://${spec.version}.example.com` } : {}),
    }));
    const record = spec.foreign
      ? undefined
      : {
          version: spec.version,
          sha,
          ref: 'main',
          actor: 'alice',
          ...(spec.rollbackFrom !== undefined
            ? { rollback: { fromDeploymentId: '1', fromVersion: spec.rollbackFrom, reason: 'broken' } }
            : {}),
        };
    return {
      id,
      environment: 'production',
      task: spec.rollbackFrom !== undefined ? 'deploy:rollback' : 'deploy',
      sha,
      ref: 'main',
      createdAt: `2025-03-01T10:${minute}:00Z`,
      payload: record ? { 'deploy-kit': record } : {},
      ...(record ? { record } : {}),
      statuses,
      state: statuses[0]?.state ?? 'pending',
    };
  });
}

/** The entry of a history with that version (the newest such one unless `nth` says otherwise). */
function pick(entries: DeploymentEntry[], version: string, nth = 0): DeploymentEntry {
  const found = entries.filter((entry) => versionOf(entry) === version)[nth];
  if (!found) throw new Error(`test setup: no ${version} #${nth} in the history`);
  return found;
}

function short(version: string): string {
  return shaOf(version).slice(0, 7);
}

/** The refusal planRollback raises, checked to be a RollbackRefused. */
function refusal(entries: DeploymentEntry[], to?: string): RollbackRefused {
  try {
    planRollback(entries, to);
  } catch (error) {
    expect(error).toBeInstanceOf(RollbackRefused);
    expect((error as Error).name).toBe('RollbackRefused');
    return error as RollbackRefused;
  }
  throw new Error(`expected a refusal, got a plan (to ${to ?? 'unset'})`);
}

/** The no-op planRollback raises when what `to` names is live already. */
function noOp(entries: DeploymentEntry[], to?: string): RollbackNoOp {
  try {
    planRollback(entries, to);
  } catch (error) {
    expect(error).toBeInstanceOf(RollbackNoOp);
    expect(error).toBeInstanceOf(RollbackRefused);
    return error as RollbackNoOp;
  }
  throw new Error(`expected a no-op, got a plan (to ${to ?? 'unset'})`);
}

function skippedOf(plan: RollbackPlan): [string, string][] {
  return plan.skipped.map(({ entry, why }) => [`${versionOf(entry)}#${entry.id}`, why]);
}

describe('the history builder', () => {
  it('builds entries newest first with their status histories newest first', () => {
    const h = history({ version: 'v2', states: LIVE }, { version: 'v1', states: SUPERSEDED });
    expect(h.map((e) => e.id)).toEqual(['102', '101']);
    expect(h[1]!.statuses.map((s) => s.state)).toEqual(['inactive', 'success', 'in_progress']);
    expect(h[1]!.state).toBe('inactive');
    expect(h[0]!.record?.version).toBe('v2');
  });
});

describe('everSucceeded and versionOf', () => {
  it('counts a success anywhere in the status history, not only the latest one', () => {
    const [live, superseded, failed, abandoned] = history(
      { version: 'v4', states: LIVE },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: FAILED },
      { version: 'v1', states: ABANDONED },
    );
    expect(everSucceeded(live!)).toBe(true);
    expect(everSucceeded(superseded!)).toBe(true);
    expect(everSucceeded(failed!)).toBe(false);
    expect(everSucceeded(abandoned!)).toBe(false);
  });

  it('reads the recorded version, or the short commit of a deployment deploy-kit did not make', () => {
    const [ours, foreign] = history(
      { version: 'v2', states: LIVE },
      { version: 'other', states: SUPERSEDED, foreign: true },
    );
    expect(versionOf(ours!)).toBe('v2');
    expect(versionOf(foreign!)).toBe(short('other'));
    expect(versionOf(foreign!)).toHaveLength(7);
  });
});

describe('planRollback without `to`', () => {
  it('goes to the newest earlier deployment that once succeeded, though it reads inactive now', () => {
    const h = history(
      { version: 'v3', states: LIVE },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v1', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(plan.target).toBe(h[1]);
    expect(plan.target.state).toBe('inactive');
    expect(plan.current).toBe(h[0]);
    expect(plan.live).toBe(h[0]);
    expect(plan.why).toBe('the newest earlier deployment that reached success');
    expect(plan.skipped).toEqual([]);
  });

  it('passes over failures, errors and deployments that never succeeded, saying why', () => {
    const h = history(
      { version: 'v6', states: LIVE },
      { version: 'v5', states: FAILED },
      { version: 'v4', states: ERRORED },
      { version: 'v3', states: ABANDONED },
      { version: 'v2', states: ['in_progress'] },
      { version: 'v1', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(versionOf(plan.target)).toBe('v1');
    expect(plan.target.id).toBe('101');
    expect(skippedOf(plan)).toEqual([
      ['v5#105', 'never reached success (failure)'],
      ['v4#104', 'never reached success (error)'],
      ['v3#103', 'never reached success (inactive)'],
      ['v2#102', 'never reached success (in_progress)'],
    ]);
  });

  it('rolls back from a deploy that failed half-way to the newest earlier success, still marked success', () => {
    const h = history(
      { version: 'v4', states: FAILED },
      { version: 'v3', states: LIVE },
      { version: 'v2', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(plan.current).toBe(h[0]);
    expect(plan.current?.state).toBe('failure');
    expect(plan.live).toBe(h[1]);
    expect(plan.target).toBe(h[1]);
    expect(plan.target.state).toBe('success');
    expect(plan.skipped).toEqual([]);
  });

  it('passes over earlier deployments of the version that is current', () => {
    const h = history(
      { version: 'v2', states: LIVE },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v1', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(plan.target).toBe(h[2]);
    expect(skippedOf(plan)).toEqual([['v2#102', 'the same release as the current deployment']]);
  });

  it('goes to a deployment deploy-kit did not make, named by its short commit', () => {
    const h = history(
      { version: 'v2', states: LIVE },
      { version: 'legacy', states: SUPERSEDED, foreign: true },
    );
    const plan = planRollback(h);
    expect(plan.target).toBe(h[1]);
    expect(versionOf(plan.target)).toBe(short('legacy'));
  });

  it('does not roll back onto a version that was rolled back from (the loop guard)', () => {
    // v3 went bad and was rolled back to v2; rolling back again goes to v1, never back to v3.
    const h = history(
      { version: 'v2', states: LIVE, rollbackFrom: 'v3' },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v1', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(plan.target).toBe(h[3]);
    expect(versionOf(plan.target)).toBe('v1');
    expect(skippedOf(plan)).toEqual([
      ['v3#103', "v3 was rolled back from since (name it with 'to' to force it)"],
      ['v2#102', 'the same release as the current deployment'],
    ]);
  });

  it('retries a rollback that failed: the failed one is neither current nor a guard against its from-version', () => {
    // The rollback of v2 to v1 failed before it changed anything (GitHub refused its status writes); v2 is
    // still live, and the retry must plan v2 → v1 again rather than refuse.
    const h = history(
      { version: 'v1', states: ERRORED, rollbackFrom: 'v2' },
      { version: 'v2', states: LIVE },
      { version: 'v1', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(plan.current).toBe(h[1]);
    expect(plan.target).toBe(h[2]);
  });

  it('keeps the loop guard for rollbacks further back than the current one', () => {
    const h = history(
      { version: 'v5', states: LIVE },
      { version: 'v4', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED, rollbackFrom: 'v3' },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
    );
    // v4 is newer than the old rollback and was never rolled back from: it is the target.
    expect(planRollback(h).target).toBe(h[1]);
  });

  it('refuses an empty history', () => {
    expect(refusal([]).message).toBe(
      'no deployment of this environment to roll back to (looked at 0 deployments)',
    );
  });

  it('refuses a history of one deployment', () => {
    const h = history({ version: 'v1', states: LIVE });
    expect(refusal(h).message).toBe(
      `no earlier good deployment to roll back to: none before v1 (deployment 101, ${short('v1')}) reached success without being rolled back from (looked at 1 deployment)`,
    );
  });

  it('refuses when nothing earlier qualifies, naming the current deployment', () => {
    const h = history(
      { version: 'v3', states: LIVE },
      { version: 'v2', states: FAILED },
      { version: 'v3', states: SUPERSEDED },
    );
    expect(refusal(h).message).toBe(
      `no earlier good deployment to roll back to: none before v3 (deployment 103, ${short('v3')}) reached success without being rolled back from (looked at 3 deployments)`,
    );
  });

  it('refuses when the only earlier good version was rolled back from', () => {
    const h = history(
      { version: 'v1', states: LIVE, rollbackFrom: 'v2' },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v1', states: SUPERSEDED },
    );
    expect(refusal(h).message).toMatch(
      /^no earlier good deployment to roll back to: none before v1 \(deployment 103,/,
    );
  });
});

describe('planRollback with `to`', () => {
  const h = history(
    { version: 'v4', states: LIVE },
    { version: 'v3', states: FAILED },
    { version: 'v2', states: SUPERSEDED },
    { version: 'v1', states: SUPERSEDED },
  );

  it('takes a deployment id', () => {
    const plan = planRollback(h, '101');
    expect(plan.target).toBe(pick(h, 'v1'));
    expect(plan.why).toBe("named by 'to' (101)");
    expect(plan.skipped).toEqual([]);
    expect(plan.current).toBe(h[0]);
    expect(plan.live).toBe(h[0]);
  });

  it('takes a version, skipping the loop guard and the default choice', () => {
    expect(planRollback(h, 'v1').target).toBe(pick(h, 'v1'));
    expect(planRollback(h, 'v2').target).toBe(pick(h, 'v2'));
  });

  it('takes a version at its newest deployment that succeeded', () => {
    const redeployed = history(
      { version: 'v3', states: LIVE },
      { version: 'v2', states: FAILED },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
    );
    expect(planRollback(redeployed, 'v2').target.id).toBe('102');
  });

  it('takes a full commit SHA, a short one, and either in upper case', () => {
    const v2 = pick(h, 'v2');
    expect(planRollback(h, shaOf('v2')).target).toBe(v2);
    expect(planRollback(h, short('v2')).target).toBe(v2);
    expect(planRollback(h, shaOf('v2').slice(0, 12)).target).toBe(v2);
    expect(planRollback(h, short('v2').toUpperCase()).target).toBe(v2);
  });

  it('prefers an id over a version of the same spelling (build numbers as versions)', () => {
    const numbered = history(
      { version: '7', states: LIVE },
      { version: '6', states: SUPERSEDED },
      { version: '102', states: SUPERSEDED },
    );
    // '102' is both the id of the deployment of version 6 and the version of deployment 101.
    expect(planRollback(numbered, '102').target.id).toBe('102');
    expect(versionOf(planRollback(numbered, '102').target)).toBe('6');
  });

  it('overrides the loop guard: a version rolled back from can be named', () => {
    const looped = history(
      { version: 'v2', states: LIVE, rollbackFrom: 'v3' },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
      { version: 'v1', states: SUPERSEDED },
    );
    expect(versionOf(planRollback(looped).target)).toBe('v1');
    const forced = planRollback(looped, 'v3');
    expect(forced.target).toBe(looped[1]);
    expect(forced.why).toBe("named by 'to' (v3)");
  });

  it('refuses a deployment id that never reached success', () => {
    expect(refusal(h, '103').message).toBe(
      `'to' 103 names v3 (deployment 103, ${short('v3')}), which never reached success`,
    );
  });

  it('finds no version or commit that never reached success', () => {
    const none = (to: string) =>
      `'to' ${to} names no deployment of this environment that reached success (looked for an id, a version and a commit in 4 deployments)`;
    expect(refusal(h, 'v3').message).toBe(none('v3'));
    expect(refusal(h, short('v3')).message).toBe(none(short('v3')));
  });

  it('refuses what names nothing: an unknown id, version or commit, or a commit too short', () => {
    const none = (to: string) =>
      `'to' ${to} names no deployment of this environment that reached success (looked for an id, a version and a commit in 4 deployments)`;
    for (const to of ['999', 'v9', 'deadbeefcafe', short('v2').slice(0, 6), `${shaOf('v2')}0`]) {
      expect(refusal(h, to).message).toBe(none(to));
    }
  });

  it('refuses any `to` over an empty history', () => {
    expect(refusal([], 'v1').message).toBe(
      "'to' v1 names no deployment of this environment that reached success (looked for an id, a version and a commit in 0 deployments)",
    );
  });

  it('is a no-op for the current deployment, live, by id, version or commit, naming it', () => {
    for (const to of ['104', 'v4', short('v4'), shaOf('v4')]) {
      const noop = noOp(h, to);
      expect(noop.message).toBe(
        `'to' ${to} names v4, which is live already (v4 (deployment 104, ${short('v4')})): nothing to roll back`,
      );
      expect(noop.standing).toBe(h[0]);
      expect(noop.closed).toBeUndefined();
    }
  });

  it('is a no-op for the version that is live already, named through an earlier deployment of it', () => {
    const back = history(
      { version: 'v2', states: LIVE, rollbackFrom: 'v3' },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
    );
    expect(noOp(back, '101').message).toBe(
      `'to' 101 names v2, which is live already (v2 (deployment 103, ${short('v2')})): nothing to roll back`,
    );
  });

  it('refuses the current deployment when it is not live (it failed after reaching success)', () => {
    const broken = history(
      { version: 'v4', states: ['in_progress', 'success', 'error'] },
      { version: 'v3', states: SUPERSEDED },
    );
    expect(refusal(broken, '102').message).toBe(
      `'to' 102 names v4 (deployment 102, ${short('v4')}), which is the current deployment: nothing to roll back`,
    );
  });

  it('marks the refusals an older page of history could answer, and only those', () => {
    expect(refusal(h, 'v9').notFound).toBe(true);
    expect(refusal(history({ version: 'v1', states: LIVE })).notFound).toBe(true);
    expect(refusal([], 'v1').notFound).toBe(true);
    expect(refusal(h, '103').notFound).toBe(false);
  });

  it('allows the deployment still marked success when the current one failed half-way', () => {
    const halfWay = history(
      { version: 'v4', states: FAILED },
      { version: 'v3', states: LIVE },
      { version: 'v2', states: SUPERSEDED },
    );
    expect(planRollback(halfWay, 'v3').target).toBe(halfWay[1]);
    expect(planRollback(halfWay, 'v2').target).toBe(halfWay[2]);
    expect(refusal(halfWay, '103').message).toBe(
      `'to' 103 names v4 (deployment 103, ${short('v4')}), which never reached success`,
    );
  });
});

describe('findTarget', () => {
  const h = history(
    { version: 'v2', states: LIVE },
    { version: 'v1', states: FAILED },
    { version: 'v1', states: SUPERSEDED },
  );

  it('returns an id whatever its state, so the caller can say it never succeeded', () => {
    expect(findTarget(h, '102')).toBe(h[1]);
  });

  it('looks for versions and commits only among deployments that reached success', () => {
    expect(findTarget(h, 'v1')).toBe(h[2]);
    expect(findTarget(h, short('v1'))).toBe(h[2]);
    expect(findTarget(h, 'v0')).toBeUndefined();
    expect(findTarget(h, 'abc')).toBeUndefined();
  });
});

describe('known edges of the rules (see the report on src/rollback/plan.ts)', () => {
  // The loop guard counts every rollback in the history, also ones older than the candidate: a version
  // rolled back from once and later redeployed fine (the same commit after an infrastructure fix, say) is
  // passed over for ever, and the plan goes further back than the last good release.
  it('a version redeployed after its rollback is a candidate again', () => {
    const h = history(
      { version: 'v5', states: LIVE },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED, rollbackFrom: 'v3' },
      { version: 'v3', states: SUPERSEDED },
      { version: 'v2', states: SUPERSEDED },
    );
    expect(planRollback(h).target).toBe(h[1]);
  });

  // A job with `environment:` makes GitHub create a deployment of its own in that environment (creator
  // github-actions[bot], no deploy-kit record, open while the job runs). In a manual rollback job it is the
  // newest deployment, so the plan takes it for the current one and picks the release that is live.
  it("GitHub's own open deployment for the rollback job is not taken for the current one", () => {
    const h = history(
      { version: 'job', states: ['queued', 'in_progress'], foreign: true },
      { version: 'v3', states: LIVE },
      { version: 'v2', states: SUPERSEDED },
    );
    const plan = planRollback(h);
    expect(versionOf(plan.target)).toBe('v2');
  });
});
