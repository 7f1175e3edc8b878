// A local workflow runner for the tests: runs the jobs of a workflow file step by step, as GitHub's runner
// would, on this machine. The file is read by GitHub's own parser (@actions/workflow-parser) and every
// `${{ }}` and `if:` by GitHub's evaluator (@actions/expressions); nothing here walks YAML by hand.
//
// - `uses:` of deploy-kit's actions (`./<action>` in the workspace, `<owner>/deploy-kit/<action>@ref`,
//   `<owner>/deploy-kit@ref`) runs the built bundle through src/runner/, as the CLI and contract tests do;
//   a reusable workflow in the workspace (`./.github/workflows/x.yml`) runs its jobs in turn;
//   any other action runs only through a stand-in the test names (see ./stand-ins/actions.ts).
// - `run:` runs in bash with the step's env and working-directory, GITHUB_ENV/OUTPUT/PATH/STEP_SUMMARY.
// - A step the runner cannot run fails the job with a message naming the step: never a silent pass.
// Differences from GitHub's runner, on purpose: a node action's `post` runs right after its `main`, not at
// the end of the job; jobs run one after another in `needs` order; matrices are refused; an expression
// reading an output its step or job does not have, or an input its workflow does not declare, fails the
// step (GitHub reads it as ''), so a wrong name between steps fails the test (see KnownOutputs).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type {
  ActionStep,
  Job,
  ReusableWorkflowJob,
  RunStep,
  Step,
  WorkflowJob,
} from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parseKeyValueFile } from '../../src/runner/commands.js';
import { readManifest } from '../../src/runner/manifest.js';
import { type ActionRun, runAction } from '../../src/runner/runner.js';
import { repoRoot } from '../helpers/repo.js';
import {
  type Contexts,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  type JobStatus,
  type KnownOutputs,
} from './expressions.js';

export interface StandInCall {
  uses: string;
  with: Record<string, string>;
  env: Record<string, string>;
  workspace: string;
  sha: string;
  temp: string;
}

export interface StandInResult {
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  path?: string[];
  /** Set to fail the step with this message, as the real action would have. */
  failure?: string;
  log?: string;
}

/** A test's replacement for a third-party action, keyed by `owner/name` (no ref). */
export type ActionStandIn = (call: StandInCall) => StandInResult | Promise<StandInResult>;

export interface RunGitHub {
  repository: string;
  sha: string;
  ref?: string;
  token?: string;
  actor?: string;
  apiUrl?: string;
  graphqlUrl?: string;
  serverUrl?: string;
  runId?: string;
}

export interface WorkflowRunOptions {
  /** Path of the workflow file. */
  workflow: string;
  workspace: string;
  /** The event; defaults to the workflow's first `on:` event. */
  event?: string;
  eventPayload?: Record<string, unknown>;
  /** workflow_dispatch (or workflow_call) inputs, checked against the workflow's declarations. */
  inputs?: Record<string, string | boolean>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Results of jobs not run here that the run jobs need (their outputs are all they have). */
  needs?: Record<string, { result?: string; outputs: Record<string, string> }>;
  github: RunGitHub;
  /** The machine's environment on top of the runner's own (a PATH with stand-in tools, say). */
  env?: Record<string, string>;
  actions?: Record<string, ActionStandIn>;
  /** Node binary for the bundles. */
  node?: string;
  signal?: AbortSignal;
  /** Milliseconds in one `timeout-minutes` minute (60 000 unless a test shortens it). */
  minuteMs?: number;
  /** Receives every line the steps print, as they print it. */
  onLog?: (line: string) => void;
}

export type Outcome = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepRecord {
  id: string;
  name: string;
  uses?: string;
  outcome: Outcome;
  conclusion: Outcome;
  outputs: Record<string, string>;
  log: string;
  summary: string;
  /** Why the runner failed the step itself (a step it cannot run, a timeout). */
  error?: string;
  action?: ActionRun;
}

export interface JobRun {
  id: string;
  conclusion: Outcome;
  outputs: Record<string, string>;
  steps: StepRecord[];
  /** Jobs of a called reusable workflow, by id. */
  called?: Record<string, JobRun>;
  summary: string;
  /** Why steps failed, each naming its step. */
  errors: string[];
}

export interface LoadedWorkflow {
  file: string;
  template: WorkflowTemplate;
  root: MappingToken;
}

