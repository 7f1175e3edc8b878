// Hand-built histories (newest first, statuses newest first) and observations for the watch's tests.
import type { DeploymentEntry, DeploymentState } from '../../src/ledger/types.js';
import type { Observation, SideObservation } from '../../src/metrics/types.js';

export interface Spec {
  id: string;
  version: string;
  /** [state, ISO time], oldest first. */
  statuses: [DeploymentState, string][];
  rollbackFrom?: { id: string; version: string; reason: string };
}

export function entry(spec: Spec): DeploymentEntry {
  const statuses = spec.statuses.map(([state, createdAt]) => ({ state, createdAt })).reverse();
  return {
    id: spec.id,
    environment: 'production',
    task: spec.rollbackFrom ? 'deploy:rollback' : 'deploy',
    sha: 'a'.repeat(40),
    ref: 'main',
    createdAt: spec.statuses[0]?.[1] ?? '2026-03-01T00:00:00Z',
    payload: {},
    record: {
      version: spec.version,
      sha: 'a'.repeat(40),
      ref: 'main',
      actor: 'alice',
      ...(spec.rollbackFrom
        ? {
            rollback: {
              fromDeploymentId: spec.rollbackFrom.id,
              fromVersion: spec.rollbackFrom.version,
              reason: spec.rollbackFrom.reason,
            },
          }
        : {}),
    },
    statuses,
    state: statuses[0]?.state ?? 'pending',
  };
}

/** Oldest first in, newest first out (as a ledger answers). */
export function history(...specs: Spec[]): DeploymentEntry[] {
  return specs.map(entry).reverse();
}

export const HOUR = 3_600_000;
export const T0 = Date.parse('2026-03-01T10:00:00.000Z');
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export function side(requests: number, errors: number, latencyMs: number[] = []): SideObservation {
  return { requests, errors, latencyMs };
}

export function observation(baseline: SideObservation, canary: SideObservation): Observation {
  return { baseline, canary, notes: [] };
}
