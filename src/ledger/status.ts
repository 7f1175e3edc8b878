// What is live in each environment and what happened there lately, read from a ledger (`deploy-kit status`).
// Pure: a Ledger in, plain data out; the CLI formats it as a table or JSON.
import { redactUrl } from '../http/safe-url.js';
import {
  type DeploymentEntry,
  type DeploymentState,
  type Ledger,
  OPEN_STATES,
  type ReleaseRecord,
  versionOf,
} from './types.js';

export const DEFAULT_STATUS_LIMIT = 10;
/** How far back the live deployment is looked for: one GitHub page, whatever the history limit. */
const LIVE_SEARCH = 100;

/** deploy-kit's deploys and rollbacks; `other` is a deployment something else made (GitHub's job ones, Vercel…). */
export type DeploymentKind = 'deploy' | 'rollback' | 'other';

export interface DeploymentSummary {
  id: string;
  kind: DeploymentKind;
  /** The recorded version, or the short commit for others' deployments. */
  version: string;
  sha: string;
  ref: string;
  /** The latest status's state. */
  state: DeploymentState;
  /** When the deployment was made. */
  createdAt: string;
  /** When its latest status was written (went live, failed, was replaced); createdAt when it has none. */
  updatedAt: string;
  /** Who: the recorded actor, else the deployment's creator. */
  actor?: string;
  /** The workflow run that made it. */
  run?: { id: string; attempt: string; url: string; workflow: string };
  /** The environment URL of its newest status that gave one. */
  url?: string;
  /** The latest status's description ("1.4.0 is live", "deploy command failed (exit code 1)", …). */
  description?: string;
  /** On a rollback: what it rolled back from, and why. */
  rollback?: { fromDeploymentId: string; fromVersion: string; reason: string };
}

export interface LiveDeployment extends DeploymentSummary {
  /** When it went live: the time of its success status. */
  since: string;
}

export interface EnvironmentStatus {
  environment: string;
  /**
   * What is live: the newest deploy-kit deployment whose latest status is success; in an environment
   * deploy-kit never deployed to, the newest such deployment of any kind. Undefined when none was found.
   */
  live?: LiveDeployment;
  /** Deployments newer than the live one still in progress (pending, queued, in_progress). */
  inProgress: DeploymentSummary[];
  /** The newest deployments, newest first, at most `limit`. */
  history: DeploymentSummary[];
  /** How many deployments were read to find the live one and the history. */
  read: number;
}

export interface LedgerStatus {
  ledger: Ledger['kind'];
  environments: EnvironmentStatus[];
}

export interface StatusOptions {
  /** Only these environments, in this order; every environment that has deployments when undefined or empty. */
  environments?: string[];
  /** History entries per environment (default 10). */
  limit?: number;
}

/** Summarises one deployment as `deploy-kit status` shows it. */
export function summarize(entry: DeploymentEntry): DeploymentSummary {
  const record: ReleaseRecord | undefined = entry.record;
  const recorded = entry.statuses.find((status) => status.environmentUrl)?.environmentUrl;
  // An older record may hold a URL with its credentials: never shown.
  const url = recorded === undefined ? undefined : redactUrl(recorded);
  const latest = entry.statuses[0];
  const description = latest?.description ?? entry.description;
  const actor = record?.actor || entry.creator;
  return {
    id: entry.id,
    kind: record?.rollback ? 'rollback' : record ? 'deploy' : 'other',
    version: versionOf(entry),
    sha: entry.sha,
    ref: entry.ref,
    state: entry.state,
    createdAt: entry.createdAt,
    updatedAt: latest?.createdAt ?? entry.createdAt,
    ...(actor ? { actor } : {}),
    ...(record?.run ? { run: { ...record.run } } : {}),
    ...(url ? { url } : {}),
    ...(description ? { description } : {}),
    ...(record?.rollback ? { rollback: { ...record.rollback } } : {}),
  };
}

/** The live deployment among an environment's deployments (newest first), as `EnvironmentStatus.live` says. */
export function findLive(history: DeploymentEntry[]): DeploymentEntry | undefined {
  const succeeded = history.filter((entry) => entry.state === 'success');
  return succeeded.find((entry) => entry.record !== undefined) ?? succeeded[0];
}

/** One environment's status from its deployments, newest first. */
export function environmentStatus(
  environment: string,
  history: DeploymentEntry[],
  limit: number = DEFAULT_STATUS_LIMIT,
): EnvironmentStatus {
  const live = findLive(history);
  const liveId = live ? Number(live.id) : Number.NEGATIVE_INFINITY;
  const inProgress = history.filter(
    (entry) => OPEN_STATES.includes(entry.state) && (live === undefined || Number(entry.id) > liveId),
  );
  const since = live?.statuses.find((status) => status.state === 'success')?.createdAt ?? live?.createdAt;
  return {
    environment,
    ...(live ? { live: { ...summarize(live), since: since ?? live.createdAt } } : {}),
    inProgress: inProgress.map(summarize),
    history: history.slice(0, Math.max(0, limit)).map(summarize),
    read: history.length,
  };
}

/**
 * Reads what is live in each environment and its recent history. Costs one ledger read per environment
 * (one GraphQL call each on GitHub), plus one to list the environments when none are named.
 */
export async function readStatus(ledger: Ledger, options: StatusOptions = {}): Promise<LedgerStatus> {
  const limit = options.limit ?? DEFAULT_STATUS_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`status: the history limit must be a whole number of at least 1, got ${limit}`);
  }
  const named = [...new Set(options.environments ?? [])];
  const environments = named.length > 0 ? named : await ledger.environments();
  const result: EnvironmentStatus[] = [];
  // One after the other: GitHub asks API clients not to send requests concurrently.
  for (const environment of environments) {
    const history = await ledger.history(environment, { limit: Math.max(limit, LIVE_SEARCH) });
    result.push(environmentStatus(environment, history, limit));
  }
  return { ledger: ledger.kind, environments: result };
}
