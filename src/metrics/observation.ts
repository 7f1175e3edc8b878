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
