// The shapes of delivery insights: what the record says happened (Delivery), and the four keys computed from
// it. Plain data, JSON-serialisable: the CLI prints it, the action writes it as outputs, the page charts it.

/** The period looked at: [since, until), ISO 8601 times. */
export interface Period {
  since: string;
  until: string;
}

/** One deploy-kit deployment of the environment that went live (reached success at least once). */
export interface Delivery {
  id: string;
  version: string;
  sha: string;
  createdAt: string;
  /** Its first success status: when it went live. */
  liveAt: string;
  /**
   * change: a new version went live (what the keys count); redeploy: the version already live, deployed again;
   * rollback: a rollback's redeploy of an earlier version (a restore, never a change).
   */
  kind: 'change' | 'redeploy' | 'rollback';
  /** The deployment a rollback rolled back from, and why. */
  rollback?: { fromDeploymentId: string; reason: string };
  /** failure or error statuses written after it went live (a post-deploy check), oldest first. */
  laterFailures: { state: string; at: string; description?: string }[];
}

/** What the record holds for one environment, read for a period. */
export interface DeliveryRecord {
  environment: string;
  period: Period;
  /** Every delivery that went live from the baseline on, oldest first (some before the period). */
  deliveries: Delivery[];
  /** The last delivery live before the period began: the lower end of the first change's commits. */
  baseline?: Delivery;
  /** Rollback deployments started in the record (also those that never went live), by what they rolled back. */
  rollbacksStarted: { id: string; fromDeploymentId: string; reason: string; createdAt: string }[];
  /** Deployments in the period that are not counted, by why (in progress, never went live, not deploy-kit's). */
  notCounted: { inProgress: string[]; neverLive: string[]; notDeployKit: string[] };
  /** Where the record was read, and what that cost. */
  source: { kind: 'github' | 'file'; deploymentsRead: number };
}

export type FailureKind = 'rolled-back' | 'canary-aborted' | 'smoke-failed' | 'failed-after-live';

/** A change that failed in the environment, with why it counts. */
export interface ChangeFailure {
  deploymentId: string;
  version: string;
  liveAt: string;
  kind: FailureKind;
  /** When the failure was known: the rollback's start, or the failure status after it went live. */
  failedAt: string;
  why: string;
  /** The deployment that restored service: the next one live of another version. */
  restoredBy?: { deploymentId: string; version: string; at: string };
  /** restoredBy.at - failedAt, in ms. */
  restoreMs?: number;
}

export type Band = 'elite' | 'high' | 'medium' | 'low';

export interface KeyBand {
  band?: Band;
  /** Why this band, or why none ("no failures to restore from"). */
  why: string;
}

export interface CommitLead {
  sha: string;
  committedAt: string;
  deploymentId: string;
  leadMs: number;
}

export interface Insights {
  environment: string;
  period: Period;
  days: number;
  /** The DORA report whose published thresholds name the bands. */
  report: string;
  frequency: {
    deployments: number;
    perDay: number;
    perWeek: number;
    daysWithDeployment: number;
    redeploys: number;
    rollbacks: number;
  } & KeyBand;
  leadTime: {
    commits: number;
    medianMs?: number;
    p90Ms?: number;
    /** Where commit times came from: the local git history, or GitHub. */
    history: string;
  } & KeyBand;
  changeFailureRate: {
    failures: number;
    deployments: number;
    rate?: number;
  } & KeyBand;
  timeToRestore: {
    restored: number;
    unrestored: number;
    medianMs?: number;
    maxMs?: number;
  } & KeyBand;
  failures: ChangeFailure[];
  deployments: { id: string; version: string; sha: string; liveAt: string; kind: Delivery['kind'] }[];
  /** The four keys week by week, for charts. */
  weeks: WeekPoint[];
  notCounted: DeliveryRecord['notCounted'];
  source: DeliveryRecord['source'] & { commits: string };
}

export interface WeekPoint {
  /** The week's first day, YYYY-MM-DD. */
  start: string;
  deployments: number;
  leadMedianHours?: number;
  failureRate?: number;
  restoreMedianHours?: number;
}
