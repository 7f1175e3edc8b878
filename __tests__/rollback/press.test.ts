// One rollback per press, rule by rule, over hand-built histories with the times GitHub would record.
import { describe, expect, it } from 'vitest';
import type { DeploymentEntry, DeploymentState } from '../../src/ledger/types.js';
import {
  answeredBy,
  liveAtPress,
  type Press,
  wentBefore,
  withoutRollbacksInFlight,
} from '../../src/rollback/press.js';

interface Spec {
  id: number;
  version: string;
  /** [state, time] oldest first; times are seconds after 10:00:00 on GitHub (whole seconds). */
  statuses: [DeploymentState, number][];
  rollbackFrom?: number;
  run?: string;
}

const at = (second: number) =>
  new Date(Date.UTC(2026, 2, 1, 10, 0, second)).toISOString().replace('.000Z', 'Z');

function history(...specs: Spec[]): DeploymentEntry[] {
  return specs
    .map((spec) => {
      const statuses = spec.statuses.map(([state, time]) => ({ state, createdAt: at(time) })).reverse();
      const record = {
        version: spec.version,
        sha: 'a'.repeat(40),
        ref: 'main',
        actor: 'alice',
        ...(spec.run
          ? {
              run: {
                id: spec.run,
                attempt: '1',
                url: `https://github.com/o/r/actions/runs/${spec.run}`,
                workflow: 'rollback',
              },
            }
          : {}),
        ...(spec.rollbackFrom !== undefined
          ? { rollback: { fromDeploymentId: String(spec.rollbackFrom), fromVersion: 'v3', reason: 'broken' } }
          : {}),
      };
      return {
        id: String(spec.id),
        environment: 'production',
        task: spec.rollbackFrom !== undefined ? 'deploy:rollback' : 'deploy',
        sha: record.sha,
        ref: 'main',
        createdAt: at(spec.statuses[0]?.[1] ?? 0),
        payload: { 'deploy-kit': record },
        record,
        statuses,
        state: statuses[0]?.state ?? 'pending',
      };
    })
    .sort((a, b) => Number(b.id) - Number(a.id));
}

const press = (second: number): Press => ({ at: at(second), source: 'test' });
const V2: Spec = {
  id: 2,
  version: 'v2',
  statuses: [
    ['in_progress', 1],
    ['success', 2],
    ['inactive', 10],
  ],
};
const V3: Spec = {
  id: 3,
  version: 'v3',
  statuses: [
    ['in_progress', 10],
    ['success', 10],
  ],
};

describe('wentBefore', () => {
  it('compares whole seconds when either time is whole seconds, a status in the press second counting as after', () => {
    expect(wentBefore('2026-03-01T10:00:04Z', '2026-03-01T10:00:05Z')).toBe(true);
    expect(wentBefore('2026-03-01T10:00:05Z', '2026-03-01T10:00:05.900Z')).toBe(false);
    expect(wentBefore('2026-03-01T10:00:05.100Z', '2026-03-01T10:00:05Z')).toBe(false);
    expect(wentBefore('2026-03-01T10:00:05Z', '2026-03-01T10:00:05.900Z', 'before')).toBe(true);
    expect(wentBefore('2026-03-01T10:00:06Z', '2026-03-01T10:00:05.900Z', 'before')).toBe(false);
  });

  it('compares to the millisecond when both times carry them (the file ledger and the step start)', () => {
    expect(wentBefore('2026-03-01T10:00:05.100Z', '2026-03-01T10:00:05.900Z')).toBe(true);
    expect(wentBefore('2026-03-01T10:00:05.900Z', '2026-03-01T10:00:05.100Z')).toBe(false);
  });
});

describe('liveAtPress', () => {
  it('is the newest deployment that had gone live before the press', () => {
    const h = history(V2, V3, {
      id: 4,
      version: 'v2',
      statuses: [
        ['in_progress', 20],
        ['success', 24],
      ],
      rollbackFrom: 3,
    });
    const ids = (second: number) => liveAtPress(h, press(second)).map((entry) => entry.id);
    expect(ids(15)).toEqual(['3']);
    expect(ids(25)).toEqual(['4']);
    expect(ids(5)).toEqual(['2']);
    expect(ids(1)).toEqual([]);
    // Went live in the press's own second: either side of the press, both readings.
    expect(ids(24)).toEqual(['4', '3']);
    expect(ids(10)).toEqual(['3', '2']);
    expect(ids(2)).toEqual(['2']);
  });

  it('is the deployment named when the caller knows what it rolls back, whatever the clocks say', () => {
    // The release's own rollback: its deploy, smoke test and an earlier rollback can share one second.
    const h = history(V2, V3, {
      id: 4,
      version: 'v2',
      statuses: [
        ['in_progress', 10],
        ['success', 10],
      ],
      rollbackFrom: 3,
    });
    const ids = (from: string) => liveAtPress(h, { ...press(10), from }).map((entry) => entry.id);
    expect(ids('4')).toEqual(['4']);
    expect(ids('3')).toEqual(['3']);
    expect(ids('9')).toEqual([]);
    // A rollback of 3 already stands, so a second rollback of 3 is answered; a rollback of 4 is not.
    expect(answeredBy(h, { ...press(10), from: '3' }, 'production')?.rollback.id).toBe('4');
    expect(answeredBy(h, { ...press(10), from: '4' }, 'production')).toBeUndefined();
  });

  it('passes over deployments that failed', () => {
    const h = history(V2, V3, {
      id: 4,
      version: 'v4',
      statuses: [
        ['in_progress', 12],
        ['failure', 13],
      ],
    });
    expect(liveAtPress(h, press(20)).map((entry) => entry.id)).toEqual(['3']);
  });
});

