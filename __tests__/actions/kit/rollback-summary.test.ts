// A rollback in Markdown: the plan, the outcome with the history after it, a no-op naming who answered.
import { describe, expect, it } from 'vitest';
import { dryRunSummary, noOpSummary, outcomeSummary } from '../../../src/actions/kit/rollback-summary.js';
import type { DeployOutcome } from '../../../src/deploy/deploy.js';
import type { DeploymentEntry, DeploymentState } from '../../../src/ledger/types.js';
import { RollbackNoOp, type RollbackPlan } from '../../../src/rollback/plan.js';

function entry(id: string, version: string, states: DeploymentState[], url?: string): DeploymentEntry {
  const record = { version, sha: id.repeat(40).slice(0, 40), ref: 'main', actor: 'bob' };
  const statuses = [...states]
    .reverse()
    .map((state) => ({ state, createdAt: '2026-03-01T10:00:00Z', ...(url ? { environmentUrl: url } : {}) }));
  return {
    id,
    environment: 'production',
    task: 'deploy',
    sha: record.sha,
    ref: 'main',
    createdAt: '2026-03-01T10:00:00Z',
    payload: {},
    record,
    statuses,
    state: statuses[0]!.state,
  };
}

const v1 = entry('1', 'v1', ['success', 'inactive'], 'https://user:secret@app.example.com/');
const v2 = entry('2', 'v2', ['success']);
const plan: RollbackPlan = {
  current: v2,
  live: v2,
  target: v1,
  why: 'the newest earlier good one',
  skipped: [],
};

describe('rollback summaries', () => {
  it('shows the plan of a dry run, never a URL credential', () => {
    const markdown = dryRunSummary('production', plan, [v2, v1], 'alice', 'v2 broke', ['file ledger x']);
    expect(markdown).toMatch(/^### 🧪 Rollback plan for production \(dry run: nothing changed\)/);
    expect(markdown).toContain('| Rolling back to | v1 (deployment 1) |');
    expect(markdown).toContain('| Why | v2 broke |');
    expect(markdown).not.toContain('secret');
    expect(markdown).toContain('⬅ target');
  });

  it('shows the outcome and the history after it: the new deployment on top, what it replaced inactive', () => {
    const deployment = entry('3', 'v1', ['success']);
    const outcome = {
      result: 'success',
      deployment,
      lastLines: [],
      deactivated: ['2'],
      abandoned: [],
      durationMs: 1200,
      waitedMs: 0,
    } as DeployOutcome;
    const markdown = outcomeSummary('production', plan, [v2, v1], outcome, 'alice', 'v2 broke', []);
    expect(markdown).toMatch(/^### .* Rollback of production: v2 → v1 \(success\)/);
    expect(markdown).toContain('| Live now | v1 (deployment 3) |');
    const rows = markdown.split('\n').filter((line) => /^\| [123] \|/.test(line));
    expect(rows.map((row) => row.split(' | ').slice(0, 5).join(' | '))).toEqual([
      '| 3 | v1 | 3333333 | deploy | success',
      '| 2 | v2 | 2222222 | deploy | inactive',
      '| 1 | v1 | 1111111 | deploy | inactive',
    ]);
  });

  it('says nothing was done when what was asked is live already, and whose run it was', () => {
    const markdown = noOpSummary('production', new RollbackNoOp('v1 is live already', v1), 'alice', []);
    expect(markdown).toMatch(/^### .* Rollback of production: nothing to do/);
    expect(markdown).toContain('v1 is live already');
    expect(markdown).toContain("| This run's deployment | none made |");
  });
});
