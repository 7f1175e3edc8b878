// The rollback engine: read the environment's history, choose the release to go back to, and redeploy it
// through the deploy engine (same turn-taking, statuses and cancel-safety as a deploy). One entry, one
// answer: the rollback action, canary-promote's and the release's automatic rollbacks all call runRollback
// and read its RollbackOutcome. Pure of @actions/*: the ledger, the log and the hooks come in as interfaces.

import { pathRoots } from '../common/workspace-path.js';
import {
  DEFAULT_CONCURRENT_TIMEOUT_MS,
  type DeployDeps,
  type DeployOutcome,
  type DeploySettings,
  deploy,
  type RunInfo,
} from '../deploy/deploy.js';
import { abandonedDescription, DEFAULT_LEASE_TIMEOUT_MS, settleAbandoned } from '../deploy/lease.js';
import type { GitHubClient } from '../github/client.js';
import { redactUrl } from '../http/safe-url.js';
import { type DeploymentEntry, versionOf } from '../ledger/types.js';
import { recordedBundlePath, restoreBundle } from './bundle.js';
import { answeredAfterTurn, DEFAULT_HISTORY_LIMIT, HistoryReader, planFromHistory } from './history.js';
import { RollbackNoOp, type RollbackPlan, RollbackRefused } from './plan.js';
import type { Press } from './press.js';
import { pressOf } from './pressed.js';

/** The reason recorded when the caller gives none. */
export const DEFAULT_ROLLBACK_REASON = 'rollback requested';

export interface RollbackSettings {
  environment: string;
  /** A deployment id, a version or a commit; unset: the newest earlier release that was live. */
  to?: string;
  reason: string;
  /** Plan only: read the history and say what would happen, change nothing. */
  dryRun: boolean;
  command?: string;
  workingDirectory: string;
  url?: string;
  onConcurrent: DeploySettings['onConcurrent'];
  /** When the rollback was asked for (ISO 8601); unset: the workflow run's start, or this step's. */
  pressedAt?: string;
  /** The deployment this rollback undoes, when its caller made it (the release's automatic rollback). */
  rollbackOf?: string;
  /** How many deployments back the target is looked for at most. */
  historyLimit: number;
  workspace: string;
  run: RunInfo;
  baseEnv: Record<string, string | undefined>;
}

/** What a caller must say; everything else has the one default every caller shares. */
export type RollbackRequest = Pick<
  RollbackSettings,
  'environment' | 'workingDirectory' | 'workspace' | 'run' | 'baseEnv'
> &
  Partial<Omit<RollbackSettings, 'environment' | 'workingDirectory' | 'workspace' | 'run' | 'baseEnv'>>;

/** The one place a rollback's settings are assembled: the defaults (wait 15 minutes in turn, 1000 back). */
export function rollbackSettings(request: RollbackRequest): RollbackSettings {
  const { reason, dryRun, onConcurrent, historyLimit, ...rest } = request;
  const settings: RollbackSettings = {
    ...rest,
    reason: reason ?? DEFAULT_ROLLBACK_REASON,
    dryRun: dryRun ?? false,
    onConcurrent: onConcurrent ?? { mode: 'wait', timeoutMs: DEFAULT_CONCURRENT_TIMEOUT_MS },
    historyLimit: historyLimit ?? DEFAULT_HISTORY_LIMIT,
  };
  // Optional fields given as undefined are left out, so a settings object prints and compares the same.
  for (const key of Object.keys(settings) as (keyof RollbackSettings)[])
    if (settings[key] === undefined) delete settings[key];
  return settings;
}

export interface RollbackDeps
  extends Pick<
    DeployDeps,
    'ledger' | 'artifacts' | 'runStatus' | 'ledgerFlag' | 'runCommand' | 'log' | 'onCreated' | 'onGroup'
  > {
  /** The GitHub ledger's client: the press is read from the workflow run's start. */
  github?: { client: GitHubClient; owner: string; repo: string };
  signal: AbortSignal;
  /** Called with the plan as soon as it is made (before the redeploy: outputs a cancelled run still sets). */
  onPlan?: (plan: RollbackPlan) => void;
}

interface Planned {
  plan: RollbackPlan;
  /** Everything read, newest first. */
  history: DeploymentEntry[];
  /** When the rollback was asked for: what was live then is what it rolls back. */
  press: Press;
}

/**
 * How a rollback ended. `planned`: a dry run, nothing changed. `ran`: redeployed (successfully or not, see
 * `redeploy.result`). `no-op`: what was asked for is live already (another run answered the press, or `to`
 * names what is live). `refused`: nothing to go back to, or a target that cannot be used, said in `reason`.
 */
export type RollbackOutcome =
  | ({ kind: 'planned' } & Planned)
  | ({ kind: 'ran'; redeploy: DeployOutcome } & Planned)
  | { kind: 'no-op'; noOp: RollbackNoOp }
  | { kind: 'refused'; reason: string; error: RollbackRefused };

/** Why nothing was redeployed, in a sentence: the refusal, or who made what was asked for live already. */
export function whyNoRollback(outcome: Extract<RollbackOutcome, { kind: 'refused' | 'no-op' }>): string {
  return outcome.kind === 'refused' ? outcome.reason : outcome.noOp.message;
}

