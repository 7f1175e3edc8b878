// The deploy engine: record a deployment, take the environment in turn, run the deploy, finish the record.
// Pure of @actions/*: the ledger, the artifact store and the command runner come in as interfaces.
import type { CommandRequest, CommandResult } from '../command/run.js';
import {
  type ArtifactStore,
  type DeploymentEntry,
  type LeaseHolder,
  type Ledger,
  OPEN_STATES,
  type ReleaseRecord,
  versionOf,
} from '../ledger/types.js';
import {
  type Abandoned,
  abandonedDescription,
  clearAbandoned,
  currentHolder,
  DEFAULT_LEASE_TIMEOUT_MS,
  LeaseKeeper,
  type RunAttemptStatus,
  renewalInterval,
  unlockCommand,
} from './lease.js';

export interface RunInfo {
  id: string;
  attempt: string;
  url: string;
  workflow: string;
  actor: string;
}

/** How long a deploy waits for the one before it in the environment, unless told (concurrent-timeout). */
export const DEFAULT_CONCURRENT_TIMEOUT_MS = 15 * 60_000;

export interface DeploySettings {
  environment: string;
  sha: string;
  ref: string;
  version: string;
  /** The deploy script; without one, deploy-env only records the deployment. */
  command?: string;
  workingDirectory: string;
  url?: string;
  description?: string;
  payload: Record<string, unknown>;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
  requiredContexts?: string[];
  autoMerge: boolean;
  artifactPath?: string;
  /** The artifact path as written in the workflow, recorded for rollback. */
  artifactPathAsGiven?: string;
  /** leaseTimeoutMs: an open deployment not renewed for this long is abandoned (default 5 min). */
  onConcurrent: { mode: 'wait' | 'fail'; timeoutMs: number; leaseTimeoutMs?: number };
  task: string;
  /** A rollback: recorded, and the deployment it replaces is marked inactive whatever its state. */
  rollback?: { fromDeploymentId: string; fromVersion: string; reason: string };
  /** A release bundle already stored (a rollback reuses the target's): recorded, not saved again. */
  existingArtifact?: { key: string; path?: string };
  run: RunInfo;
  /** The environment the command inherits; deploy-kit adds DEPLOY_KIT_* to it. */
  baseEnv: Record<string, string | undefined>;
}

