// Every canary-promote input parsed and validated into one typed settings object, before any traffic moves.
// The router and the metric source are built here too (building changes nothing), so their own checks
// surface as errors naming the input at fault.

import { isAbsolute, resolve } from 'node:path';
import { POLICIES } from '../../analysis/policy.js';
import type { AnalysisSettings, OutcomePolicies } from '../../analysis/types.js';
import type { RolloutControl } from '../../canary/control.js';
import { createFileControl } from '../../canary/control-file.js';
import { createHttpControl, type HttpControlSettings } from '../../canary/control-http.js';
import { stateKey } from '../../canary/state.js';
import { leastDuration, parseSteps } from '../../canary/steps.js';
import type { RolloutSettings } from '../../canary/types.js';
import { DURATION_RANGES, formatDuration } from '../../common/durations.js';
import { InputError, quote } from '../../common/input-error.js';
import { parseEnvironmentName } from '../../common/words.js';
import { type PathRoots, resolveInside } from '../../common/workspace-path.js';
import { headersProblem } from '../../http/headers.js';
import { httpUrlProblem, parseUrl } from '../../http/url.js';
import { rollbackSettings } from '../../rollback/run.js';
import {
  createRouter,
  ROUTER_KINDS,
  type Router,
  RouterError,
  type RouterKind,
} from '../../traffic/index.js';
import { runContext, runInfo } from '../kit/context.js';
import * as core from '../kit/core.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { parseLedgerSpec } from '../kit/ledger.js';
import {
  inputFor,
  type MetricsChoice,
  readAnalysis,
  readMetrics,
  requiredFor,
} from '../kit/metric-inputs.js';
import type { RollbackOnLedger } from '../kit/rollback.js';

type RouterChoice =
  | { kind: 'nginx'; settings: Parameters<typeof createRouter<'nginx'>>[1] }
  | { kind: 'command'; settings: Parameters<typeof createRouter<'command'>>[1] }
  | { kind: 'http'; settings: Parameters<typeof createRouter<'http'>>[1] };

export interface CanarySettings {
  rollout: RolloutSettings;
  analysis: AnalysisSettings;
  router: RouterChoice;
  metrics: MetricsChoice;
  /** The file the rollout state is saved in. */
  stateFile: string;
  /** stateKey(environment, canary version). */
  key: string;
  /** `<run id>.<attempt>`. */
  run: string;
  /** Where the workspace is and which attempt of which run this is (for the state kept in the Actions cache). */
  job: { workspace: string; runId: string; attempt: number };
  /** Set when `rollback: true`: the rollback engine's settings, aimed at the baseline version, and its ledger. */
  rollback?: RollbackOnLedger;
  /** Where commands at run time come from (control-file or control-url), when either is given. */
  control?: ControlChoice;
  /** `strategy: blue-green`: the idle colour's own address and the front door, smoke-tested around the switch. */
  blueGreen?: { idleUrl: string; frontUrl?: string };
}

export type ControlChoice =
  | { kind: 'file'; path: string; shown: string }
  | { kind: 'url'; settings: HttpControlSettings };

/** control-file or control-url (not both): checked here, so a bad one stops the run before traffic moves. */
function readControl(
  input: InputReader,
  workingDirectory: string,
  roots: PathRoots,
): ControlChoice | undefined {
  const file = input.string('control-file');
  const url = input.url('control-url');
  if (file !== undefined && url !== undefined)
    throw new InputError('control-url', "'control-file' and 'control-url' are both given: give one of them");
  if (file !== undefined)
    return {
      kind: 'file',
      path: resolveInside({ input: 'control-file' }, file, roots, workingDirectory),
      shown: file,
    };
  if (url === undefined) return undefined;
  const urlProblem = httpUrlProblem("'control-url'", url);
  if (urlProblem) throw new InputError('control-url', urlProblem);
  const headers = input.headers('control-headers');
  const headerProblem = headersProblem(headers);
  if (headerProblem) throw new InputError('control-headers', `'control-headers': ${headerProblem}`);
  const settings: HttpControlSettings = { url, headers };
  return { kind: 'url', settings };
}