describe('answeredBy', () => {
  const rollback: Spec = {
    id: 4,
    version: 'v2',
    statuses: [
      ['in_progress', 20],
      ['success', 24],
    ],
    rollbackFrom: 3,
    run: '501',
  };

  it('names the run whose rollback of what was live at the press went live', () => {
    const answered = answeredBy(history(V2, V3, rollback), press(21), 'production');
    expect(answered?.rollback.id).toBe('4');
    expect(answered?.live.id).toBe('3');
    expect(answered?.message).toBe(
      `production was already rolled back from v3 (deployment 3, live when this rollback was asked for at ${at(21)}) to v2 by deployment 4 (https://github.com/o/r/actions/runs/501, alice): nothing to do, no second step back`,
    );
  });

  it('still answers when a deploy went live after that rollback: nobody asked to roll that one back', () => {
    const v4: Spec = {
      id: 5,
      version: 'v4',
      statuses: [
        ['in_progress', 25],
        ['success', 26],
      ],
    };
    expect(answeredBy(history(V2, V3, rollback, v4), press(21), 'production')?.rollback.id).toBe('4');
  });

  it('answers a press in the very second the deployment it rolls back went live', () => {
    const v3Late: Spec = {
      id: 3,
      version: 'v3',
      statuses: [
        ['in_progress', 20],
        ['success', 21],
      ],
    };
    const after: Spec = {
      ...rollback,
      statuses: [
        ['in_progress', 22],
        ['success', 23],
      ],
    };
    expect(answeredBy(history(V2, v3Late, after), press(21), 'production')?.live.id).toBe('3');
  });

  it('answers when the deployment and its rollback both went live in the press second', () => {
    const v3Late: Spec = {
      id: 3,
      version: 'v3',
      statuses: [
        ['in_progress', 20],
        ['success', 21],
      ],
    };
    const quick: Spec = {
      ...rollback,
      statuses: [
        ['in_progress', 21],
        ['success', 21],
      ],
    };
    expect(liveAtPress(history(V2, v3Late, quick), press(21)).map((e) => e.id)).toEqual(['4', '3', '2']);
    expect(answeredBy(history(V2, v3Late, quick), press(21), 'production')?.live.id).toBe('3');
  });

  it('answers a press in the very second the rollback went live: the same press, never a second step back', () => {
    expect(answeredBy(history(V2, V3, rollback), press(24), 'production')?.rollback.id).toBe('4');
  });

  it('does not answer a press made after that rollback went live: a deliberate second step back', () => {
    expect(answeredBy(history(V2, V3, rollback), press(25), 'production')).toBeUndefined();
  });

  it('does not answer with a rollback still at work, one that failed, or the run own one', () => {
    const working: Spec = { ...rollback, statuses: [['in_progress', 20]] };
    const failed: Spec = {
      ...rollback,
      statuses: [
        ['in_progress', 20],
        ['failure', 22],
      ],
    };
    expect(answeredBy(history(V2, V3, working), press(21), 'production')).toBeUndefined();
    expect(answeredBy(history(V2, V3, failed), press(21), 'production')).toBeUndefined();
    expect(answeredBy(history(V2, V3, rollback), press(21), 'production', '4')).toBeUndefined();
  });

  it('does not answer with a rollback of another deployment', () => {
    const ofV2: Spec = { ...rollback, rollbackFrom: 2 };
    expect(answeredBy(history(V2, V3, ofV2), press(21), 'production')).toBeUndefined();
  });

  it('answers nothing when nothing was live at the press', () => {
    expect(answeredBy(history(rollback), press(21), 'production')).toBeUndefined();
  });
});

describe('withoutRollbacksInFlight', () => {
  it('plans without other runs’ rollbacks of the same deployment still at work, and lists them', () => {
    const working: Spec = { id: 4, version: 'v2', statuses: [['in_progress', 20]], rollbackFrom: 3 };
    const h = history(V2, V3, working);
    const { history: planning, inFlight } = withoutRollbacksInFlight(h, press(21));
    expect(planning.map((e) => e.id)).toEqual(['3', '2']);
    expect(inFlight.map((e) => e.id)).toEqual(['4']);
    expect(withoutRollbacksInFlight(h, press(21), '4').inFlight).toEqual([]);
  });

  it('keeps open deploys, and rollbacks of another deployment', () => {
    const deploying: Spec = { id: 4, version: 'v4', statuses: [['in_progress', 20]] };
    const otherRollback: Spec = { id: 5, version: 'v1', statuses: [['in_progress', 20]], rollbackFrom: 2 };
    const h = history(V2, V3, deploying, otherRollback);
    expect(withoutRollbacksInFlight(h, press(21))).toEqual({ history: h, inFlight: [] });
  });
});
