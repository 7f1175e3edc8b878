// Every rollback input parsed and validated into one typed settings object, before anything is read or changed.

import { DURATION_RANGES, InputError, parseEnvironmentName } from '../../common/units.js';
import { runContext, runInfo } from '../kit/context.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { historyLedger, type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';

export interface RollbackSettings {
  environment: string;
  to?: string;
  reason: string;
  dryRun: boolean;
  command?: string;
  workingDirectory: string;
  url?: string;
  onConcurrent: { mode: 'wait' | 'fail'; timeoutMs: number };
  ledger: LedgerSpec;
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
  run: { id: string; attempt: string; url: string; workflow: string; actor: string };
  baseEnv: Record<string, string | undefined>;
}

export function readSettings(input = new InputReader(), env = process.env): RollbackSettings {
  const context = runContext(env);
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const to = input.string('to');
  if (to !== undefined && !/^[\w.+\-/@]{1,128}$/.test(to)) {
    throw new InputError('to', `'to' must be a deployment id, a version or a commit SHA, got '${to}'`);
  }
  const reason = input.string('reason') ?? 'rollback requested';
  if (reason.length > 500)
    throw new InputError('reason', `'reason' must be at most 500 characters, got ${reason.length}`);
  const workingDirectory = input.folder('working-directory', context.roots);
  const url = input.recordedUrl('url');
  return {
    environment,
    to,
    reason,
    dryRun: input.boolean('dry-run') ?? false,
    command: input.string('command'),
    workingDirectory,
    url,
    onConcurrent: {
      mode: input.choice('on-concurrent', ['wait', 'fail'] as const) ?? 'wait',
      timeoutMs: input.duration('concurrent-timeout', DURATION_RANGES.wait) ?? 15 * 60_000,
    },
    ledger: historyLedger(parseLedgerSpec('ledger', input.string('ledger'), token, context.roots)),
    token,
    owner: context.owner,
    repo: context.repo,
    workspace: context.workspace,
    run: runInfo(context),
    baseEnv: withoutInputs(env),
  };
}
