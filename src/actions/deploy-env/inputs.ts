// Every deploy-env input parsed and validated into one typed settings object, before anything is recorded.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FULL_SHA, isPlausibleRef } from '../../common/git-refs.js';
import { InputError, parseEnvironmentName, parseUrl } from '../../common/units.js';
import type { DeploySettings } from '../../deploy/deploy.js';
import { resolveWithGit } from '../../deploy/resolve-ref.js';
import { eventCommit, runContext, runInfo } from '../kit/context.js';
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

function parsePayload(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      'payload',
      `'payload' must be a JSON object, got invalid JSON (${(error as Error).message})`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('payload', '\'payload\' must be a JSON object like {"image": "app:1.2.3"}');
  }
  return value as Record<string, unknown>;
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
  const ledger = parseLedgerSpec('ledger', input.string('ledger'), token);

  const fromEvent = eventCommit(context);
  const refInput = input.string('ref');
  if (refInput !== undefined && !isPlausibleRef(refInput)) {
    throw new InputError('ref', `'ref' must be a commit SHA, branch or tag name, got '${refInput}'`);
  }
  const sha = refInput === undefined ? fromEvent.sha : await resolveWithGit(refInput, workspace);
  const refName = refInput === undefined ? fromEvent.refName : refInput;
  if (sha === undefined) {
    throw new InputError(
      'ref',
      `'ref' must be a full commit SHA or a branch or tag in the checkout at ${workspace}, got '${refInput}' (fetch it with actions/checkout fetch-depth: 0, or pass the SHA)`,
    );
  }
  if (!FULL_SHA.test(sha)) {
    throw new InputError(
      'ref',
      `'ref' is needed: there is no commit to deploy (GITHUB_SHA is '${sha}'); give a SHA, branch or tag`,
    );
  }

  const workingDirectory = resolve(workspace, input.string('working-directory') ?? '.');
  if (!existsSync(workingDirectory)) {
    throw new InputError(
      'working-directory',
      `'working-directory' must be an existing folder, got '${workingDirectory}'`,
    );
  }
  const artifactPath = input.string('artifact-path');
  if (artifactPath !== undefined && !existsSync(resolve(workspace, artifactPath))) {
    throw new InputError(
      'artifact-path',
      `'artifact-path' must name an existing file or folder, got '${artifactPath}'`,
    );
  }
  const version = input.label('version');
  const url = input.string('url');
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
      url: url === undefined ? undefined : parseUrl('url', url),
      description,
      payload: parsePayload(input.string('payload')),
      productionEnvironment: input.boolean('production-environment'),
      transientEnvironment: input.boolean('transient-environment') ?? false,
      requiredContexts: parseContexts(input.lines('required-contexts')),
      autoMerge: input.boolean('auto-merge') ?? false,
      artifactPath: artifactPath === undefined ? undefined : resolve(workspace, artifactPath),
      artifactPathAsGiven: artifactPath,
      onConcurrent: {
        mode: input.choice('on-concurrent', ['wait', 'fail'] as const) ?? 'wait',
        timeoutMs: input.duration('concurrent-timeout') ?? 15 * 60_000,
      },
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
