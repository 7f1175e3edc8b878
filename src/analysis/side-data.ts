// What one side (baseline or canary) brought over a step's looks: its valid latencies and its request and
// error counts, with what was dropped as invalid counted so the reason can say so.
import type { SideObservation } from '../metrics/types.js';

/** Latencies at or below this are taken as this for the log scale (a 0 ms latency has no log). */
export const LATENCY_FLOOR_MS = 0.001;

export class SideData {
  latencies: number[] = [];
  requests = 0;
  errors = 0;
  droppedLatencies = 0;
  zeroLatencies = 0;
  droppedWindows = 0;

  add(side: SideObservation): void {
    this.addCounts(side);
    if (side.latencyAggregate) return;
    for (const value of side.latencyMs) {
      if (!Number.isFinite(value) || value < 0) {
        this.droppedLatencies++;
        continue;
      }
      if (value <= LATENCY_FLOOR_MS) this.zeroLatencies++;
      this.latencies.push(value);
    }
  }

  private addCounts(side: SideObservation): void {
    const { requests, errors } = side;
    if (
      Number.isInteger(requests) &&
      Number.isInteger(errors) &&
      requests >= 0 &&
      errors >= 0 &&
      errors <= requests
    ) {
      this.requests += requests;
      this.errors += errors;
    } else if (!(requests === 0 && errors === 0)) {
      this.droppedWindows++;
    }
  }
}

export type Sides = Record<'baseline' | 'canary', SideData>;
