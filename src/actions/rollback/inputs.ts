// Every rollback input parsed and validated into one typed settings object, before anything is read or changed.
import { InputError, quote } from '../../common/input-error.js';
import { parseEnvironmentName } from '../../common/words.js';
import { rollbackSettings } from '../../rollback/run.js';
import { readOnConcurrent } from '../kit/concurrency.js';
import { runContext, runInfo } from '../kit/context.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { historyLedger, parseLedgerSpec } from '../kit/ledger.js';
import type { RollbackOnLedger } from '../kit/rollback.js';

/** A press a little ahead of this machine's clock is skew; one further ahead is a mistake. */
const PRESSED_AT_SKEW_MS = 5 * 60_000;

/** An ISO 8601 time with a date, a time and a zone (`2026-03-01T10:15:00Z`), not in the future. */
export function parsePressedAt(text: string, now = Date.now()): string {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
  const at = Date.parse(text);
  if (!iso.test(text.trim()) || Number.isNaN(at)) {
    throw new InputError(
      'pressed-at',
      `'pressed-at' must be a time in ISO 8601 with its zone, like 2026-03-01T10:15:00Z, got ${quote(text)}`,
    );
  }
  if (at > now + PRESSED_AT_SKEW_MS) {
    throw new InputError(
      'pressed-at',
      `'pressed-at' must not be in the future, got ${quote(text)} (it is ${new Date(now).toISOString()} here)`,
    );
  }
  return new Date(at).toISOString();
}

/** The rollback engine's settings and the ledger it reads and records in. */
export type RollbackActionSettings = RollbackOnLedger;

export function readSettings(input = new InputReader(), env = process.env): RollbackActionSettings {
  const context = runContext(env);
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const to = input.string('to');
  if (to !== undefined && !/^[\w.+\-/@]{1,128}$/.test(to)) {
    throw new InputError('to', `'to' must be a deployment id, a version or a commit SHA, got '${to}'`);
  }
  const reason = input.string('reason');
  if (reason !== undefined && reason.length > 500)
    throw new InputError('reason', `'reason' must be at most 500 characters, got ${reason.length}`);
  const workingDirectory = input.folder('working-directory', context.roots);
  const url = input.recordedUrl('url');
  const pressedAt = input.string('pressed-at');
  return {
    rollback: rollbackSettings({
      environment,
      to,
      reason,
      dryRun: input.boolean('dry-run'),
      command: input.string('command'),
      workingDirectory,
      url,
      onConcurrent: readOnConcurrent(input),
      pressedAt: pressedAt === undefined ? undefined : parsePressedAt(pressedAt),
      historyLimit: input.integer('history-limit', { min: 1, max: 100_000 }),
      workspace: context.workspace,
      run: runInfo(context),
      baseEnv: withoutInputs(env),
    }),
    ledger: historyLedger(parseLedgerSpec('ledger', input.string('ledger'), token, context.roots)),
    token,
    owner: context.owner,
    repo: context.repo,
    workspace: context.workspace,
  };
}