function readRouter(
  input: InputReader,
  cwd: string,
  baseEnv: Record<string, string | undefined>,
): RouterChoice {
  const kind = input.choice('router', ROUTER_KINDS);
  if (kind === undefined) throw new InputError('router', "'router' is required: one of nginx, command, http");
  switch (kind) {
    case 'command':
      return {
        kind,
        settings: {
          script: requiredFor(
            'router-command',
            input.string('router-command'),
            'router: command',
            'the script that sets DEPLOY_KIT_CANARY_WEIGHT',
          ),
          cwd,
          env: baseEnv,
        },
      };
    case 'http': {
      const url = parseUrl(
        'router-url',
        requiredFor('router-url', input.url('router-url'), 'router: http', 'where the weight is sent'),
      );
      return { kind, settings: { url, headers: input.headers('router-headers') } };
    }
    case 'nginx': {
      const why = 'the nginx router writes an upstream block of the baseline and the canary';
      const args = input.string('nginx-args');
      const reload = input.string('nginx-reload-command');
      const pidFile = input.string('nginx-pid-file');
      const test = input.boolean('nginx-test') ?? true;
      const config = requiredFor('nginx-config', input.string('nginx-config'), 'router: nginx', why);
      return {
        kind,
        settings: {
          configPath: isAbsolute(config) ? config : resolve(cwd, config),
          upstream: requiredFor('nginx-upstream', input.string('nginx-upstream'), 'router: nginx', why),
          baseline: requiredFor('nginx-baseline', input.string('nginx-baseline'), 'router: nginx', why),
          canary: requiredFor('nginx-canary', input.string('nginx-canary'), 'router: nginx', why),
          ...(args ? { nginxArgs: args.split(/\s+/).filter(Boolean) } : {}),
          ...(reload ? { reloadCommand: { script: reload } } : {}),
          ...(pidFile ? { pidFile: resolve(cwd, pidFile) } : {}),
          test,
          cwd,
          env: baseEnv,
        },
      };
    }
  }
}

function readPolicies(input: InputReader): OutcomePolicies {
  return {
    onNoData: input.choice('on-no-data', POLICIES) ?? 'hold',
    onInconclusive: input.choice('on-inconclusive', POLICIES) ?? 'extend',
    onError: input.choice('on-error', POLICIES) ?? 'hold',
  };
}

export function readSettings(
  input = new InputReader(),
  env: NodeJS.ProcessEnv = process.env,
): CanarySettings {
  const context = runContext(env);
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const baselineVersion = input.required('baseline-version');
  const canaryVersion = input.required('canary-version');
  for (const [name, version] of [
    ['baseline-version', baselineVersion],
    ['canary-version', canaryVersion],
  ] as const) {
    if (!/^[\w.+\-/@:]{1,128}$/.test(version))
      throw new InputError(
        name,
        `'${name}' must be a version like v1.2.3 or a commit SHA, got ${quote(version)}`,
      );
  }
  if (baselineVersion === canaryVersion)
    throw new InputError(
      'canary-version',
      `'canary-version' must differ from baseline-version, both are '${canaryVersion}'`,
    );
  const token = input.secret('token');
  const holdMs = input.duration('hold', DURATION_RANGES.wait) ?? 5 * 60_000;
  const steps = parseSteps('steps', input.string('steps') ?? '5,25,50,100', holdMs);
  const intervalMs = input.duration('interval', { min: 10, max: DURATION_RANGES.request.max }) ?? 30_000;
  const maxDurationMs = input.duration('max-duration', DURATION_RANGES.wait) ?? 60 * 60_000;
  if (leastDuration(steps) > maxDurationMs)
    throw new InputError(
      'max-duration',
      `'max-duration' (${formatDuration(maxDurationMs)}) is shorter than the steps' holds together (${formatDuration(leastDuration(steps))}): the rollout could never finish`,
    );
  const workingDirectory = input.folder('working-directory', context.roots);
  const baseEnv = withoutInputs(env);
  const router = readRouter(input, workingDirectory, baseEnv);
  const blueGreen = readBlueGreen(input);
  const metrics = readMetrics(
    input,
    intervalMs,
    env,
    // Blue-green judges no metrics: the idle colour's address is all the probe needs.
    blueGreen ? { baselineUrl: 'defaults-to-canary' } : undefined,
  );
  const control = readControl(input, workingDirectory, context.roots);
  const minSamples = input.integer('min-samples', { min: 2, max: 1_000_000 }) ?? 20;
  const maxSamples = input.integer('max-samples', { min: 2, max: 1_000_000 }) ?? 500;
  if (maxSamples < minSamples)
    throw new InputError(
      'max-samples',
      `'max-samples' must be at least min-samples (${minSamples}), got ${maxSamples}`,
    );
  const analysis = readAnalysis(input, minSamples, maxSamples);
  const dryRun = input.boolean('dry-run') ?? false;
  const stateFile = resolveInside(
    { input: 'state-file' },
    input.string('state-file') ?? '.deploy-kit/canary-state.json',
    context.roots,
  );
  // A missing ledger is no history here: the aborted canary's rollback warns there is nothing to go back to.
  const wantsRollback = input.boolean('rollback') ?? false;
  const ledger = parseLedgerSpec('ledger', input.string('ledger'), token, context.roots, {
    used: wantsRollback,
  });
  const rollbackCommand = input.string('rollback-command');
  const run = runInfo(context);
  const rollback: RollbackOnLedger | undefined = wantsRollback
    ? {
        rollback: rollbackSettings({
          environment,
          to: baselineVersion,
          reason: `canary ${canaryVersion} aborted`,
          dryRun,
          command: rollbackCommand,
          workingDirectory,
          workspace: context.workspace,
          run,
          baseEnv,
        }),
        ledger,
        token,
        owner: context.owner,
        repo: context.repo,
        workspace: context.workspace,
      }
    : undefined;
  return {
    rollout: {
      environment,
      baselineVersion,
      canaryVersion,
      steps,
      intervalMs,
      maxDurationMs,
      policies: readPolicies(input),
      minSamples,
      dryRun,
    },
    analysis,
    router,
    metrics,
    stateFile,
    key: stateKey(environment, canaryVersion),
    run: `${run.id}.${run.attempt}`,
    job: { workspace: context.workspace, runId: run.id, attempt: Number(run.attempt) || 1 },
    ...(rollback ? { rollback } : {}),
    ...(control ? { control } : {}),
    ...(blueGreen ? { blueGreen } : {}),
  };
}

