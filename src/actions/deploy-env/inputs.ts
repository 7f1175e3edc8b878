// Every deploy-env input parsed and validated into one typed settings object, before anything is recorded.
import { InputError } from '../../common/input-error.js';
import { parseEnvironmentName } from '../../common/words.js';
import type { DeploySettings } from '../../deploy/deploy.js';
import { readOnConcurrent } from '../kit/concurrency.js';
import { runContext, runInfo } from '../kit/context.js';
import { readArtifactPath, readDeployCommit, readPayload } from '../kit/deploy-inputs.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';

export interface DeployEnvSettings {
  deploy: DeploySettings;
  ledger: LedgerSpec;
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
}

function parseContexts(lines: string[]): string[] | undefined {
  if (lines.length === 0) return undefined;
  if (lines.length === 1 && ['none', '[]'].includes(lines[0]!)) return [];
  return lines
    .flatMap((line) => line.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
}

export async function readSettings(input = new InputReader(), env = process.env): Promise<DeployEnvSettings> {
  const context = runContext(env);
  const workspace = context.workspace;
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const ledger = parseLedgerSpec('ledger', input.string('ledger'), token, context.roots);

  const { sha, ref: refName } = await readDeployCommit(input, context);
  const workingDirectory = input.folder('working-directory', context.roots);
  const artifact = readArtifactPath(input, context.roots);
  const version = input.label('version');
  const url = input.recordedUrl('url');
  const description = input.string('description');
  if (description !== undefined && description.length > 140) {
    throw new InputError(
      'description',
      `'description' must be at most 140 characters, got ${description.length}`,
    );
  }

  return {
    deploy: {
      environment,
      sha,
      ref: refName,
      version: version ?? sha.slice(0, 7),
      command: input.string('command'),
      workingDirectory,
      url,
      description,
      payload: readPayload(input),
      productionEnvironment: input.boolean('production-environment'),
      transientEnvironment: input.boolean('transient-environment') ?? false,
      requiredContexts: parseContexts(input.lines('required-contexts')),
      autoMerge: input.boolean('auto-merge') ?? false,
      artifactPath: artifact.resolved,
      artifactPathAsGiven: artifact.asGiven,
      onConcurrent: readOnConcurrent(input),
      task: 'deploy',
      run: runInfo(context),
      // The command sees the job's environment but not our own inputs (the token among them).
      baseEnv: withoutInputs(env),
    },
    ledger,
    token,
    owner: context.owner,
    repo: context.repo,
    workspace,
  };
}
