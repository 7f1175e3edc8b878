// The ledger: an exact record of what was deployed where, read back by rollback, canary-promote and
// `deploy-kit status`. Providers: GitHub Deployments (github.ts) and a local JSON file (file.ts).

/** Every state a deployment status can have (GitHub's list), in lifecycle order. */
export const DEPLOYMENT_STATES = [
  'pending',
  'queued',
  'in_progress',
  'success',
  'failure',
  'error',
  'inactive',
] as const;

export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** States in which a deployment may still be changing what is live. */
export const OPEN_STATES: readonly DeploymentState[] = ['pending', 'queued', 'in_progress'];

/** deploy-kit's own record, kept in the deployment payload under `deploy-kit`. */
export interface ReleaseRecord {
  /** The label users know: image tag, build number, semantic version. */
  version: string;
  sha: string;
  ref: string;
  /** Key of the release bundle in the artifact store, when one was saved. */
  artifactKey?: string;
  /** The release bundle's path as the user gave it (relative to the workspace): the cache restores by path. */
  artifactPath?: string;
  previous?: { deploymentId: string; version: string; sha: string };
  run?: { id: string; attempt: string; url: string; workflow: string };
  actor: string;
  /** Present on a rollback's deployment. */
  rollback?: { fromDeploymentId: string; fromVersion: string; reason: string };
  /** One per `create` (the GitHub ledger sets it): a retried create finds what an unanswered attempt made. */
  requestKey?: string;
  /** Who holds the deployment's lease while it is open (see deploy/lease.ts). */
  holder?: LeaseHolder;
}

/** The process that holds an open deployment's lease. */
export interface LeaseHolder {
  /** The host name, for people. */
  host: string;
  /** This boot of this host in this process namespace: a pid means something only within it. */
  key: string;
  pid: number;
  /** The process's start time in clock ticks since boot (Linux): a reused pid is not the holder. */
  started?: string;
  /** github: an action on a GitHub runner (its workflow run can be asked about); cli: `deploy-kit` elsewhere. */
  via: 'github' | 'cli';
}

/** A lease renewal kept apart from the statuses (the file ledger): when, and the command's process group. */
export interface LeaseMark {
  renewedAt: string;
  pgid?: number;
}

export interface HistoryPage {
  entries: DeploymentEntry[];
  more: boolean;
}

export interface StatusEntry {
  state: DeploymentState;
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
  createdAt: string;
}

export interface DeploymentEntry {
  id: string;
  environment: string;
  task: string;
  sha: string;
  ref: string;
  createdAt: string;
  creator?: string;
  description?: string;
  payload: Record<string, unknown>;
  /** deploy-kit's record; undefined for deployments something else made. */
  record?: ReleaseRecord;
  /** Newest first. */
  statuses: StatusEntry[];
  /** The latest status's state, or pending when there is none. */
  state: DeploymentState;
  /** The last lease renewal, where the ledger keeps one apart from the statuses (the file ledger). */
  lease?: LeaseMark;
}

export interface CreateDeploymentRequest {
  environment: string;
  sha: string;
  ref: string;
  task: string;
  description?: string;
  /** The user's payload; the record is merged in under `deploy-kit`. */
  payload: Record<string, unknown>;
  record: ReleaseRecord;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
  /** undefined: GitHub's default (all contexts); [] skips the check. */
  requiredContexts?: string[];
  autoMerge: boolean;
}

export interface StatusUpdate {
  state: DeploymentState;
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
}

export interface Ledger {
  readonly kind: 'github' | 'file';
  create(request: CreateDeploymentRequest): Promise<DeploymentEntry>;
  setStatus(id: string, update: StatusUpdate): Promise<void>;
  /** The environment's deployments, newest first, each with its status history. */
  history(environment: string, options?: { limit?: number }): Promise<DeploymentEntry[]>;
  /**
   * The same history a page at a time, newest first, read only as far as the caller asks (the GitHub ledger:
   * one GraphQL call per page of 100), never past `limit` deployments. `more` says whether an older page exists.
   */
  historyPages?(
    environment: string,
    options?: { limit?: number },
  ): AsyncGenerator<HistoryPage, void, undefined>;
  get(id: string): Promise<DeploymentEntry | undefined>;
  /**
   * The environments that have deployments, sorted by name. The GitHub ledger finds them among the newest
   * `scan` deployments of all environments (default 1000, 100 per GraphQL call); the file ledger reads all.
   */
  environments(options?: { scan?: number }): Promise<string[]>;
  /** Marks these deployments inactive, one write each. */
  deactivate(ids: string[], description: string): Promise<void>;
  /**
   * Closes the deployments a retried create made besides this one (the GitHub ledger: GitHub applied an
   * attempt that got no answer); returns their ids. A ledger whose writes always answer has none.
   */
  sweepDuplicates?(id: string): Promise<string[]>;
  /**
   * Renews an open deployment's lease without a status (the file ledger: a renewed-at time, and the deploy
   * command's process group once known). A ledger without it renews with a fresh open status.
   */
  renew?(id: string, mark: { pgid?: number }): Promise<void>;
}

/** Where release bundles are kept so a rollback can redeploy the same bytes. */
export interface ArtifactStore {
  readonly kind: string;
  save(key: string, path: string): Promise<void>;
  /** false when the key is gone (evicted, never saved). */
  restore(key: string, path: string): Promise<boolean>;
}

export const RECORD_KEY = 'deploy-kit';

/** The label people know a deployment by: its recorded version, or the short commit for others' deployments. */
export function versionOf(entry: DeploymentEntry): string {
  return entry.record?.version ?? entry.sha.slice(0, 7);
}

/** Reads deploy-kit's record out of a payload, or undefined when it is not ours. */
export function recordOf(payload: unknown): ReleaseRecord | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const record = (payload as Record<string, unknown>)[RECORD_KEY];
  if (!record || typeof record !== 'object') return undefined;
  const candidate = record as Partial<ReleaseRecord>;
  return typeof candidate.version === 'string' && typeof candidate.sha === 'string'
    ? (candidate as ReleaseRecord)
    : undefined;
}
