// Every watch input parsed and validated into one typed settings object, before the ledger or a metric source
// is asked anything.
import { formatDuration } from '../../common/durations.js';
import { InputError } from '../../common/input-error.js';
import { parseEnvironmentName } from '../../common/words.js';
import type { DeploySettings, RunInfo } from '../../deploy/deploy.js';
import type { WatchSettings } from '../../watch/watch.js';
import { readOnConcurrent } from '../kit/concurrency.js';
import { runContext, runInfo } from '../kit/context.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { historyLedger, type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';
import { type MetricsChoice, readAnalysis, readMetrics } from '../kit/metric-inputs.js';

/** A window from a minute to 30 days: a watch past a month is monitoring, not a release's watch. */
const WINDOW_RANGE = { min: 60_000, max: 30 * 24 * 3_600_000 };
/** The schedule: GitHub runs a scheduled workflow at most every 5 minutes; a laptop's loop may run faster. */
const EVERY_RANGE = { min: 10_000, max: 24 * 3_600_000 };

export interface WatchActionSettings {
  watch: WatchSettings;
  metrics: MetricsChoice;
  ledger: LedgerSpec;
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
  /** How a breach is rolled back: the rollback engine's redeploy, in turn with other deploys. */
  rollback: {
    command?: string;
    workingDirectory: string;
    onConcurrent: DeploySettings['onConcurrent'];
    run: RunInfo;
    baseEnv: Record<string, string | undefined>;
  };
}

export function readSettings(input = new InputReader(), env = process.env): WatchActionSettings {
  const context = runContext(env);
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const windowMs = input.duration('window', WINDOW_RANGE) ?? 24 * 3_600_000;
  const everyMs = input.duration('every', EVERY_RANGE) ?? 15 * 60_000;
  if (everyMs > windowMs)
    throw new InputError(
      'every',
      `'every' (${formatDuration(everyMs)}) must not be longer than 'window' (${formatDuration(windowMs)}): the window would pass between two looks`,
    );
  const compare = input.choice('compare', ['previous', 'limits'] as const) ?? 'previous';
  const metrics = readMetrics(input, everyMs, env, { baselineUrl: 'defaults-to-canary' });
  if (metrics.kind === 'probe' && compare === 'previous')
    throw new InputError(
      'compare',
      "'compare' must be limits with metrics: probe: the probe reaches the live release only, the previous one is gone",
    );
  const minSamples = input.integer('min-samples', { min: 2, max: 1_000_000 }) ?? 20;
  const analysis = readAnalysis(input, minSamples, minSamples);
  if (compare === 'limits' && Object.values(analysis.thresholds).every((limit) => limit === undefined))
    throw new InputError(
      'compare',
      "'compare: limits' needs at least one limit: latency-p95, latency-p99 or max-error-rate",
    );
  const workingDirectory = input.folder('working-directory', context.roots);
  const settings: WatchActionSettings = {
    watch: {
      environment,
      windowMs,
      everyMs,
      compare,
      analysis,
      rollback: input.boolean('rollback') ?? true,
    },
    metrics,
    ledger: historyLedger(parseLedgerSpec('ledger', input.string('ledger'), token, context.roots)),
    token,
    owner: context.owner,
    repo: context.repo,
    workspace: context.workspace,
    rollback: {
      command: input.string('rollback-command'),
      workingDirectory,
      onConcurrent: readOnConcurrent(input),
      run: runInfo(context),
      baseEnv: withoutInputs(env),
    },
  };
  return settings;
}