export async function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  const parsed = parseWorkflow(
    { name: basename(file), content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value || !isMapping(parsed.value)) {
    throw new Error(`${file}: ${errors.map((e) => e.message).join('; ') || 'not a workflow'}`);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length) {
    throw new Error(`${file}: ${template.errors.map((e) => e.Message).join('; ')}`);
  }
  return { file, template, root: parsed.value };
}

function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token && isMapping(token) ? token.find(key) : undefined;
}

/** The parser's own token of a job's or step's key the converted model leaves out (with, shell, timeouts). */
function rawJob(loaded: LoadedWorkflow, jobId: string): TemplateToken | undefined {
  return child(child(loaded.root, 'jobs'), jobId);
}

function rawStep(loaded: LoadedWorkflow, jobId: string, index: number): TemplateToken | undefined {
  const steps = child(rawJob(loaded, jobId), 'steps');
  return steps && isSequence(steps) ? steps.get(index) : undefined;
}

function declaredInputs(loaded: LoadedWorkflow, event: string): string[] | undefined {
  const declared =
    event === 'workflow_dispatch'
      ? loaded.template.events.workflow_dispatch?.inputs
      : event === 'workflow_call'
        ? loaded.template.events.workflow_call?.inputs
        : undefined;
  return declared ? Object.keys(declared) : undefined;
}

