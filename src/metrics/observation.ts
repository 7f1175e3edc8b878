// What both counting sources (Prometheus, http-json) do to a side's counts before judging them.
import type { Side, SideObservation } from './types.js';

/**
 * Caps a side's errors at its requests, noting it: counters scraped a moment apart, or an error rate
 * rounded up, can report more errors than requests, and a share above 1 would break the error test.
 */
export function capErrorsAtRequests(side: Side, observation: SideObservation, notes: string[]): void {
  if (observation.errors <= observation.requests) return;
  notes.push(
    `${side}: ${observation.errors} errors but ${observation.requests} requests; errors capped at the requests`,
  );
  observation.errors = observation.requests;
}

/** Requests counted per latency bin: `upperMs` is the bin's upper bound (Infinity for the last, open one). */
export interface LatencyBin {
  upperMs: number;
  count: number;
}

/**
 * A binned distribution as samples: each request at its bin's upper bound, the open last bin at twice the
 * last finite bound (only the order matters to the rank test, which takes the ties with its correction).
 */
export function binnedLatencies(bins: readonly LatencyBin[]): number[] {
  const sorted = [...bins].sort((a, b) => a.upperMs - b.upperMs);
  const lastFinite = sorted.filter((bin) => Number.isFinite(bin.upperMs)).at(-1)?.upperMs ?? 1;
  const samples: number[] = [];
  for (const { upperMs, count } of sorted) {
    const value = Number.isFinite(upperMs) ? upperMs : 2 * lastFinite;
    for (let i = 0; i < Math.max(0, Math.round(count)); i++) samples.push(value);
  }
  return samples;
}
