// The gates engine's typed configuration, context and results. Pure data and small interfaces:
// no @actions/* here. One module per gate in this folder implements `Gate<Config>`.
import type { GitHubClient } from '../github/client.js';

/** Where a gate's verdict ends up: pass, fail, could not be evaluated (error), or not configured. */
export type GateVerdict = 'pass' | 'fail' | 'error' | 'skipped';

/** One line of a gate's detail (a check, an alert, a variable, a window), for the report and annotations. */
export interface GateItem {
  name: string;
  verdict: GateVerdict;
  detail?: string;
  /** A link for the summary (a check run, an alert). */
  url?: string;
}

export interface GateOutcome {
  verdict: GateVerdict;
  /** One sentence: why, with the values (`2 of 14 checks failed: lint, test (ubuntu, 20)`). */
  detail: string;
  items?: GateItem[];
  /** An emergency override that let this gate pass (freeze), recorded in the summary. */
  override?: string;
}

export interface GateResult extends GateOutcome {
  gate: GateName;
  durationMs: number;
}

export interface GateLog {
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Who the gates are asked about: the commit, the ref, the environment, and the event that started it. */
export interface GateTarget {
  owner: string;
  repo: string;
  sha: string;
  /** Full ref (`refs/heads/main`, `refs/tags/v1.2.0`, `refs/pull/3/merge`). */
  ref: string;
  environment?: string;
  eventName: string;
  /** The pull request number on pull_request events (or when given), for reviews, labels and `isRequired`. */
  pullNumber?: number;
  /** The PR's base branch (without refs/heads/), for branch protection on PR events. */
  baseRef?: string;
  /** The PR's head branch (without refs/heads/): the branch gate judges it on PR events (see branch.ts). */
  headRef?: string;
  /** Labels on the pull request, from the event payload. */
  labels: string[];
  /** Names this job's own checks may carry (the job name, `deploy-kit / preflight`); never waited on. */
  selfCheckNames: string[];
  /** This workflow run's id (`GITHUB_RUN_ID`): check runs whose details URL points at it are never waited on. */
  runId?: string;
}

export interface GateContext {
  target: GateTarget;
  /** Absent outside GitHub (CLI with no token): gates that need the API report `error` naming the token. */
  github?: GitHubClient;
  /** The environment visible to the step (variables and secrets mapped by the workflow). */
  env: Record<string, string | undefined>;
  workspace: string;
  log: GateLog;
  signal: AbortSignal;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The emergency override given as an input (`override-freeze`), recorded with its reason. */
  overrideReason?: string;
}

export interface Gate<Config> {
  readonly name: GateName;
  run(config: Config, context: GateContext): Promise<GateOutcome>;
}

// ---- configuration (the YAML `gates` input; validated against schemas/preflight-gates.schema.json) ----

export type CheckConclusion =
  | 'success'
  | 'neutral'
  | 'skipped'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'action_required'
  | 'stale'
  | 'startup_failure';

export interface ChecksGateConfig {
  /** `all` checks on the commit, only those branch protection `required`, or the `named` ones. */
  mode: 'all' | 'required' | 'named';
  /** Names or glob patterns (`test (*)` matches matrix jobs); used when mode is `named`. */
  names: string[];
  /** Names or glob patterns never waited on nor judged. */
  ignore: string[];
  /** Conclusions that count as passing (default success, neutral, skipped). */
  allowedConclusions: CheckConclusion[];
  /** How long checks may take to appear before a missing one counts (default 60 s). */
  graceMs: number;
  /** First poll interval; grows with back-off up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Hard bound on waiting for checks (default 15 min). */
  timeoutMs: number;
  /** Stop waiting as soon as a judged check has failed: the verdict cannot turn to pass (default true). */
  failFast?: boolean;
}

export interface ReviewsGateConfig {
  minApprovals: number;
  /** Fail while any reviewer's latest review requests changes (default true). */
  noChangesRequested: boolean;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface VulnerabilitiesGateConfig {
  /** Fail on findings at or above this severity (default critical). */
  failOn: Severity;
  /** SARIF files (code scanning, Trivy, Grype), relative to the workspace; globs allowed. */
  sarif: string[];
  /** `npm audit --json` output files. */
  npmAudit: string[];
  /** Read open Dependabot alerts through the API. */
  dependabot: boolean;
  /** Finding ids to accept (CVE, GHSA, rule id). */
  ignore: string[];
}

export interface EnvGateConfig {
  /** Names that must be present and non-empty in the step's environment (values never printed). */
  variables: string[];
  secrets: string[];
}

export interface CommandGateConfig {
  /** Shown in the report (`alembic`). */
  name: string;
  run: string;
  /** Working directory relative to the workspace. */
  cwd?: string;
  timeoutMs: number;
}

/** A weekly window (`Fri 16:00` to `Mon 08:00`) or a date range, in an IANA time zone. */
export type FreezeWindow =
  | {
      kind: 'weekly';
      name?: string;
      timezone: string;
      from: { day: number; minutes: number };
      to: { day: number; minutes: number };
      environments: string[];
    }
  | { kind: 'dates'; name?: string; timezone: string; from: string; to: string; environments: string[] };

export interface FreezeGateConfig {
  windows: FreezeWindow[];
  /** A PR label that overrides the freeze for emergencies (recorded in the summary). */
  overrideLabel?: string;
}

export interface BranchRule {
  environment: string;
  /** Ref patterns (`main`, `release/*`, `v*` for tags, or full `refs/...`). */
  refs: string[];
}

export interface BranchGateConfig {
  rules: BranchRule[];
}

export interface GatesConfig {
  checks?: ChecksGateConfig;
  reviews?: ReviewsGateConfig;
  vulnerabilities?: VulnerabilitiesGateConfig;
  env?: EnvGateConfig;
  migrations?: CommandGateConfig;
  freeze?: FreezeGateConfig;
  branch?: BranchGateConfig;
  command?: CommandGateConfig[];
}

export type GateName = keyof GatesConfig;

/** The order gates are shown in; all configured gates run even when one fails. */
export const GATE_ORDER: readonly GateName[] = [
  'branch',
  'freeze',
  'env',
  'reviews',
  'vulnerabilities',
  'migrations',
  'command',
  'checks',
];

export interface GatesReport {
  passed: boolean;
  startedAt: string;
  durationMs: number;
  target: { sha: string; ref: string; environment?: string; eventName: string; pullNumber?: number };
  gates: GateResult[];
  /** API calls the gates made, from the client's call counter. */
  apiCalls?: number;
}