/** Applies a workflow's input declarations to the given inputs: defaults, required, choices, booleans. */
function resolveInputs(
  loaded: LoadedWorkflow,
  event: string,
  given: Record<string, string | boolean>,
): Record<string, string | boolean> {
  const declared =
    event === 'workflow_dispatch'
      ? loaded.template.events.workflow_dispatch?.inputs
      : event === 'workflow_call'
        ? loaded.template.events.workflow_call?.inputs
        : undefined;
  if (!declared) return { ...given };
  const inputs: Record<string, string | boolean> = {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new Error(`${loaded.file}: input '${name}' is not declared`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    const raw = given[name] ?? (spec.default as string | boolean | undefined);
    if (raw === undefined || raw === '') {
      if (spec.required) throw new Error(`${loaded.file}: input '${name}' is required`);
      inputs[name] = spec.type === 'boolean' ? false : '';
      continue;
    }
    if (spec.type === 'boolean') inputs[name] = raw === true || raw === 'true';
    else inputs[name] = String(raw);
    if (spec.type === 'choice' && !spec.options?.includes(String(raw))) {
      throw new Error(`${loaded.file}: input '${name}' must be one of ${spec.options?.join(', ')}`);
    }
  }
  return inputs;
}

/** Jobs in an order where each comes after the jobs it needs. */
function ordered(jobs: WorkflowJob[]): WorkflowJob[] {
  const done = new Set<string>();
  const result: WorkflowJob[] = [];
  while (result.length < jobs.length) {
    const next = jobs.find(
      (job) => !done.has(job.id.value) && (job.needs ?? []).every((need) => done.has(need.value)),
    );
    if (!next) throw new Error('workflow runner: the jobs need each other in a cycle');
    done.add(next.id.value);
    result.push(next);
  }
  return result;
}

interface RunState {
  options: WorkflowRunOptions;
  loaded: LoadedWorkflow;
  event: string;
  inputs: Record<string, string | boolean>;
  /** The inputs the workflow declares for its event, when it declares them. */
  declaredInputs?: string[];
  masks: string[];
}

/** Runs the workflow's jobs (all, or those named) in `needs` order. */
export async function runWorkflow(
  options: WorkflowRunOptions & { jobs?: string[] },
): Promise<Record<string, JobRun>> {
  const loaded = await loadWorkflow(options.workflow);
  const event = options.event ?? Object.keys(loaded.template.events)[0] ?? 'push';
  const state: RunState = {
    options,
    loaded,
    event,
    inputs: resolveInputs(loaded, event, options.inputs ?? {}),
    ...(declaredInputs(loaded, event) ? { declaredInputs: declaredInputs(loaded, event) } : {}),
    masks: Object.values(options.secrets ?? {}).filter((v) => v.length > 0),
  };
  const results: Record<string, JobRun> = {};
  const needsResults: Record<string, NeedResult> = Object.fromEntries(
    Object.entries(options.needs ?? {}).map(([id, need]) => [
      id,
      { ...need, declared: { outputs: Object.keys(need.outputs), what: `job '${id}' (given)` } },
    ]),
  );
  for (const job of ordered(loaded.template.jobs)) {
    const id = job.id.value;
    if (options.jobs && !options.jobs.includes(id)) continue;
    const needs = Object.fromEntries(
      (job.needs ?? []).map((need) => {
        const found = needsResults[need.value];
        if (!found) throw new Error(`job '${id}' needs '${need.value}', which neither ran nor was given`);
        return [need.value, { ...found, result: found.result ?? 'success' }];
      }),
    );
    const run = await runOneJob(state, job, needs);
    results[id] = run;
    needsResults[id] = {
      result: run.conclusion,
      outputs: run.outputs,
      ...(job.type === 'job' ? { declared: { outputs: mappingKeys(job.outputs), what: `job '${id}'` } } : {}),
    };
  }
  return results;
}

interface NeedResult {
  result?: string;
  outputs: Record<string, string>;
  /** The outputs the job declares, when known (see KnownOutputs). */
  declared?: { outputs: string[]; what: string };
}

function mappingKeys(token: TemplateToken | undefined): string[] {
  if (!token || !isMapping(token)) return [];
  const keys: string[] = [];
  for (const pair of token) keys.push(pair.key.toString());
  return keys;
}

/** Runs one job of the workflow, the jobs it needs given as `needs`. */
export async function runJob(options: WorkflowRunOptions & { job: string }): Promise<JobRun> {
  const runs = await runWorkflow({ ...options, jobs: [options.job] });
  const run = runs[options.job];
  if (!run) throw new Error(`${options.workflow} has no job '${options.job}'`);
  return run;
}

function githubContext(state: RunState, jobId: string): Record<string, unknown> {
  const gh = state.options.github;
  const ref = gh.ref ?? 'refs/heads/main';
  return {
    repository: gh.repository,
    repository_owner: gh.repository.split('/')[0],
    sha: gh.sha,
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    actor: gh.actor ?? 'deploy-kit',
    triggering_actor: gh.actor ?? 'deploy-kit',
    event_name: state.event,
    event: {
      ...state.options.eventPayload,
      ...(state.event === 'workflow_dispatch' ? { inputs: state.inputs } : {}),
    },
    token: gh.token ?? '',
    workspace: state.options.workspace,
    run_id: gh.runId ?? '1',
    run_number: gh.runId ?? '1',
    run_attempt: '1',
    server_url: gh.serverUrl ?? 'https://github.com',
    api_url: gh.apiUrl ?? 'https://api.github.com',
    graphql_url: gh.graphqlUrl ?? 'https://api.github.com/graphql',
    workflow: state.loaded.template ? basename(state.loaded.file) : '',
    job: jobId,
  };
}

function mask(text: string, masks: string[]): string {
  let result = text;
  for (const secret of masks) result = result.split(secret).join('***');
  return result;
}

async function runOneJob(
  state: RunState,
  job: WorkflowJob,
  needs: Record<string, NeedResult & { result: string }>,
): Promise<JobRun> {
  const id = job.id.value;
  const base: Contexts = {
    github: githubContext(state, id),
    inputs: state.inputs,
    vars: state.options.vars ?? {},
    secrets: { ...state.options.secrets, GITHUB_TOKEN: state.options.github.token ?? '' },
    needs: Object.fromEntries(
      Object.entries(needs).map(([need, { result, outputs }]) => [need, { result, outputs }]),
    ),
    matrix: {},
    strategy: {},
  };
  const known: KnownOutputs = {
    steps: {},
    needs: {},
    ...(state.declaredInputs ? { inputs: state.declaredInputs } : {}),
  };
  for (const [need, { declared }] of Object.entries(needs)) if (declared) known.needs[need] = declared;
  const needFailed = Object.values(needs).some((n) => n.result !== 'success');
  const status: JobStatus = { failed: needFailed, cancelled: state.options.signal?.aborted ?? false, known };
  const skipped: JobRun = { id, conclusion: 'skipped', outputs: {}, steps: [], summary: '', errors: [] };
  try {
    if (!evaluateCondition(job.if?.expression ?? 'success()', base, status)) return skipped;
    if (job.type === 'reusableWorkflowJob') return await runCalledWorkflow(state, job, base, status);
  } catch (error) {
    // An expression GitHub would reject, or an output name no job declares.
    return { ...skipped, conclusion: 'failure', errors: [`job '${id}': ${(error as Error).message}`] };
  }
  if (child(job.strategy, 'matrix')) {
    return { ...skipped, conclusion: 'failure', errors: [`job '${id}': matrices are not supported here`] };
  }
  return runSteps(state, job, base, known);
}

async function runCalledWorkflow(
  state: RunState,
  job: ReusableWorkflowJob,
  base: Contexts,
  status: JobStatus,
): Promise<JobRun> {
  const id = job.id.value;
  const ref = job.ref.value;
  const fail = (error: string): JobRun => ({
    id,
    conclusion: 'failure',
    outputs: {},
    steps: [],
    summary: '',
    errors: [error],
  });
  if (!ref.startsWith('./')) return fail(`job '${id}' calls ${ref}, which this runner cannot run`);
  const file = resolve(state.options.workspace, ref);
  if (!existsSync(file)) return fail(`job '${id}' calls ${ref}, which is not in the workspace`);
  const values = job['input-values'];
  const given = (values ? evaluateToken(values, base, status) : {}) as Record<string, string | boolean>;
  const secrets = job['inherit-secrets']
    ? state.options.secrets
    : evaluateStrings(job['secret-values'], base, status);
  const called = await runWorkflow({
    ...state.options,
    workflow: file,
    event: 'workflow_call',
    inputs: given,
    secrets,
    needs: {},
    jobs: undefined,
  });
  const runs = Object.values(called);
  if (runs.length === 0) return fail(`job '${id}' calls ${ref}, which ran no job`);
  const conclusion: Outcome = runs.some((r) => r.conclusion === 'failure')
    ? 'failure'
    : runs.some((r) => r.conclusion === 'cancelled')
      ? 'cancelled'
      : 'success';
  return {
    id,
    conclusion,
    outputs: {},
    steps: runs.flatMap((r) => r.steps),
    called,
    summary: runs.map((r) => r.summary).join('\n'),
    errors: runs.flatMap((r) => r.errors),
  };
}

function stepName(step: Step, contexts: Contexts, status: JobStatus): string {
  if (step.name) return String(evaluateToken(step.name, contexts, status));
  if ('uses' in step) return `Run ${(step as ActionStep).uses.value}`;
  if ('run' in step) return `Run ${String((step as RunStep).run.toString()).split('\n')[0]}`;
  return step.id;
}

function scalar(token: TemplateToken | undefined, contexts: Contexts, status: JobStatus): string | undefined {
  if (!token) return undefined;
  return String(evaluateToken(token, contexts, status));
}

async function runSteps(state: RunState, job: Job, base: Contexts, known: KnownOutputs): Promise<JobRun> {
  const { options, loaded } = state;
  const id = job.id.value;
  const temp = mkdtempSync(join(tmpdir(), 'workflow-run-'));
  const home = options.env?.HOME ?? join(temp, 'home');
  mkdirSync(home, { recursive: true });
  const status: JobStatus = { failed: false, cancelled: options.signal?.aborted ?? false, known };
  const stepsContext: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {};
  const jobEnvToken = job.env;
  const workflowEnv = evaluateStrings(loaded.template.env, base, status);
  const jobEnv = evaluateStrings(jobEnvToken, { ...base, env: workflowEnv }, status);
  const addedEnv: Record<string, string> = {};
  const addedPath: string[] = [];
  const records: StepRecord[] = [];
  const errors: string[] = [];
  const minuteMs = options.minuteMs ?? 60_000;
  const jobTimeout = scalar(child(rawJob(loaded, id), 'timeout-minutes'), base, status);
  const jobDeadline = Date.now() + Number(jobTimeout ?? 360) * minuteMs;
  const abort = new AbortController();
  const onCancel = () => {
    status.cancelled = true;
    abort.abort();
  };
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const jobTimer = setTimeout(() => {
    errors.push(`job '${id}' exceeded its timeout of ${jobTimeout ?? 360} minutes`);
    onCancel();
  }, jobDeadline - Date.now());

  try {
    for (const [index, step] of job.steps.entries()) {
      const raw = rawStep(loaded, id, index);
      const envBefore = { ...workflowEnv, ...jobEnv, ...addedEnv };
      const contexts: Contexts = { ...base, env: envBefore, steps: stepsContext, job: { status: 'success' } };
      const uses = 'uses' in step ? (step as ActionStep).uses.value : undefined;
      const actionDir = uses ? deployKitAction(uses, options.workspace) : undefined;
      if (actionDir && existsSync(join(actionDir, 'action.yml'))) {
        known.steps[step.id] = {
          outputs: readManifest(actionDir).outputs.map((o) => o.name),
          what: `step '${step.id}' (${uses})`,
        };
      }
      let name = step.id;
      try {
        name = stepName(step, contexts, status);
      } catch {
        // Named by its id; the evaluation fails again below, with the step.
      }
      const record: StepRecord = {
        id: step.id,
        name,
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        log: '',
        summary: '',
      };
      records.push(record);
      let outcome: Outcome;
      try {
        const condition = 'if' in step && step.if ? step.if.expression : 'success()';
        if (!evaluateCondition(condition, contexts, status)) {
          stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
          continue;
        }
        const stepEnv = evaluateStrings('env' in step ? step.env : undefined, contexts, status);
        const env = { ...envBefore, ...stepEnv };
        const timeout = scalar(child(raw, 'timeout-minutes'), contexts, status);
        const timeoutMs = Math.min(
          timeout === undefined ? Number.POSITIVE_INFINITY : Number(timeout) * minuteMs,
          jobDeadline - Date.now(),
        );
        const files = commandFiles(temp);
        const machine = {
          ...options.env,
          HOME: home,
          PATH: [...addedPath, options.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        };
        if ('run' in step) {
          const result = await runShell({
            script: String(evaluateToken((step as RunStep).run, contexts, status)),
            shell: scalar(child(raw, 'shell'), contexts, status) ?? 'bash',
            cwd: resolve(
              options.workspace,
              scalar(child(raw, 'working-directory'), contexts, status) ??
                scalar(
                  child(child(child(rawJob(loaded, id), 'defaults'), 'run'), 'working-directory'),
                  contexts,
                  status,
                ) ??
                '.',
            ),
            env: { ...runnerVariables(state, id, temp), ...machine, ...env, ...files },
            timeoutMs,
            signal: abort.signal,
          });
          record.log = mask(result.log, state.masks);
          if (result.error) record.error = `step '${name}': ${result.error}`;
          outcome = result.outcome;
          record.outputs = parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
          record.summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
          Object.assign(addedEnv, parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8')));
          addedPath.unshift(...readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse());
        } else if ('uses' in step) {
          record.uses = uses;
          const given = evaluateStrings(child(raw, 'with'), contexts, status);
          const result = await runUses(state, {
            uses: uses ?? '',
            with: given,
            env: { ...machine, ...env },
            temp,
            timeoutMs,
            signal: abort.signal,
            jobId: id,
          });
          record.action = result.action;
          record.log = mask(result.log, state.masks);
          record.outputs = result.outputs;
          record.summary = result.summary;
          if (result.error) record.error = `step '${name}': ${result.error}`;
          outcome = result.outcome;
          Object.assign(addedEnv, result.env);
          addedPath.unshift(...result.path.reverse());
        } else {
          record.error = `step '${name}': a ${Object.keys(step).join('/')} step, which this runner cannot run`;
          outcome = 'failure';
        }
        if ('run' in step && outcome === 'success') {
          known.steps[step.id] = { outputs: Object.keys(record.outputs), what: `step '${step.id}'` };
        }
      } catch (error) {
        // An expression GitHub would reject, or an output name the step it reads does not have.
        record.error = `step '${name}': ${(error as Error).message}`;
        outcome = 'failure';
      }
      for (const line of record.log.split('\n')) if (line) options.onLog?.(`[${name}] ${line}`);
      if (record.error) errors.push(record.error);
      const continueToken = step['continue-on-error'];
      const continueOnError =
        typeof continueToken === 'boolean'
          ? continueToken
          : continueToken !== undefined && scalar(continueToken, contexts, status) === 'true';
      record.outcome = outcome;
      record.conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
      stepsContext[step.id] = { outputs: record.outputs, outcome, conclusion: record.conclusion };
      if (record.conclusion === 'failure') status.failed = true;
      if (outcome === 'cancelled') status.cancelled = true;
    }
  } finally {
    clearTimeout(jobTimer);
    options.signal?.removeEventListener('abort', onCancel);
  }
  let outputs: Record<string, string> = {};
  try {
    outputs = evaluateStrings(job.outputs, { ...base, steps: stepsContext }, status);
  } catch (error) {
    errors.push(`job '${id}' outputs: ${(error as Error).message}`);
    status.failed = true;
  }
  const conclusion: Outcome = status.cancelled ? 'cancelled' : status.failed ? 'failure' : 'success';
  return {
    id,
    conclusion,
    outputs,
    steps: records,
    summary: records
      .map((r) => r.summary)
      .filter(Boolean)
      .join('\n'),
    errors,
  };
}

function commandFiles(temp: string) {
  const files = {
    GITHUB_OUTPUT: join(temp, `output-${randomUUID()}`),
    GITHUB_ENV: join(temp, `env-${randomUUID()}`),
    GITHUB_PATH: join(temp, `path-${randomUUID()}`),
    GITHUB_STEP_SUMMARY: join(temp, `summary-${randomUUID()}`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

function runnerVariables(state: RunState, jobId: string, temp: string): Record<string, string> {
  const gh = githubContext(state, jobId) as Record<string, string>;
  const eventPath = join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(gh.event ?? {}));
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: temp,
    LANG: process.env.LANG ?? 'C.UTF-8',
    GITHUB_WORKSPACE: state.options.workspace,
    GITHUB_REPOSITORY: gh.repository ?? '',
    GITHUB_REPOSITORY_OWNER: gh.repository_owner ?? '',
    GITHUB_SHA: gh.sha ?? '',
    GITHUB_REF: gh.ref ?? '',
    GITHUB_REF_NAME: gh.ref_name ?? '',
    GITHUB_EVENT_NAME: state.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_ACTOR: gh.actor ?? '',
    GITHUB_SERVER_URL: gh.server_url ?? '',
    GITHUB_API_URL: gh.api_url ?? '',
    GITHUB_GRAPHQL_URL: gh.graphql_url ?? '',
    GITHUB_RUN_ID: gh.run_id ?? '',
    GITHUB_RUN_NUMBER: gh.run_number ?? '',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: jobId,
    GITHUB_WORKFLOW: gh.workflow ?? '',
  };
}

interface ShellStep {
  script: string;
  shell: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

const SHELLS: Record<string, string[]> = {
  bash: ['bash', '--noprofile', '--norc', '-eo', 'pipefail'],
  sh: ['sh', '-e'],
};

async function runShell(step: ShellStep): Promise<{ outcome: Outcome; log: string; error?: string }> {
  const shell = SHELLS[step.shell];
  if (!shell) return { outcome: 'failure', log: '', error: `shell '${step.shell}' is not supported here` };
  if (!existsSync(step.cwd)) {
    return { outcome: 'failure', log: '', error: `working-directory ${step.cwd} does not exist` };
  }
  const scriptFile = join(step.env.RUNNER_TEMP ?? tmpdir(), `step-${randomUUID()}.sh`);
  writeFileSync(scriptFile, step.script);
  const [command, ...args] = shell as [string, ...string[]];
  const proc = spawn(command, [...args, scriptFile], {
    cwd: step.cwd,
    env: step.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  let ended: 'timeout' | 'cancelled' | undefined;
  const stop = (why: 'timeout' | 'cancelled') => {
    ended ??= why;
    killGroup(proc.pid);
  };
  const timer = Number.isFinite(step.timeoutMs)
    ? setTimeout(() => stop('timeout'), Math.max(0, step.timeoutMs))
    : undefined;
  const onAbort = () => stop('cancelled');
  step.signal.addEventListener('abort', onAbort, { once: true });
  const code = await new Promise<number | null>((done) => proc.on('close', (c) => done(c)));
  clearTimeout(timer);
  step.signal.removeEventListener('abort', onAbort);
  killGroup(proc.pid);
  if (ended === 'timeout') return { outcome: 'failure', log, error: 'exceeded its timeout-minutes' };
  if (ended === 'cancelled') return { outcome: 'cancelled', log };
  if (code !== 0) return { outcome: 'failure', log, error: `exited with code ${code}` };
  return { outcome: 'success', log };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

interface UsesStep {
  uses: string;
  with: Record<string, string>;
  env: Record<string, string>;
  temp: string;
  timeoutMs: number;
  signal: AbortSignal;
  jobId: string;
}

interface UsesResult {
  outcome: Outcome;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  log: string;
  summary: string;
  error?: string;
  action?: ActionRun;
}

/** Where a `uses:` of deploy-kit points in this checkout, or undefined for anyone else's action. */
export function deployKitAction(uses: string, workspace: string): string | undefined {
  if (uses.startsWith('./')) return resolve(workspace, uses);
  const match = /^[A-Za-z0-9_.-]+\/deploy-kit(?:\/([A-Za-z0-9_.-]+))?@[^/]+$/.exec(uses);
  if (!match) return undefined;
  return match[1] ? join(repoRoot, match[1]) : repoRoot;
}

async function runUses(state: RunState, step: UsesStep): Promise<UsesResult> {
  const { options } = state;
  const empty = { outputs: {}, env: {}, path: [], log: '', summary: '' };
  const actionDir = deployKitAction(step.uses, options.workspace);
  if (actionDir) {
    if (!existsSync(join(actionDir, 'action.yml'))) {
      return { ...empty, outcome: 'failure', error: `${step.uses}: no action.yml at ${actionDir}` };
    }
    const gh = options.github;
    const run = await runAction({
      action: actionDir,
      inputs: step.with,
      env: step.env,
      workspace: options.workspace,
      workDir: mkdtempSync(join(step.temp, 'action-')),
      node: options.node,
      github: {
        repository: gh.repository,
        sha: gh.sha,
        ref: gh.ref ?? 'refs/heads/main',
        eventName: state.event,
        event: state.event === 'workflow_dispatch' ? { inputs: state.inputs } : (options.eventPayload ?? {}),
        actor: gh.actor ?? 'deploy-kit',
        token: gh.token ?? '',
        runId: gh.runId ?? '1',
        job: step.jobId,
        ...(gh.apiUrl ? { apiUrl: gh.apiUrl } : {}),
        ...(gh.graphqlUrl ? { graphqlUrl: gh.graphqlUrl } : {}),
        ...(gh.serverUrl ? { serverUrl: gh.serverUrl } : {}),
      },
      ...(Number.isFinite(step.timeoutMs) ? { timeoutMs: Math.max(0, step.timeoutMs) } : {}),
      cancel: { signal: step.signal, graceMs: 2000 },
    });
    if (run.unexpectedInputs.length > 0) {
      return {
        ...empty,
        outcome: 'failure',
        action: run,
        error: `${step.uses} does not declare the input(s) ${run.unexpectedInputs.join(', ')}`,
      };
    }
    const log = [run.main.stdout, run.main.stderr, run.post?.stdout ?? '', run.post?.stderr ?? '']
      .filter(Boolean)
      .join('\n');
    const failures = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    const failed =
      run.conclusion === 'failure'
        ? `failed: ${failures.join('; ') || `exit code ${run.main.exitCode}`}`
        : undefined;
    return {
      outcome: run.conclusion,
      outputs: run.outputs,
      env: run.main.env,
      path: run.main.path,
      log,
      summary: run.summary,
      action: run,
      ...(failed ? { error: failed } : {}),
      ...(run.main.cancelled && !step.signal.aborted ? { error: 'exceeded its timeout-minutes' } : {}),
    };
  }
  const name = step.uses.replace(/@.*$/, '').split('/').slice(0, 2).join('/');
  const standIn = options.actions?.[name];
  if (!standIn) {
    return {
      ...empty,
      outcome: 'failure',
      error: `uses ${step.uses}, which this runner cannot run (no stand-in)`,
    };
  }
  const result = await standIn({
    uses: step.uses,
    with: step.with,
    env: step.env,
    workspace: options.workspace,
    sha: options.github.sha,
    temp: step.temp,
  });
  return {
    outcome: result.failure ? 'failure' : 'success',
    outputs: result.outputs ?? {},
    env: result.env ?? {},
    path: result.path ?? [],
    log: [`stand-in for ${step.uses}`, result.log ?? '', result.failure ?? ''].filter(Boolean).join('\n'),
    summary: '',
    ...(result.failure ? { error: result.failure } : {}),
  };
}
