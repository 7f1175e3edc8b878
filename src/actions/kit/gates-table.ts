// The gates as one Markdown table: preflight-gates' job summary and check run, and the root release
// action's summary when the gates stopped it.
import { formatDuration } from '../../common/durations.js';
import type { GatesReport, GateVerdict } from '../../gates/types.js';
import { table } from './markdown.js';

export const GATE_VERDICT: Record<GateVerdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ not evaluated',
  skipped: '➖ skipped',
};

/** One row per gate: gate, verdict, detail, time taken. */
export function gatesTable(report: GatesReport): string {
  return table(
    ['Gate', 'Verdict', 'Detail', 'Time'],
    report.gates.map((gate) => [
      gate.gate,
      GATE_VERDICT[gate.verdict],
      gate.override ? `${gate.detail} (override recorded)` : gate.detail,
      formatDuration(gate.durationMs),
    ]),
  );
}
