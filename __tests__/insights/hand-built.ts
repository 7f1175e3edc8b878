// Hand-built ledgers for the insights tests: deployments with their statuses at given times, no I/O.

import type { CommitGraph } from '../../src/insights/commit-graph.js';
import type { DeploymentEntry, DeploymentState, ReleaseRecord } from '../../src/ledger/types.js';

export const T0 = Date.parse('2026-03-02T00:00:00Z');
const HOUR = 3_600_000;

/** An ISO time `hours` after T0. */
export function at(hours: number): string {
  return new Date(T0 + hours * HOUR).toISOString();
}

export interface Spec {
  id: number;
  version: string;
  sha?: string;
  /** Hours after T0. */
  created: number;
  /** [state, hours after T0, description?], oldest first. */
  statuses?: [DeploymentState, number, string?][];
  rollback?: { from: number; reason: string };
  /** A deployment something else made (no deploy-kit record). */
  foreign?: boolean;
}

export function deployment(spec: Spec): DeploymentEntry {
  const sha = spec.sha ?? shaOf(spec.version);
  const record: ReleaseRecord = {
    version: spec.version,
    sha,
    ref: 'main',
    actor: 'mona',
    ...(spec.rollback
      ? {
          rollback: {
            fromDeploymentId: String(spec.rollback.from),
            fromVersion: '?',
            reason: spec.rollback.reason,
          },
        }
      : {}),
  };
  const statuses = (spec.statuses ?? [])
    .map(([state, hours, description]) => ({
      state,
      createdAt: at(hours),
      ...(description ? { description } : {}),
    }))
    .reverse();
  return {
    id: String(spec.id),
    environment: 'production',
    task: 'deploy',
    sha,
    ref: 'main',
    createdAt: at(spec.created),
    payload: spec.foreign ? {} : { 'deploy-kit': record },
    ...(spec.foreign ? {} : { record }),
    statuses,
    state: statuses[0]?.state ?? 'pending',
  };
}

/** A made-up 40-character sha for a version. */
export function shaOf(name: string): string {
  let hex = '';
  for (const char of name) hex += char.charCodeAt(0).toString(16);
  return hex.padEnd(40, '0').slice(0, 40);
}

/** A linear history: each commit [name, hours after T0] has the one before as its parent. */
export function linearGraph(commits: [string, number][]): CommitGraph {
  const map: CommitGraph['commits'] = new Map();
  let parent: string | undefined;
  for (const [name, hours] of commits) {
    map.set(shaOf(name), { committedAt: at(hours), parents: parent ? [parent] : [] });
    parent = shaOf(name);
  }
  return { commits: map, describe: 'hand-built', missing: [] };
}