/** strategy: canary (default) or blue-green, which needs the idle colour's own address (canary-url). */
function readBlueGreen(input: InputReader): CanarySettings['blueGreen'] {
  const strategy = input.choice('strategy', ['canary', 'blue-green'] as const) ?? 'canary';
  const frontUrl = input.url('smoke-url');
  if (strategy === 'canary') {
    if (frontUrl !== undefined)
      throw new InputError(
        'smoke-url',
        "'smoke-url' is for strategy: blue-green (the front door after the switch)",
      );
    return undefined;
  }
  const idleUrl = parseUrl(
    'canary-url',
    requiredFor(
      'canary-url',
      input.url('canary-url'),
      'strategy: blue-green',
      'the idle colour is smoke-tested there before the switch',
    ),
  );
  return { idleUrl, ...(frontUrl !== undefined ? { frontUrl: parseUrl('smoke-url', frontUrl) } : {}) };
}

/** The control the settings name, if any. */
export function openControl(settings: CanarySettings): RolloutControl | undefined {
  const control = settings.control;
  if (!control) return undefined;
  return control.kind === 'file'
    ? createFileControl(control.path, control.shown)
    : createHttpControl(control.settings);
}

/** Per router, the input behind each of its settings; a complaint with no setting falls on the first. */
const ROUTER_INPUTS: Record<RouterKind, [string, ...[setting: string, input: string][]]> = {
  command: ['router-command'],
  http: ['router-url', ['headers', 'router-headers']],
  nginx: [
    'nginx-config',
    ['upstream', 'nginx-upstream'],
    ['baseline', 'nginx-baseline'],
    ['canary', 'nginx-canary'],
    ['reloadCommand', 'nginx-reload-command'],
    ['nginxArgs', 'nginx-args'],
    ['pidFile', 'nginx-pid-file'],
  ],
};

/** The router the settings name; its own checks become errors naming the input. */
export function openRouter(settings: CanarySettings): Router {
  const { kind, settings: given } = settings.router;
  try {
    return createRouter(kind, given as never, { log: core });
  } catch (error) {
    const message = (error as Error).message;
    const name = inputFor(ROUTER_INPUTS[kind], error instanceof RouterError ? error.setting : undefined);
    throw new InputError(name, `'${name}' (router: ${kind}): ${message.replace(/^[a-z]+ router: /, '')}`);
  }
}
