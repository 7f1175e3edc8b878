// Lead time: each commit from its commit time to the first delivery that had it; the baseline's commits, a
// redeploy and a rollback bring none; merges bring the branch's commits; the first deployment on record
// counts only its own commit.
import { describe, expect, it } from 'vitest';
import type { CommitGraph } from '../../src/insights/commit-graph.js';
import { commitLeads, leadTime } from '../../src/insights/lead-time.js';
import { sortRecord } from '../../src/insights/record.js';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import { at, deployment, linearGraph, shaOf } from './hand-built.js';

const period = { since: at(0), until: at(24 * 30) };
const HOUR = 3_600_000;
const sorted = (history: DeploymentEntry[]) => sortRecord('production', period, history, 'file');

describe('commitLeads', () => {
  const graph = linearGraph([
    ['a', -30],
    ['b', -20],
    ['c', 1],
    ['d', 2],
    ['e', 10],
  ]);

  it("counts the commits after the baseline's, each to the first delivery that had it", () => {
    const record = sorted([
      deployment({ id: 1, version: 'b', created: -19, statuses: [['success', -18]] }),
      deployment({ id: 2, version: 'd', created: 3, statuses: [['success', 4]] }),
      deployment({ id: 3, version: 'd', created: 5, statuses: [['success', 6]] }),
      deployment({ id: 4, version: 'e', created: 11, statuses: [['success', 12]] }),
      deployment({
        id: 5,
        version: 'd',
        created: 13,
        statuses: [['success', 14]],
        rollback: { from: 4, reason: 'x' },
      }),
    ]);
    const leads = commitLeads(record, graph);
    expect(leads.map((l) => [l.sha, l.deploymentId, l.leadMs / HOUR])).toEqual([
      [shaOf('d'), '2', 2],
      [shaOf('c'), '2', 3],
      [shaOf('e'), '4', 2],
    ]);
    expect(leadTime(leads, graph)).toMatchObject({
      commits: 3,
      medianMs: 2 * HOUR,
      p90Ms: 3 * HOUR,
      band: 'elite',
    });
  });

  it('counts only its own commit for the first deployment on record', () => {
    const record = sorted([
      deployment({ id: 1, version: 'c', created: 2, statuses: [['success', 3]] }),
      deployment({ id: 2, version: 'e', created: 20, statuses: [['success', 34]] }),
    ]);
    expect(commitLeads(record, graph).map((l) => [l.sha, l.leadMs / HOUR])).toEqual([
      [shaOf('c'), 2],
      [shaOf('e'), 24],
      [shaOf('d'), 32],
    ]);
  });

  it('follows merges: the branch commits arrive with the merge', () => {
    const merged: CommitGraph = {
      commits: new Map([
        [shaOf('base'), { committedAt: at(-10), parents: [] }],
        [shaOf('feat1'), { committedAt: at(-48), parents: [shaOf('base')] }],
        [shaOf('main2'), { committedAt: at(1), parents: [shaOf('base')] }],
        [shaOf('merge'), { committedAt: at(2), parents: [shaOf('main2'), shaOf('feat1')] }],
      ]),
      describe: 'hand-built',
      missing: [],
    };
    const record = sorted([
      deployment({ id: 1, version: 'base', created: -9, statuses: [['success', -9]] }),
      deployment({ id: 2, version: 'merge', created: 3, statuses: [['success', 4]] }),
    ]);
    const leads = commitLeads(record, merged);
    expect(new Map(leads.map((l) => [l.sha, l.leadMs / HOUR]))).toEqual(
      new Map([
        [shaOf('merge'), 2],
        [shaOf('main2'), 3],
        [shaOf('feat1'), 52],
      ]),
    );
  });

  it('has no band without commits, and names where the history came from', () => {
    expect(leadTime([], linearGraph([]))).toEqual({
      commits: 0,
      history: 'hand-built',
      why: 'no commit reached the environment in the period',
    });
  });
});
