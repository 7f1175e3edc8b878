// The gates stage, alike in preflight-gates and the root release action: the client (only when a gate reads
// GitHub), the settings' clock, and every configured gate evaluated in its own log group.
import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from '../../../common/durations.js';
import { InputError } from '../../../common/input-error.js';
import { evaluateGates } from '../../../gates/evaluate.js';
import type { GateContext, GateLog, GatesConfig, GatesReport, GateTarget } from '../../../gates/types.js';
import type { GitHubClient } from '../../../github/client.js';
import * as core from '../core.js';
import { gatesReadGitHub } from '../gates.js';
import { githubClient } from '../github.js';

export interface GatesStageSettings {
  config: GatesConfig;
  target: GateTarget;
  overrideReason?: string;
  /** The step's environment without our inputs: what the env gate and commands see. */
  env: Record<string, string | undefined>;
  workspace: string;
  /** The gates' clock (gatesClock): the freeze gate judges its time. */
  now: () => Date;
}

/**
 * The clock. `DEPLOY_KIT_NOW` (an ISO 8601 time) starts it at another moment, for tests of freeze windows;
 * it then runs at the real pace, so waits and timeouts still end.
 */
export function gatesClock(env: NodeJS.ProcessEnv): () => Date {
  const text = env.DEPLOY_KIT_NOW;
  if (!text) return () => new Date();
  const start = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(start)) {
    throw new InputError(
      'DEPLOY_KIT_NOW',
      `DEPLOY_KIT_NOW (a clock override for tests) must be an ISO 8601 time like 2026-03-27T15:00:00Z, got '${text}'`,
    );
  }
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset);
}

/** The client, only when a gate (or `alsoNeeded`: the check run) needs the API; none without a token. */
export async function gatesClient(
  config: GatesConfig,
  token: string | undefined,
  alsoNeeded = false,
): Promise<GitHubClient | undefined> {
  if (token === undefined || !(alsoNeeded || gatesReadGitHub(config))) return undefined;
  return githubClient(token);
}

/** Every configured gate, each in its own log group (all of them, even when one fails). */
export function runGatesStage(
  settings: GatesStageSettings,
  github: GitHubClient | undefined,
  signal: AbortSignal,
): Promise<GatesReport> {
  const context: GateContext = {
    target: settings.target,
    ...(github ? { github } : {}),
    env: settings.env,
    workspace: settings.workspace,
    log: gateLog,
    signal,
    now: settings.now,
    sleep: (ms, abort) => delay(ms, undefined, abort ? { signal: abort } : {}),
    ...(settings.overrideReason !== undefined ? { overrideReason: settings.overrideReason } : {}),
  };
  return evaluateGates(settings.config, context, {
    onGateStart: (gate) => core.startGroup(`${gate} gate`),
    onGateResult: (result) => {
      core.info(`${result.gate}: ${result.verdict}: ${result.detail} (${formatDuration(result.durationMs)})`);
      core.endGroup();
    },
  });
}

/** The gates' log. GitHub does not nest groups: a gate's own group becomes a titled part of the gate's group. */
const gateLog: GateLog = {
  info: core.info,
  warning: core.warning,
  group: async (name, fn) => {
    core.info(`── ${name}`);
    return fn();
  },
};
