// Every insights input parsed and validated into one typed settings object, before the record is read.
import { parseEnvironmentName } from '../../common/words.js';
import { resolveInside } from '../../common/workspace-path.js';
import { DEFAULT_LOOKBACK_DAYS } from '../../insights/insights.js';
import { parsePeriod } from '../../insights/period.js';
import { DEFAULT_READ_LIMIT } from '../../insights/record.js';
import type { Period } from '../../insights/types.js';
import { type RunContext, runContext } from '../kit/context.js';
import { InputReader } from '../kit/inputs.js';
import { historyLedger, type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';

export interface InsightsSettings {
  environment: string;
  period: Period;
  ledger: LedgerSpec;
  report?: string;
  lookbackDays: number;
  limit: number;
  token?: string;
  context: RunContext;
}

export function readSettings(
  input = new InputReader(),
  now = new Date(),
  env: NodeJS.ProcessEnv = process.env,
): InsightsSettings {
  const context = runContext(env);
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const period = parsePeriod('since', input.string('since') ?? '90d', now, input.string('until'));
  const token = input.secret('token');
  // Insights read history: a misspelt ledger path is an error, not an environment with no deployments.
  const ledger = historyLedger(parseLedgerSpec('ledger', input.string('ledger'), token, context.roots));
  const report = input.string('report');
  return {
    environment,
    period,
    ledger,
    ...(report !== undefined ? { report: resolveInside({ input: 'report' }, report, context.roots) } : {}),
    lookbackDays: input.integer('lookback-days', { min: 1, max: 3660 }) ?? DEFAULT_LOOKBACK_DAYS,
    limit: input.integer('history-limit', { min: 1, max: 100_000 }) ?? DEFAULT_READ_LIMIT,
    ...(token !== undefined ? { token } : {}),
    context,
  };
}
