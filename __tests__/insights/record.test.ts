// Reading the record: what each deployment counts as (change, redeploy, rollback), what is not counted and
// why (in progress, never live, not deploy-kit's), the baseline, and reading no further back than needed.
import { describe, expect, it } from 'vitest';
import { readRecord, sortRecord } from '../../src/insights/record.js';
import type { DeploymentEntry, HistoryPage, Ledger } from '../../src/ledger/types.js';
import { at, deployment } from './hand-built.js';

const period = { since: at(0), until: at(24 * 30) };

describe('sortRecord', () => {
  it('tells changes, redeploys of the live version and rollbacks apart, in the order they went live', () => {
    const record = sortRecord(
      'production',
      period,
      [
        deployment({
          id: 1,
          version: '1.0',
          created: 1,
          statuses: [
            ['in_progress', 1],
            ['success', 2],
          ],
        }),
        deployment({ id: 2, version: '1.0', created: 3, statuses: [['success', 4]] }),
        deployment({ id: 3, version: '1.1', created: 5, statuses: [['success', 6]] }),
        deployment({
          id: 4,
          version: '1.0',
          created: 7,
          statuses: [['success', 8]],
          rollback: { from: 3, reason: 'broken' },
        }),
      ],
      'file',
    );
    expect(record.deliveries.map((d) => [d.id, d.kind, d.liveAt])).toEqual([
      ['1', 'change', at(2)],
      ['2', 'redeploy', at(4)],
      ['3', 'change', at(6)],
      ['4', 'rollback', at(8)],
    ]);
    expect(record.rollbacksStarted).toEqual([
      { id: '4', fromDeploymentId: '3', reason: 'broken', createdAt: at(7) },
    ]);
  });

  it('does not count deployments in progress, never live, or made by something else, and says which', () => {
    const record = sortRecord(
      'production',
      period,
      [
        deployment({ id: 1, version: '1.0', created: 1, statuses: [['in_progress', 1]] }),
        deployment({
          id: 2,
          version: '1.1',
          created: 2,
          statuses: [['failure', 3, 'deploy command failed']],
        }),
        deployment({ id: 3, version: '1.2', created: 3, foreign: true, statuses: [['success', 4]] }),
        deployment({ id: 4, version: '1.3', created: 4 }),
      ],
      'file',
    );
    expect(record.deliveries).toEqual([]);
    expect(record.notCounted).toEqual({ inProgress: ['1', '4'], neverLive: ['2'], notDeployKit: ['3'] });
  });

  it('keeps the last delivery before the period as the baseline, and none older', () => {
    const record = sortRecord(
      'production',
      period,
      [
        deployment({ id: 1, version: '0.8', created: -50, statuses: [['success', -49]] }),
        deployment({ id: 2, version: '0.9', created: -10, statuses: [['success', -9]] }),
        deployment({ id: 3, version: '1.0', created: 1, statuses: [['success', 2]] }),
      ],
      'file',
    );
    expect(record.baseline?.id).toBe('2');
    expect(record.deliveries.map((d) => d.id)).toEqual(['2', '3']);
  });

  it('counts a deployment from when it went live: one created before the period and live in it is in it', () => {
    const record = sortRecord(
      'production',
      period,
      [deployment({ id: 1, version: '1.0', created: -1, statuses: [['success', 1]] })],
      'file',
    );
    expect(record.baseline).toBeUndefined();
    expect(record.deliveries.map((d) => d.id)).toEqual(['1']);
  });

  it('records failure statuses written after a deployment went live', () => {
    const record = sortRecord(
      'production',
      period,
      [
        deployment({
          id: 1,
          version: '1.0',
          created: 1,
          statuses: [
            ['failure', 1.5, 'too early to count'],
            ['success', 2],
            ['error', 3, 'post-deploy check failed'],
          ],
        }),
      ],
      'file',
    );
    expect(record.deliveries[0]?.laterFailures).toEqual([
      { state: 'error', at: at(3), description: 'post-deploy check failed' },
    ]);
  });
});

describe('readRecord', () => {
  it('reads pages only until one reaches a delivery before the period', async () => {
    const pages: DeploymentEntry[][] = [
      [deployment({ id: 3, version: '1.2', created: 10, statuses: [['success', 11]] })],
      [deployment({ id: 2, version: '1.1', created: -5, statuses: [['success', -4]] })],
      [deployment({ id: 1, version: '1.0', created: -50, statuses: [['success', -49]] })],
    ];
    let read = 0;
    const ledger = {
      kind: 'github',
      async *historyPages(): AsyncGenerator<HistoryPage> {
        for (const [index, entries] of pages.entries()) {
          read += 1;
          yield { entries, more: index < pages.length - 1 };
        }
      },
    } as unknown as Ledger;
    const record = await readRecord(ledger, 'production', period);
    expect(read).toBe(2);
    expect(record.baseline?.id).toBe('2');
    expect(record.source).toEqual({ kind: 'github', deploymentsRead: 2 });
  });
});
