// Reading a rollback's history only as far as its plan needs: pages counted, the limit honoured and named.
import { describe, expect, it } from 'vitest';
import type { DeploymentEntry, DeploymentState, HistoryPage, Ledger } from '../../src/ledger/types.js';
import { answeredAfterTurn, HistoryReader, planFromHistory } from '../../src/rollback/history.js';
import { RollbackNoOp, RollbackRefused } from '../../src/rollback/plan.js';

const PRESS = { at: '2026-03-01T12:00:00Z', source: 'test' };

function entry(
  id: number,
  version: string,
  states: DeploymentState[],
  rollbackFrom?: number,
): DeploymentEntry {
  const statuses = [...states].reverse().map((state) => ({ state, createdAt: '2026-03-01T10:00:00Z' }));
  const record = {
    version,
    sha: String(id).padStart(40, '0'),
    ref: 'main',
    actor: 'alice',
    ...(rollbackFrom !== undefined
      ? { rollback: { fromDeploymentId: String(rollbackFrom), fromVersion: 'v?', reason: 'r' } }
      : {}),
  };
  return {
    id: String(id),
    environment: 'production',
    task: 'deploy',
    sha: record.sha,
    ref: 'main',
    createdAt: '2026-03-01T10:00:00Z',
    payload: { 'deploy-kit': record },
    record,
    statuses,
    state: statuses[0]?.state ?? 'pending',
  };
}

/** A v1 that went live, `failures` failed deploys after it, and a live v3 on top; newest first. */
function deepHistory(failures: number): DeploymentEntry[] {
  const entries = [entry(1, 'v1', ['success', 'inactive'])];
  for (let i = 0; i < failures; i++) entries.push(entry(2 + i, `v2.${i}`, ['failure']));
  entries.push(entry(2 + failures, 'v3', ['success']));
  return entries.reverse();
}

/** A ledger that pages as the GitHub one does and counts its pages; `paged: false` reads all at once. */
function ledgerOf(all: DeploymentEntry[], paged = true): Ledger & { pagesRead: number; reads: number } {
  const ledger = {
    kind: 'github' as const,
    pagesRead: 0,
    reads: 0,
    create: () => Promise.reject(new Error('not here')),
    setStatus: () => Promise.reject(new Error('not here')),
    get: () => Promise.resolve(undefined),
    environments: () => Promise.resolve(['production']),
    deactivate: () => Promise.resolve(),
    history: async (_env: string, options: { limit?: number } = {}) => {
      ledger.reads += 1;
      return all.slice(0, options.limit ?? all.length);
    },
    ...(paged
      ? {
          async *historyPages(_env: string, options: { limit?: number } = {}): AsyncGenerator<HistoryPage> {
            const limit = options.limit ?? Number.POSITIVE_INFINITY;
            for (let start = 0; start < Math.min(all.length, limit); start += 100) {
              ledger.pagesRead += 1;
              const end = Math.min(start + 100, limit);
              yield { entries: all.slice(start, end), more: end < all.length };
            }
          },
        }
      : {}),
  };
  return ledger;
}

