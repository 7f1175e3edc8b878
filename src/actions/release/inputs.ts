// Every input of the root action parsed and validated into one typed settings object (the gates and the
// smoke checks included) before any gate is asked, anything deployed or any request sent.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FULL_SHA, isPlausibleRef } from '../../common/git-refs.js';
import { InputError, parseEnvironmentName, parseUrl } from '../../common/units.js';
import type { DeploySettings } from '../../deploy/deploy.js';
import { resolveWithGit } from '../../deploy/resolve-ref.js';
import type { GatesConfig, GateTarget } from '../../gates/types.js';
import type { CheckDefaults } from '../../probe/checks-config.js';
import type { SmokeSettings } from '../../probe/types.js';
import { urlCheck } from '../../probe/url-check.js';
import { eventCommit, type RunContext, runContext, runInfo } from '../kit/context.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';
import { maskUrlCredentials } from '../kit/secrets.js';

export interface ReleaseSettings {
  deploy: DeploySettings;
  rollbackCommand: string;
  autoRollback: boolean;
  smoke?: SmokeSettings;
  gates?: { config: GatesConfig; target: GateTarget; overrideReason?: string };
  ledger: LedgerSpec;
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
  /** The step's environment without our inputs: what commands and the env gate see. */
  env: Record<string, string | undefined>;
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

async function readCommit(input: InputReader, context: RunContext): Promise<{ sha: string; ref: string }> {
  const fromEvent = eventCommit(context);
  const refInput = input.string('ref');
  if (refInput !== undefined && !isPlausibleRef(refInput)) {
    throw new InputError('ref', `'ref' must be a commit SHA, branch or tag name, got '${refInput}'`);
  }
  const sha = refInput === undefined ? fromEvent.sha : await resolveWithGit(refInput, context.workspace);
  if (sha === undefined || !FULL_SHA.test(sha)) {
    throw new InputError(
      'ref',
      `'ref' must be a full commit SHA or a branch or tag in the checkout at ${context.workspace}, got '${refInput ?? sha}'`,
    );
  }
  return { sha, ref: refInput ?? fromEvent.refName };
}

async function readSmoke(input: InputReader, workspace: string): Promise<SmokeSettings | undefined> {
  const urls = input.lines('smoke-url');
  const checksText = input.string('smoke-checks');
  const defaults: CheckDefaults = {
    headers: {},
    expectStatus: [{ min: 200, max: 299 }],
    followRedirects: true,
    maxRedirects: 5,
    samples: input.integer('smoke-samples', { min: 1, max: 100_000 }) ?? 20,
    timeoutMs: 10_000,
    thresholds: {
      p95Ms: input.duration('smoke-latency-p95'),
      maxErrorRate: input.fraction('smoke-max-error-rate') ?? 0,
    },
    tls: { insecure: false },
  };
  const waitTimeoutMs = input.duration('smoke-wait-timeout') ?? 60_000;
  if (urls.length === 0 && checksText === undefined) return undefined;
  const checks = urls.map((url) => {
    parseUrl('smoke-url', url);
    maskUrlCredentials(url);
    return urlCheck(url, 'GET', defaults);
  });
  if (checksText !== undefined) {
    const { loadChecks } = await import('../../probe/checks-config.js');
    checks.push(...(await loadChecks(checksText, defaults, { baseDir: workspace, input: 'smoke-checks' })));
  }
  return {
    checks,
    concurrency: 10,
    waitTimeoutMs,
    budgetMs: waitTimeoutMs + 5 * 60_000,
    retry: { initialDelayMs: 200, maxDelayMs: 5_000, factor: 2 },
  };
}

async function readGates(
  input: InputReader,
  context: RunContext,
  commit: { sha: string; ref: string },
  environment: string,
  env: NodeJS.ProcessEnv,
): Promise<ReleaseSettings['gates']> {
  const inline = input.string('gates');
  const file = input.string('gates-file');
  const overrideReason = input.string('override-freeze');
  if (inline === undefined && file === undefined) return undefined;
  if (inline !== undefined && file !== undefined) {
    throw new InputError('gates', "set either 'gates' (YAML) or 'gates-file' (a path), not both");
  }
  const { isGatesFilePath, parseGatesConfig } = await import('../../gates/config.js');
  if (file !== undefined && !isGatesFilePath(file)) {
    throw new InputError(
      'gates-file',
      `'gates-file' must be the path of a .yml, .yaml or .json file, got '${file}'`,
    );
  }
  const config = await parseGatesConfig((inline ?? file) as string, {
    input: inline !== undefined ? 'gates' : 'gates-file',
    baseDir: context.workspace,
  });
  const pull = context.event.pull_request as { number?: number; base?: { ref?: string } } | undefined;
  const onPullRequest = context.eventName.startsWith('pull_request');
  const target: GateTarget = {
    owner: context.owner,
    repo: context.repo,
    sha: commit.sha,
    // The gates judge the ref the release comes from: a full ref, as branch rules expect.
    ref: context.ref || `refs/heads/${commit.ref}`,
    environment,
    eventName: context.eventName,
    labels: [],
    selfCheckNames: [env.GITHUB_JOB].filter((name): name is string => Boolean(name)),
    ...(context.runId ? { runId: context.runId } : {}),
    ...(onPullRequest && pull?.number ? { pullNumber: pull.number } : {}),
    ...(onPullRequest && pull?.base?.ref ? { baseRef: pull.base.ref } : {}),
  };
  return { config, target, ...(overrideReason !== undefined ? { overrideReason } : {}) };
}

export async function readSettings(input = new InputReader(), env = process.env): Promise<ReleaseSettings> {
  const context = runContext(env);
  const workspace = context.workspace;
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const ledger = parseLedgerSpec('ledger', input.string('ledger'), token);
  const commit = await readCommit(input, context);
  const command = input.required('command');

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
  const url = input.string('url');
  const smoke = await readSmoke(input, workspace);
  const gates = await readGates(input, context, commit, environment, env);
  const baseEnv = withoutInputs(env);

  return {
    deploy: {
      environment,
      sha: commit.sha,
      ref: commit.ref,
      version: input.label('version') ?? commit.sha.slice(0, 7),
      command,
      workingDirectory,
      url: url === undefined ? undefined : parseUrl('url', url),
      payload: parsePayload(input.string('payload')),
      productionEnvironment: input.boolean('production-environment'),
      autoMerge: false,
      // The gates have judged the commit's checks already, when configured; GitHub's default otherwise.
      requiredContexts: gates ? [] : undefined,
      artifactPath: artifactPath === undefined ? undefined : resolve(workspace, artifactPath),
      artifactPathAsGiven: artifactPath,
      onConcurrent: {
        mode: input.choice('on-concurrent', ['wait', 'fail'] as const) ?? 'wait',
        timeoutMs: input.duration('concurrent-timeout') ?? 15 * 60_000,
      },
      task: 'deploy',
      run: runInfo(context),
      baseEnv,
    },
    rollbackCommand: input.string('rollback-command') ?? command,
    autoRollback: input.boolean('auto-rollback') ?? true,
    ...(smoke ? { smoke } : {}),
    ...(gates ? { gates } : {}),
    ledger,
    token,
    owner: context.owner,
    repo: context.repo,
    workspace,
    env: baseEnv,
  };
}
