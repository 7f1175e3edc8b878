// The gates table preflight-gates and the release show alike.
import { describe, expect, it } from 'vitest';
import { gatesTable } from '../../../src/actions/kit/gates-table.js';
import type { GatesReport } from '../../../src/gates/types.js';

describe('gatesTable', () => {
  it('has one row per gate: its verdict in words, the detail (an override said), the time', () => {
    const report = {
      gates: [
        { gate: 'branch', verdict: 'pass', detail: 'main is allowed', durationMs: 3 },
        { gate: 'freeze', verdict: 'fail', detail: 'in launch', durationMs: 1500, override: 'hotfix' },
        { gate: 'checks', verdict: 'error', detail: 'GitHub refused | 403', durationMs: 61_000 },
      ],
    } as unknown as GatesReport;
    const lines = gatesTable(report).split('\n');
    expect(lines[0]).toBe('| Gate | Verdict | Detail | Time |');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^\| branch \| ✅ pass \| main is allowed \| /);
    expect(lines[3]).toMatch(/^\| freeze \| ❌ fail \| in launch \(override recorded\) \| /);
    expect(lines[4]).toMatch(/^\| checks \| ⚠️ not evaluated \| GitHub refused \\\| 403 \| /);
  });
});
