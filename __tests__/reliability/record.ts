// Counts the reliability tests measured, as JSON lines appended to $DEPLOY_KIT_RELIABILITY_LOG when it is
// set, so docs/RELIABILITY.md states what the run did rather than what someone typed.
import { appendFileSync } from 'node:fs';

export type Concern =
  | 'faults'
  | 'cancellation'
  | 'hostile-input'
  | 'secrets'
  | 'races'
  | 'press-together'
  | 'workflows'
  | 'supply-chain'
  | 'hard-crash';

export interface Measurement {
  concern: Concern;
  action?: string;
  /** What was done: a fault kind, a phase, an input name, a workflow file… */
  what: string;
  /** Faults injected, inputs tried, races run, cancellations, files scanned… */
  count: number;
  /** How many of those ended in the expected, clean state (recorded only after the assertions passed). */
  survived?: number;
  /** Bundle runs this took. */
  runs?: number;
  note?: string;
}

export const RELIABILITY_LOG_VARIABLE = 'DEPLOY_KIT_RELIABILITY_LOG';

export function measure(measurement: Measurement): void {
  const file = process.env[RELIABILITY_LOG_VARIABLE];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ ...measurement, at: new Date().toISOString() })}\n`);
}