describe('planFromHistory', () => {
  it('reads one page when the target is in it', async () => {
    const ledger = ledgerOf(deepHistory(10));
    const reader = new HistoryReader(ledger, 'production', 1000);
    const planned = await planFromHistory(reader, { press: PRESS });
    expect(planned.plan.target.id).toBe('1');
    expect(ledger.pagesRead).toBe(1);
    expect(planned.pages).toBe(1);
  });

  it('reads one more page at a time until it finds the target', async () => {
    const ledger = ledgerOf(deepHistory(250));
    const planned = await planFromHistory(new HistoryReader(ledger, 'production', 1000), { press: PRESS });
    expect(planned.plan.target.record?.version).toBe('v1');
    expect(ledger.pagesRead).toBe(3);
    expect(planned.history).toHaveLength(252);
  });

  it('finds a `to` a page back', async () => {
    const ledger = ledgerOf(deepHistory(150));
    const planned = await planFromHistory(new HistoryReader(ledger, 'production', 1000), {
      to: 'v1',
      press: PRESS,
    });
    expect(planned.plan.target.id).toBe('1');
    expect(ledger.pagesRead).toBe(2);
  });

  it('stops at the limit and says so, naming history-limit', async () => {
    const ledger = ledgerOf(deepHistory(150));
    const error = await planFromHistory(new HistoryReader(ledger, 'production', 120), {
      to: 'v1',
      press: PRESS,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollbackRefused);
    expect((error as Error).message).toBe(
      "'to' v1 names no deployment of this environment that reached success (looked for an id, a version and a commit in 120 deployments); the search stopped at the newest 120 deployments of production (history-limit): raise history-limit to look further back",
    );
    expect(ledger.pagesRead).toBe(2);
  });

  it('refuses without naming the limit when the whole history was read', async () => {
    const ledger = ledgerOf(deepHistory(150));
    const error = await planFromHistory(new HistoryReader(ledger, 'production', 1000), {
      to: 'v9',
      press: PRESS,
    }).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain('history-limit');
    expect(ledger.pagesRead).toBe(2);
  });

  it('does not read further for a refusal no older page can change', async () => {
    const ledger = ledgerOf(deepHistory(150));
    const error = await planFromHistory(new HistoryReader(ledger, 'production', 1000), {
      to: '140',
      press: PRESS,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('never reached success');
    expect(ledger.pagesRead).toBe(1);
  });

  it('reads a ledger without pages once, and still knows when the limit cut it', async () => {
    const ledger = ledgerOf(deepHistory(150), false);
    const error = await planFromHistory(new HistoryReader(ledger, 'production', 100), { press: PRESS }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('(history-limit)');
    expect(ledger.reads).toBe(1);
    const found = await planFromHistory(
      new HistoryReader(ledgerOf(deepHistory(150), false), 'production', 1000),
      {
        press: PRESS,
      },
    );
    expect(found.plan.target.id).toBe('1');
  });

  it('is a no-op when another run already rolled back what was live at the press', async () => {
    const all = [
      entry(4, 'v2', ['in_progress', 'success'], 3),
      ...deepHistory(1).slice(0, 1),
      entry(2, 'v2', ['success', 'inactive']),
    ];
    // v3 (3) went live at 10:00, the rollback (4) after the press at 12:00.
    all[0]!.statuses = [
      { state: 'success', createdAt: '2026-03-01T12:00:03Z' },
      { state: 'in_progress', createdAt: '2026-03-01T12:00:01Z' },
    ];
    const error = await planFromHistory(new HistoryReader(ledgerOf(all), 'production', 1000), {
      press: PRESS,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollbackNoOp);
    expect((error as RollbackNoOp).standing.id).toBe('4');
  });

  it('plans past another run’s rollback still at work, listing it', async () => {
    const all = [entry(4, 'v1', ['in_progress'], 2), ...deepHistory(0)];
    all[0]!.statuses = [{ state: 'in_progress', createdAt: '2026-03-01T12:00:01Z' }];
    const planned = await planFromHistory(new HistoryReader(ledgerOf(all), 'production', 1000), {
      press: PRESS,
    });
    expect(planned.plan.current.id).toBe('2');
    expect(planned.inFlight.map((e) => e.id)).toEqual(['4']);
  });
});

describe('answeredAfterTurn', () => {
  it('is the no-op once another run’s rollback of what was live at the press went live while this one waited', () => {
    const all = [
      entry(4, 'v2', ['in_progress'], 3),
      ...deepHistory(1).slice(0, 1),
      entry(2, 'v2', ['success', 'inactive']),
    ];
    all[0]!.statuses = [{ state: 'in_progress', createdAt: '2026-03-01T12:00:01Z' }];
    // Still at work when this run's turn came: nothing answered yet.
    expect(answeredAfterTurn(all, { press: PRESS }, 'production')).toBeUndefined();
    all[0]!.statuses = [
      { state: 'success', createdAt: '2026-03-01T12:00:03Z' },
      { state: 'in_progress', createdAt: '2026-03-01T12:00:01Z' },
    ];
    all[0]!.state = 'success';
    expect(answeredAfterTurn(all, { press: PRESS }, 'production')?.standing.id).toBe('4');
  });

  it('is the no-op when `to` is live already, and nothing when the plan would be refused for another reason', () => {
    const live = deepHistory(1);
    expect(answeredAfterTurn(live, { to: 'v3', press: PRESS }, 'production')?.standing.id).toBe('3');
    expect(answeredAfterTurn(live, { to: 'v9', press: PRESS }, 'production')).toBeUndefined();
  });
});
