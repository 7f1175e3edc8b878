// Every preflight-gates input parsed and validated into one typed settings object, the gates YAML included,
// before any API call: an unknown gate or key fails here, naming the input and the key path.

import { join } from 'node:path';
import { FULL_SHA, isPlausibleRef } from '../../common/git-refs.js';
import { InputError } from '../../common/input-error.js';
import { parseEnvironmentName } from '../../common/words.js';
import { resolveInside } from '../../common/workspace-path.js';
import { eventCommit, type RunContext, runContext } from '../kit/context.js';
import { gateTarget, maskGateSecrets, readGatesSource } from '../kit/gates.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { type GatesStageSettings, gatesClock } from '../kit/stages/gates.js';

export interface PreflightSettings extends GatesStageSettings {
  token?: string;
  /** Publish the `deploy-kit / preflight` check run. */
  checkRun: boolean;
  reportPath: string;
  /** Where the run's log is, for the check run's details link. */
  runUrl: string;
  /** The token and the values of the env gate's secrets (masked), kept out of the report and check run. */
  secretValues: string[];
}

function readRef(input: InputReader, context: RunContext): string {
  const ref = input.string('ref');
  if (ref === undefined) return context.ref;
  if (!ref.startsWith('refs/') || !isPlausibleRef(ref)) {
    throw new InputError(
      'ref',
      `'ref' must be a full ref like refs/heads/main or refs/tags/v1.2.0, got '${ref}'`,
    );
  }
  return ref;
}

function readSha(input: InputReader, context: RunContext): string {
  const sha = input.string('sha');
  if (sha === undefined) return eventCommit(context).sha;
  if (!FULL_SHA.test(sha))
    throw new InputError('sha', `'sha' must be a full 40-character commit SHA, got '${sha}'`);
  return sha;
}

export async function readSettings(
  input = new InputReader(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<PreflightSettings> {
  const context = runContext(env);
  const workspace = context.workspace;
  const now = gatesClock(env);
  const token = input.secret('token');
  // A token goes into an HTTP header: a line break in it would make every API error quote it across lines.
  if (token !== undefined && /[\s\u0000-\u001f\u007f]/.test(token)) {
    throw new InputError(
      'token',
      `'token' must be a GitHub token, one word without spaces, line breaks or control characters (got ${token.length} characters)`,
    );
  }
  // The parser and its JSON Schema validator load only here, after the cheap inputs are read.
  const { isGatesFilePath, parseGatesConfig } = await import('../../gates/config.js');
  const source = readGatesSource(input, isGatesFilePath, { required: true })!;
  const config = await parseGatesConfig(source.text, {
    input: source.label,
    baseDir: workspace,
    roots: context.roots,
  });

  const environmentText = input.string('environment');
  const environment =
    environmentText === undefined ? undefined : parseEnvironmentName('environment', environmentText);
  const pullNumber = input.integer('pull-request', { min: 1 });
  const target = gateTarget(context, env, {
    sha: readSha(input, context),
    ref: readRef(input, context),
    ...(environment !== undefined ? { environment } : {}),
    ...(pullNumber !== undefined ? { pullNumber } : {}),
  });
  const secretValues = maskGateSecrets(config, env, token);

  const temp = env.RUNNER_TEMP ?? join(workspace, '.deploy-kit');
  const overrideReason = input.string('override-freeze');
  return {
    config,
    target,
    ...(token !== undefined ? { token } : {}),
    checkRun: input.boolean('check-run') ?? true,
    ...(overrideReason !== undefined ? { overrideReason } : {}),
    reportPath: resolveInside(
      { input: 'report-path' },
      input.string('report-path') ?? join(temp, 'deploy-kit', 'preflight-gates-report.json'),
      context.roots,
    ),
    workspace,
    env: withoutInputs(env),
    now,
    runUrl: context.runUrl,
    secretValues,
  };
}
