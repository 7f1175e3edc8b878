// Every input of the root action parsed and validated into one typed settings object (the gates and the
// smoke checks included) before any gate is asked, anything deployed or any request sent.

import { DURATION_RANGES } from '../../common/durations.js';
import { parseEnvironmentName } from '../../common/words.js';
import type { PathRoots } from '../../common/workspace-path.js';
import type { DeploySettings } from '../../deploy/deploy.js';
import { parseUrl } from '../../http/url.js';
import type { CheckDefaults } from '../../probe/checks-config.js';
import type { SmokeSettings } from '../../probe/types.js';
import { urlCheck } from '../../probe/url-check.js';
import { type RollbackSettings, rollbackSettings } from '../../rollback/run.js';
import { readOnConcurrent } from '../kit/concurrency.js';
import { type RunContext, runContext, runInfo } from '../kit/context.js';
import { readArtifactPath, readDeployCommit, readPayload } from '../kit/deploy-inputs.js';
import { gateTarget, maskGateSecrets, readGatesSource } from '../kit/gates.js';
import { InputReader, withoutInputs } from '../kit/inputs.js';
import { type LedgerSpec, parseLedgerSpec } from '../kit/ledger.js';
import { maskUrlCredentials } from '../kit/secrets.js';
import { type GatesStageSettings, gatesClock } from '../kit/stages/gates.js';

export interface ReleaseSettings {
  deploy: DeploySettings;
  /** The automatic rollback's settings; its reason and the deployment it undoes are known once it runs. */
  rollback: RollbackSettings;
  autoRollback: boolean;
  smoke?: SmokeSettings;
  gates?: GatesStageSettings;
  ledger: LedgerSpec;
  token?: string;
  owner: string;
  repo: string;
  workspace: string;
}

async function readSmoke(input: InputReader, roots: PathRoots): Promise<SmokeSettings | undefined> {
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
      p95Ms: input.duration('smoke-latency-p95', DURATION_RANGES.request),
      maxErrorRate: input.fraction('smoke-max-error-rate') ?? 0,
    },
    tls: { insecure: false },
  };
  const waitTimeoutMs = input.duration('smoke-wait-timeout', DURATION_RANGES.wait) ?? 60_000;
  if (urls.length === 0 && checksText === undefined) return undefined;
  const checks = urls.map((url) => {
    parseUrl('smoke-url', url);
    maskUrlCredentials(url);
    return urlCheck(url, 'GET', defaults);
  });
  if (checksText !== undefined) {
    const { loadChecks } = await import('../../probe/checks-config.js');
    checks.push(
      ...(await loadChecks(checksText, defaults, { baseDir: roots.workspace, roots, input: 'smoke-checks' })),
    );
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
  token: string | undefined,
): Promise<ReleaseSettings['gates']> {
  const { isGatesFilePath, parseGatesConfig } = await import('../../gates/config.js');
  const source = readGatesSource(input, isGatesFilePath, { required: false });
  const overrideReason = input.string('override-freeze');
  if (source === undefined) return undefined;
  const config = await parseGatesConfig(source.text, {
    input: source.label,
    baseDir: context.workspace,
    roots: context.roots,
  });
  maskGateSecrets(config, env, token);
  // The gates judge the ref the release comes from: a full ref, as branch rules expect.
  const target = gateTarget(context, env, {
    sha: commit.sha,
    ref: context.ref || `refs/heads/${commit.ref}`,
    environment,
  });
  return {
    config,
    target,
    ...(overrideReason !== undefined ? { overrideReason } : {}),
    env: withoutInputs(env),
    workspace: context.workspace,
    now: gatesClock(env),
  };
}

export async function readSettings(input = new InputReader(), env = process.env): Promise<ReleaseSettings> {
  const context = runContext(env);
  const workspace = context.workspace;
  const environment = parseEnvironmentName('environment', input.required('environment'));
  const token = input.secret('token');
  const ledger = parseLedgerSpec('ledger', input.string('ledger'), token, context.roots);
  const commit = await readDeployCommit(input, context);
  const command = input.required('command');

  const workingDirectory = input.folder('working-directory', context.roots);
  const artifact = readArtifactPath(input, context.roots);
  const url = input.recordedUrl('url');
  const smoke = await readSmoke(input, context.roots);
  const gates = await readGates(input, context, commit, environment, env, token);
  const baseEnv = withoutInputs(env);
  const deploy: DeploySettings = {
    environment,
    sha: commit.sha,
    ref: commit.ref,
    version: input.label('version') ?? commit.sha.slice(0, 7),
    command,
    workingDirectory,
    url,
    payload: readPayload(input),
    productionEnvironment: input.boolean('production-environment'),
    autoMerge: false,
    // The gates have judged the commit's checks already, when configured; GitHub's default otherwise.
    requiredContexts: gates ? [] : undefined,
    artifactPath: artifact.resolved,
    artifactPathAsGiven: artifact.asGiven,
    onConcurrent: readOnConcurrent(input),
    task: 'deploy',
    run: runInfo(context),
    baseEnv,
  };
  return {
    deploy,
    rollback: rollbackSettings({
      environment,
      command: input.string('rollback-command') ?? command,
      workingDirectory,
      onConcurrent: deploy.onConcurrent,
      workspace,
      run: deploy.run,
      baseEnv,
    }),
    autoRollback: input.boolean('auto-rollback') ?? true,
    ...(smoke ? { smoke } : {}),
    ...(gates ? { gates } : {}),
    ledger,
    token,
    owner: context.owner,
    repo: context.repo,
    workspace,
  };
}