export interface DeployLog {
  info(message: string): void;
  warning(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface DeployDeps {
  ledger: Ledger;
  artifacts?: ArtifactStore;
  runCommand: (request: CommandRequest) => Promise<CommandResult>;
  log: DeployLog;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The environment's history, when the caller has just read it (a rollback plans from it): saves a read. */
  history?: DeploymentEntry[];
  /** Called as soon as the deployment exists, so a post step can finish it if this process dies. */
  onCreated?: (deployment: DeploymentEntry) => void;
  /**
   * Runs as soon as the environment is ours, with what the wait's last read saw (this deployment left out): a
   * reason means there is nothing left to do (a rollback re-plans and finds its press answered), and the
   * deployment closes `inactive` saying so, result `skipped`.
   */
  afterTurn?: (seen: DeploymentEntry[]) => string | undefined;
  /** Runs once the environment is ours, before the command (a rollback restores its bundle); adds variables. */
  beforeCommand?: () => Promise<Record<string, string> | undefined>;
  /** The lease holder recorded (default: this process). */
  holder?: LeaseHolder;
  /** Asks GitHub whether a holder's workflow run attempt has completed (GitHub runs only). */
  runStatus?: RunAttemptStatus;
  /** Called with the deploy command's process group as soon as it runs (a post step ends it after a crash). */
  onGroup?: (pgid: number) => void;
  /** The `--ledger` flag the unlock command needs, when the ledger is not the default. */
  ledgerFlag?: string;
}

export type DeployResult = 'success' | 'failure' | 'cancelled' | 'blocked' | 'skipped';

export interface DeployOutcome {
  result: DeployResult;
  deployment: DeploymentEntry;
  /** What was live before: the newest deployment of the environment whose latest status is success. */
  previous?: DeploymentEntry;
  exitCode?: number | null;
  lastLines: string[];
  /** Earlier deployments marked inactive because this one replaced them. */
  deactivated: string[];
  /** Open deployments whose holder was gone, closed as abandoned before this one went on. */
  abandoned: Abandoned[];
  artifactKey?: string;
  /** Why it did not succeed, in a sentence. */
  reason?: string;
  durationMs: number;
  waitedMs: number;
}

const POLL_START_MS = 2000;
const POLL_MAX_MS = 15_000;

/** A cache key from environment and version, safe for any store. */
export function artifactKeyFor(environment: string, version: string, sha: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `deploy-kit-${safe(environment)}-${safe(version)}-${sha.slice(0, 12)}`;
}

function numericId(id: string): number {
  const value = Number(id);
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

/** The variables a deploy command sees: everything it needs, as values, never spliced into the script. */
export function commandEnvironment(
  settings: DeploySettings,
  deployment: DeploymentEntry,
  previous: DeploymentEntry | undefined,
): Record<string, string | undefined> {
  return {
    ...settings.baseEnv,
    DEPLOY_KIT_ENVIRONMENT: settings.environment,
    DEPLOY_KIT_VERSION: settings.version,
    DEPLOY_KIT_SHA: settings.sha,
    DEPLOY_KIT_REF: settings.ref,
    DEPLOY_KIT_URL: settings.url ?? '',
    DEPLOY_KIT_DEPLOYMENT_ID: deployment.id,
    DEPLOY_KIT_TASK: settings.task,
    DEPLOY_KIT_PREVIOUS_VERSION: previous?.record?.version ?? '',
    DEPLOY_KIT_PREVIOUS_SHA: previous?.sha ?? '',
    DEPLOY_KIT_ARTIFACT_PATH: settings.artifactPath ?? '',
  };
}

/** The environment's history as the wait's last read saw it, and how long the wait took. */
interface Turn {
  seen: DeploymentEntry[];
  waitedMs: number;
}

/**
 * A deploy in its phases, in order: create the deployment (with its lease), wait in turn, guard the turn
 * (nothing left to do, a stale rollback), run the command, finish the record. Each phase that ends the
 * deploy early closes the deployment through `close`, so no path leaves it open.
 */
export async function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployOutcome> {
  const run = await DeployRun.create(settings, deps);
  const turn = await run.waitInTurn();
  if ('result' in turn) return turn;
  const refused = await run.guardTurn(turn);
  if (refused) return refused;
  const command = await run.runCommand();
  return run.finish(command, turn);
}

class DeployRun {
  private readonly abandoned: Abandoned[] = [];
  /** What was live: when the deploy was asked for, then when its turn came. */
  private previous: DeploymentEntry | undefined;

  private constructor(
    private readonly settings: DeploySettings,
    private readonly deps: DeployDeps,
    private readonly now: () => number,
    private readonly started: number,
    private readonly deployment: DeploymentEntry,
    private readonly keeper: LeaseKeeper,
    private readonly artifactKey: string | undefined,
    private readonly leaseTimeoutMs: number,
    requestedOver: DeploymentEntry | undefined,
  ) {
    this.previous = requestedOver;
  }

  /** Records the deployment (what it is, what was live, who holds it) and starts renewing its lease. */
  static async create(settings: DeploySettings, deps: DeployDeps): Promise<DeployRun> {
    const now = deps.now ?? Date.now;
    const started = now();
    const { ledger, log } = deps;
    const before = deps.history ?? (await ledger.history(settings.environment, { limit: 100 }));
    // Recorded as what was live when the deploy was asked for; what it replaces is read again once its turn
    // comes (`previous`, set by waitInTurn).
    const requestedOver = before.find((entry) => entry.state === 'success');
    const leaseTimeoutMs = settings.onConcurrent.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
    const artifactKey = settings.artifactPath
      ? artifactKeyFor(settings.environment, settings.version, settings.sha)
      : settings.existingArtifact?.key;
    const deployment = await ledger.create({
      environment: settings.environment,
      sha: settings.sha,
      ref: settings.ref,
      task: settings.task,
      description: settings.description ?? `deploy ${settings.version}`,
      payload: settings.payload,
      record: releaseRecord(settings, deps, artifactKey, requestedOver),
      productionEnvironment: settings.productionEnvironment,
      transientEnvironment: settings.transientEnvironment,
      requiredContexts: settings.requiredContexts,
      autoMerge: settings.autoMerge,
    });
    deps.onCreated?.(deployment);
    // The lease: renewed from now until the closing status, so a crash anywhere in between is seen as one.
    const keeper = new LeaseKeeper(
      ledger,
      deployment.id,
      renewalInterval(leaseTimeoutMs),
      `waiting to deploy ${settings.version}`,
      (error) => log.warning(`could not renew the lease of deployment ${deployment.id}: ${error.message}`),
    );
    keeper.start();
    return new DeployRun(
      settings,
      deps,
      now,
      started,
      deployment,
      keeper,
      artifactKey,
      leaseTimeoutMs,
      requestedOver,
    );
  }

  /** Stops the lease, sets the closing status and says how the deploy ended. */
  private async close(
    result: DeployResult,
    state: 'success' | 'failure' | 'error' | 'inactive',
    description: string,
    extra: Partial<DeployOutcome> = {},
  ): Promise<DeployOutcome> {
    const { settings, deployment } = this;
    await this.keeper.stop();
    await this.deps.ledger.setStatus(deployment.id, {
      state,
      description: description.slice(0, 140),
      ...(state === 'success' && settings.url ? { environmentUrl: settings.url } : {}),
      logUrl: settings.run.url,
    });
    return {
      deployment,
      previous: this.previous,
      lastLines: [],
      deactivated: [],
      artifactKey: this.artifactKey,
      abandoned: this.abandoned,
      ...extra,
      result,
      durationMs: this.now() - this.started,
      waitedMs: extra.waitedMs ?? 0,
    };
  }

  /**
   * Takes the environment in turn: the deployment with the lowest id among the open ones goes first. Only
   * deploy-kit's own deployments take part: GitHub opens one for every job that names an environment, and
   * it stays open while that very job runs. Ends the deploy (blocked or cancelled) when it may not wait.
   */
  async waitInTurn(): Promise<Turn | DeployOutcome> {
    const { settings, deps, deployment, now } = this;
    const { ledger, log } = deps;
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const waitStarted = now();
    let delay = POLL_START_MS;
    // The read that let this deployment go: later deploy-kit deployments wait for it, so what it shows as live
    // is what this one replaces (no second read after the deploy).
    let seen: DeploymentEntry[];
    for (;;) {
      seen = await ledger.history(settings.environment, { limit: 100 });
      const ahead = seen.filter(
        (entry) =>
          entry.record !== undefined &&
          numericId(entry.id) < numericId(deployment.id) &&
          OPEN_STATES.includes(entry.state),
      );
      // A lease whose holder is provably gone is closed, not waited for; a command group it left running on
      // this host is waited for like the deploy it belongs to.
      const cleared = await clearAbandoned(ahead, ledger, {
        now: now(),
        leaseTimeoutMs: this.leaseTimeoutMs,
        runStatus: deps.runStatus,
      });
      for (const gone of cleared.abandoned) {
        log.warning(
          `deployment ${gone.id} (${gone.version}) was ${abandonedDescription(gone)} (${gone.how}); closed as error, going on`,
        );
        this.abandoned.push(gone);
      }
      if (cleared.abandoned.length > 0) continue;
      const blocker = ahead.at(-1);
      if (!blocker) break;
      const waited = now() - waitStarted;
      const group = cleared.groups.get(blocker.id);
      const who = `deployment ${blocker.id} (${versionOf(blocker)}, ${blocker.state})`;
      const running =
        group !== undefined ? `; its deploy command (process group ${group}) still runs on this host` : '';
      const unlock = `; if its holder is gone for good, clear it with \`${unlockCommand(settings.environment, blocker.id, deps.ledgerFlag)}\``;
      if (
        settings.onConcurrent.mode === 'fail' ||
        waited >= settings.onConcurrent.timeoutMs ||
        deps.signal?.aborted
      ) {
        const why =
          settings.onConcurrent.mode === 'fail'
            ? `${who} is still in progress in ${settings.environment} (on-concurrent: fail)`
            : deps.signal?.aborted
              ? `cancelled while waiting for ${who}`
              : `${who} was still in progress after waiting ${Math.round(waited / 1000)} s`;
        return this.close(deps.signal?.aborted ? 'cancelled' : 'blocked', 'error', why, {
          reason: deps.signal?.aborted ? why : why + running + unlock,
          waitedMs: waited,
        });
      }
      log.info(`waiting for ${who} to finish (${Math.round(waited / 1000)} s so far)${running}`);
      await sleep(Math.min(delay, Math.max(0, settings.onConcurrent.timeoutMs - waited)));
      delay = Math.min(delay * 2, POLL_MAX_MS);
    }
    // What this deploy replaces is what was live when its turn came, not when it was asked for.
    this.previous = seen.find((entry) => entry.id !== deployment.id && entry.state === 'success');
    return { seen, waitedMs: now() - waitStarted };
  }

  /**
   * Once the environment is ours: the caller may find nothing left to do (skipped), and a rollback whose
   * plan went stale while it waited is refused (blocked). Undefined when the deploy goes on.
   */
  async guardTurn({ seen, waitedMs }: Turn): Promise<DeployOutcome | undefined> {
    const { settings, deployment } = this;
    const nothingToDo = this.deps.afterTurn?.(seen.filter((entry) => entry.id !== deployment.id));
    if (nothingToDo) return this.close('skipped', 'inactive', nothingToDo, { reason: nothingToDo, waitedMs });

    // A rollback is planned from the history read before its turn came: if another deployment went live while
    // it waited (two rollbacks pressed together), its plan is stale and redeploying would roll back twice.
    const rollbackFrom = settings.rollback?.fromDeploymentId;
    const movedOn = rollbackFrom
      ? seen.find(
          (entry) =>
            entry.record !== undefined &&
            numericId(entry.id) > numericId(rollbackFrom) &&
            numericId(entry.id) < numericId(deployment.id) &&
            entry.statuses.some((status) => status.state === 'success'),
        )
      : undefined;
    if (movedOn) {
      const why = `${settings.environment} moved on while this rollback waited: deployment ${movedOn.id} (${versionOf(movedOn)}) went live after the plan was made; nothing was redeployed (run the rollback again to plan from what is live now)`;
      return this.close('blocked', 'error', why, { reason: why, waitedMs });
    }
    return undefined;
  }

  /** Marks the deployment working, saves the release bundle, and runs the deploy command when there is one. */
  async runCommand(): Promise<CommandResult | undefined> {
    const { settings, deps, deployment, keeper, artifactKey } = this;
    const { log } = deps;
    await keeper.working(`deploying ${settings.version}`, settings.run.url);

    if (artifactKey && settings.artifactPath && deps.artifacts) {
      try {
        await deps.artifacts.save(artifactKey, settings.artifactPath);
        log.info(`saved ${settings.artifactPath} as ${artifactKey} (${deps.artifacts.kind})`);
      } catch (error) {
        log.warning(
          `could not save the release bundle ${settings.artifactPath}: ${(error as Error).message}`,
        );
      }
    }

    const extraEnv = (await deps.beforeCommand?.()) ?? {};
    if (!settings.command) return undefined;
    return log.group(`deploy ${settings.version} to ${settings.environment}`, () =>
      deps.runCommand({
        script: settings.command!,
        cwd: settings.workingDirectory,
        env: { ...commandEnvironment(settings, deployment, this.previous), ...extraEnv },
        signal: deps.signal,
        onLine: (line) => log.info(line),
        onSpawn: (pgid) => {
          deps.onGroup?.(pgid);
          return keeper.group(pgid);
        },
      }),
    );
  }

  /**
   * Closes the deployment as the command ended (cancelled, failed or live); once live, what it replaced is
   * marked inactive.
   */
  async finish(command: CommandResult | undefined, { seen, waitedMs }: Turn): Promise<DeployOutcome> {
    const { settings, deps, deployment } = this;
    if (command?.cancelled || deps.signal?.aborted) {
      return this.close('cancelled', 'error', 'cancelled: the job was cancelled while deploying', {
        reason: 'the job was cancelled while the deploy command ran',
        lastLines: command?.lastLines ?? [],
        exitCode: command?.exitCode,
        waitedMs,
      });
    }
    if (command && command.exitCode !== 0) {
      const how = command.exitCode === null ? `killed by ${command.signal}` : `exit code ${command.exitCode}`;
      return this.close('failure', 'failure', `deploy command failed (${how})`, {
        reason: `the deploy command failed (${how})`,
        lastLines: command.lastLines,
        exitCode: command.exitCode,
        waitedMs,
      });
    }

    const outcome = await this.close('success', 'success', `${settings.version} is live`, {
      lastLines: command?.lastLines ?? [],
      exitCode: command?.exitCode ?? 0,
      waitedMs,
    });
    // What this deployment replaced is no longer live: one write per deployment still active, and for a
    // rollback the deployment rolled back from, whatever its state.
    const stillActive = replacedBy(deployment.id, seen, settings.rollback);
    const description = replacedDescription(deployment.id, settings.version, settings.rollback);
    if (stillActive.length > 0) {
      await deps.ledger.deactivate(
        stillActive.map((entry) => entry.id),
        description,
      );
    }
    return { ...outcome, deactivated: stillActive.map((entry) => entry.id) };
  }
}

/**
 * What a deployment that went live replaced, among the environment's deployments before it: each still live,
 * and for a rollback the deployment rolled back from, whatever its state. Also post's, for a closing status
 * that landed after the step was killed.
 */
export function replacedBy(
  id: string,
  earlier: DeploymentEntry[],
  rollback: { fromDeploymentId: string } | undefined,
): DeploymentEntry[] {
  return earlier.filter(
    (entry) =>
      entry.id !== id &&
      (entry.state === 'success' || (entry.id === rollback?.fromDeploymentId && entry.state !== 'inactive')),
  );
}

/** The description of a deployment marked inactive because `id` replaced it. */
export function replacedDescription(
  id: string,
  version: string,
  rollback: { reason: string } | undefined,
): string {
  return rollback
    ? `rolled back to ${version} (deployment ${id}): ${rollback.reason}`
    : `superseded by ${version} (deployment ${id})`;
}

/** The release record a deployment carries: what it deploys, what was live, which run holds it. */
function releaseRecord(
  settings: DeploySettings,
  deps: DeployDeps,
  artifactKey: string | undefined,
  requestedOver: DeploymentEntry | undefined,
): ReleaseRecord {
  const artifactPath = settings.artifactPath
    ? (settings.artifactPathAsGiven ?? settings.artifactPath)
    : settings.existingArtifact?.path;
  return {
    version: settings.version,
    sha: settings.sha,
    ref: settings.ref,
    ...(artifactKey ? { artifactKey, ...(artifactPath ? { artifactPath } : {}) } : {}),
    ...(settings.rollback ? { rollback: settings.rollback } : {}),
    ...(requestedOver
      ? {
          previous: {
            deploymentId: requestedOver.id,
            version: versionOf(requestedOver),
            sha: requestedOver.sha,
          },
        }
      : {}),
    run: {
      id: settings.run.id,
      attempt: settings.run.attempt,
      url: settings.run.url,
      workflow: settings.run.workflow,
    },
    actor: settings.run.actor,
    holder: deps.holder ?? currentHolder(settings.baseEnv),
  };
}