/**
 * Reads the history (as far back as the plan needs), plans the rollback and (unless a dry run) redeploys the
 * target through the deploy engine. Once its turn comes it plans again: a press another run answered in the
 * meantime ends as a no-op. A refusal or a no-op is an answer; anything else (the ledger failing) throws.
 */
export async function runRollback(settings: RollbackSettings, deps: RollbackDeps): Promise<RollbackOutcome> {
  try {
    return await rollBack(settings, deps);
  } catch (error) {
    if (error instanceof RollbackNoOp) return { kind: 'no-op', noOp: error };
    if (error instanceof RollbackRefused) return { kind: 'refused', reason: error.message, error };
    throw error;
  }
}

async function rollBack(settings: RollbackSettings, deps: RollbackDeps): Promise<RollbackOutcome> {
  const { log, signal } = deps;
  const press = await pressOf(settings, deps.github, log);
  log.info(`rollback of ${settings.environment} asked for at ${press.at} (${press.source})`);
  let reader = new HistoryReader(deps.ledger, settings.environment, settings.historyLimit);
  // The newest page, read afresh after each abandoned lease is closed; the plan goes on from it.
  const readNewest = async () => {
    reader = new HistoryReader(deps.ledger, settings.environment, settings.historyLimit);
    await reader.next();
    return reader.entries;
  };
  // A crashed deploy or rollback must not hide the release to go back to: its abandoned lease is closed first.
  // A dry run changes nothing: it only reads.
  if (settings.dryRun) await readNewest();
  const { abandoned } = settings.dryRun
    ? { abandoned: [] }
    : await settleAbandoned(readNewest, deps.ledger, {
        leaseTimeoutMs: settings.onConcurrent.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
        runStatus: deps.runStatus,
        waitMs: settings.onConcurrent.timeoutMs,
        signal,
        log: log.info,
      });
  for (const gone of abandoned) {
    log.warning(
      `deployment ${gone.id} (${gone.version}) was ${abandonedDescription(gone)} (${gone.how}); closed as error before planning`,
    );
  }
  const { plan, history, inFlight } = await planFromHistory(reader, { to: settings.to, press });
  log.info(`read ${history.length} deployment(s) of ${settings.environment} in ${reader.pages} page(s)`);
  for (const { entry, why } of plan.skipped)
    log.info(`passed over ${versionOf(entry)} (deployment ${entry.id}): ${why}`);
  for (const entry of inFlight)
    log.info(
      `deployment ${entry.id} (${entry.record?.run?.url || 'another run'}) is already rolling back ${versionOf(plan.current)}: this run waits for it, and does nothing if it goes live`,
    );
  deps.onPlan?.(plan);
  const { target, current } = plan;
  if (settings.dryRun) {
    log.info(
      `dry run: would roll ${settings.environment} back from ${versionOf(current)} to ${versionOf(target)}`,
    );
    log.info(`payload of the target: ${JSON.stringify(target.payload)}`);
    return { kind: 'planned', plan, history, press };
  }
  // A record written before URLs were stored without their secrets must not bring them back.
  const recorded = target.statuses.find((s) => s.environmentUrl)?.environmentUrl;
  const url = settings.url ?? (recorded === undefined ? undefined : redactUrl(recorded));
  const key = target.record?.artifactKey;
  const bundlePath = recordedBundlePath(target, pathRoots());
  let standing: DeploymentEntry | undefined;
  const redeploy = await deploy(
    {
      environment: settings.environment,
      sha: target.sha,
      ref: target.ref,
      version: versionOf(target),
      command: settings.command,
      workingDirectory: settings.workingDirectory,
      url,
      description: `rollback to ${versionOf(target)}: ${settings.reason}`,
      payload: { ...target.payload },
      autoMerge: false,
      requiredContexts: [],
      onConcurrent: settings.onConcurrent,
      task: 'deploy:rollback',
      rollback: { fromDeploymentId: current.id, fromVersion: versionOf(current), reason: settings.reason },
      existingArtifact: key ? { key, ...(bundlePath ? { path: bundlePath } : {}) } : undefined,
      run: settings.run,
      baseEnv: settings.baseEnv,
    },
    {
      ledger: deps.ledger,
      history,
      runCommand: deps.runCommand,
      log,
      signal,
      ...(deps.onCreated ? { onCreated: deps.onCreated } : {}),
      afterTurn: (seen) => {
        const noOp = answeredAfterTurn(seen, { to: settings.to, press }, settings.environment);
        standing = noOp?.standing;
        return noOp?.message;
      },
      runStatus: deps.runStatus,
      ledgerFlag: deps.ledgerFlag,
      ...(deps.onGroup ? { onGroup: deps.onGroup } : {}),
      beforeCommand: () => restoreBundle(target, deps.artifacts, settings.workspace, log),
    },
  );
  if (redeploy.result === 'skipped' && standing)
    throw new RollbackNoOp(redeploy.reason ?? 'nothing to do', standing, redeploy.deployment);
  return {
    kind: 'ran',
    plan,
    history,
    press,
    redeploy: { ...redeploy, abandoned: [...abandoned, ...redeploy.abandoned] },
  };
}
