// Runs a bundled action exactly as the GitHub runner does: INPUT_* variables with action.yml defaults,
// fresh command files, a clean environment, `post` with the saved state, and cancellation as a signal.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Annotation, applyMasks, type ParsedLog, parseKeyValueFile, parseLog } from './commands.js';
import { type ActionManifest, evaluateDefault, readManifest } from './manifest.js';

export interface GitHubContext {
  repository: string;
  sha: string;
  ref: string;
  eventName: string;
  event: Record<string, unknown>;
  actor: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  runId: string;
  runAttempt: string;
  workflow: string;
  job: string;
  token: string;
}

export interface CancelOptions {
  /** Cancel this long after main starts. */
  afterMs?: number;
  /** Cancel as soon as main's stdout so far satisfies this. */
  when?: (stdout: string) => boolean;
  signal?: AbortSignal;
  /** Between SIGINT and SIGTERM; the runner waits 7.5 s. */
  graceMs?: number;
  /** SIGKILL the step at once instead (a runner that lost the machine, an OOM kill): only `post` can clean up. */
  kill?: boolean;
}

export interface RunActionOptions {
  /** Folder holding action.yml, or its parsed manifest. */
  action: string | ActionManifest;
  inputs?: Record<string, string>;
  /** Extra variables on top of the runner's clean environment. */
  env?: Record<string, string | undefined>;
  github?: Partial<GitHubContext>;
  /** Node binary; defaults to $DEPLOY_KIT_NODE, then the current one. */
  node?: string;
  workspace?: string;
  /**
   * Where the command files and RUNNER_TEMP go. By default a fresh `deploy-kit-run-*` temporary folder,
   * removed when the run ends (as the runner empties RUNNER_TEMP after a job); a folder given here is the
   * caller's and stays.
   */
  workDir?: string;
  /** Keep the fresh temporary folder (to read a report the action left under RUNNER_TEMP); the caller removes it. */
  keepWorkDir?: boolean;
  cancel?: CancelOptions;
  /** Like `timeout-minutes`: cancels main when exceeded. */
  timeoutMs?: number;
  onOutput?: (text: string, stream: 'stdout' | 'stderr', phase: 'main' | 'post') => void;
  skipPost?: boolean;
}

export interface StepResult {
  phase: 'main' | 'post';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  /** stdout and stderr with every registered secret replaced by ***. */
  stdout: string;
  stderr: string;
  log: ParsedLog;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  summary: string;
  durationMs: number;
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  conclusion: 'success' | 'failure' | 'cancelled';
  outputs: Record<string, string>;
  annotations: Annotation[];
  masks: string[];
  /** Main's summary then post's, as the job page shows them. */
  summary: string;
  /** Inputs given that action.yml does not declare (the runner warns about these). */
  unexpectedInputs: string[];
  /** The run's folder (command files, RUNNER_TEMP); already removed unless given or kept (keepWorkDir). */
  workDir: string;
}

const KILL_AFTER_TERM_MS = 2500;

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function defaultContext(given: Partial<GitHubContext>): GitHubContext {
  const apiUrl = (given.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  // GitHub Enterprise Server answers GraphQL at /api/graphql beside /api/v3; github.com at /graphql.
  const graphqlUrl = /\/api\/v3$/.test(apiUrl)
    ? apiUrl.replace(/\/api\/v3$/, '/api/graphql')
    : `${apiUrl}/graphql`;
  return {
    // A run names its repository; none is none (no placeholder that links or calls a stranger's).
    repository: '',
    sha: '0000000000000000000000000000000000000000',
    ref: 'refs/heads/main',
    eventName: 'workflow_dispatch',
    event: {},
    actor: 'deploy-kit',
    serverUrl: 'https://github.com',
    apiUrl,
    graphqlUrl,
    runId: '1',
    runAttempt: '1',
    workflow: 'deploy',
    job: 'deploy',
    token: '',
    ...given,
  };
}

/** The environment a runner gives a node action, and nothing else of ours. */
function runnerEnvironment(
  manifest: ActionManifest,
  options: RunActionOptions,
  context: GitHubContext,
  files: Record<string, string>,
  workspace: string,
  temp: string,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: process.env.LANG ?? 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'deploy-kit-runner',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: context.repository,
    GITHUB_REPOSITORY_OWNER: context.repository.split('/')[0] ?? '',
    GITHUB_SHA: context.sha,
    GITHUB_REF: context.ref,
    GITHUB_REF_NAME: context.ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_EVENT_NAME: context.eventName,
    GITHUB_ACTOR: context.actor,
    GITHUB_SERVER_URL: context.serverUrl,
    GITHUB_API_URL: context.apiUrl,
    GITHUB_GRAPHQL_URL: context.graphqlUrl,
    GITHUB_RUN_ID: context.runId,
    GITHUB_RUN_NUMBER: context.runId,
    GITHUB_RUN_ATTEMPT: context.runAttempt,
    GITHUB_WORKFLOW: context.workflow,
    GITHUB_JOB: context.job,
    GITHUB_ACTION: manifest.name.replace(/[^A-Za-z0-9_]/g, '_') || '__run',
    GITHUB_ACTION_PATH: manifest.dir,
    GITHUB_RETENTION_DAYS: '90',
    ...files,
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }
  const expressions: Record<string, string> = {
    'github.token': context.token,
    'github.sha': context.sha,
    'github.ref': context.ref,
    'github.repository': context.repository,
    'github.actor': context.actor,
    'github.workspace': workspace,
    'github.event_name': context.eventName,
    'github.server_url': context.serverUrl,
    'github.api_url': context.apiUrl,
    'github.run_id': context.runId,
  };
  for (const input of manifest.inputs) {
    const given = options.inputs?.[input.name];
    const value = given ?? (input.default !== undefined ? evaluateDefault(input.default, expressions) : '');
    env[inputVariable(input.name)] = value;
  }
  return env;
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

interface StepPlan {
  phase: 'main' | 'post';
  script: string;
  env: Record<string, string>;
  files: Record<string, string>;
  cwd: string;
}

async function runStep(plan: StepPlan, options: RunActionOptions): Promise<StepResult> {
  const node = options.node ?? process.env.DEPLOY_KIT_NODE ?? process.execPath;
  const started = Date.now();
  const child = spawn(node, [plan.script], {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  let cancelled = false;
  const timers: NodeJS.Timeout[] = [];
  const cancel = () => {
    if (cancelled || child.exitCode !== null) return;
    cancelled = true;
    if (options.cancel?.kill) {
      killGroup(child.pid, 'SIGKILL');
      return;
    }
    child.kill('SIGINT');
    const grace = options.cancel?.graceMs ?? 7500;
    timers.push(setTimeout(() => child.kill('SIGTERM'), grace));
    timers.push(setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace + KILL_AFTER_TERM_MS));
  };
  if (plan.phase === 'main') {
    if (options.cancel?.afterMs !== undefined) timers.push(setTimeout(cancel, options.cancel.afterMs));
    if (options.timeoutMs !== undefined) timers.push(setTimeout(cancel, options.timeoutMs));
    if (options.cancel?.signal) {
      if (options.cancel.signal.aborted) cancel();
      else options.cancel.signal.addEventListener('abort', cancel, { once: true });
    }
  }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onOutput?.(chunk, 'stdout', plan.phase);
    if (plan.phase === 'main' && options.cancel?.when?.(stdout)) cancel();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onOutput?.(chunk, 'stderr', plan.phase);
  });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => {
    child.on('close', (code, sig) => done([code, sig]));
  });
  for (const timer of timers) clearTimeout(timer);
  // The runner ends whatever a step left running in its process tree.
  killGroup(child.pid, 'SIGKILL');

  const log = parseLog(stdout);
  return {
    phase: plan.phase,
    exitCode,
    signal,
    cancelled,
    stdout: log.lines.join('\n'),
    stderr: applyMasks(stderr, log.masks),
    log,
    outputs: parseKeyValueFile(readIfExists(plan.files.GITHUB_OUTPUT ?? '')),
    state: parseKeyValueFile(readIfExists(plan.files.GITHUB_STATE ?? '')),
    env: parseKeyValueFile(readIfExists(plan.files.GITHUB_ENV ?? '')),
    path: readIfExists(plan.files.GITHUB_PATH ?? '')
      .split('\n')
      .filter((line) => line.length > 0),
    summary: readIfExists(plan.files.GITHUB_STEP_SUMMARY ?? ''),
    durationMs: Date.now() - started,
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function freshFiles(dir: string, phase: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [variable, name] of [
    ['GITHUB_OUTPUT', 'output'],
    ['GITHUB_STATE', 'state'],
    ['GITHUB_ENV', 'env'],
    ['GITHUB_PATH', 'path'],
    ['GITHUB_STEP_SUMMARY', 'summary.md'],
  ] as const) {
    const path = join(dir, `${phase}-${name}-${randomUUID()}`);
    writeFileSync(path, '');
    files[variable] = path;
  }
  return files;
}

function postShouldRun(postIf: string | undefined, main: StepResult): boolean {
  const condition = (postIf ?? 'always()').replace(/\s/g, '');
  if (condition === 'success()') return main.exitCode === 0 && !main.cancelled;
  if (condition === 'failure()') return main.exitCode !== 0 && !main.cancelled;
  if (condition === 'cancelled()') return main.cancelled;
  return true;
}

/** Fresh run folders not yet removed: an exit mid-run (a second Ctrl-C in the CLI) still removes them. */
const ownedWorkDirs = new Set<string>();
let removeOnExit = false;

function removeWorkDir(dir: string): void {
  ownedWorkDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const manifest =
    typeof options.action === 'string' ? readManifest(resolve(options.action)) : options.action;
  if (options.workDir !== undefined || options.keepWorkDir) return runIn(manifest, options);
  const workDir = mkdtempSync(join(tmpdir(), 'deploy-kit-run-'));
  ownedWorkDirs.add(workDir);
  if (!removeOnExit) {
    removeOnExit = true;
    process.on('exit', () => {
      for (const dir of ownedWorkDirs) removeWorkDir(dir);
    });
  }
  try {
    return await runIn(manifest, { ...options, workDir });
  } finally {
    removeWorkDir(workDir);
  }
}

async function runIn(manifest: ActionManifest, options: RunActionOptions): Promise<ActionRun> {
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'deploy-kit-run-'));
  const workspace = resolve(options.workspace ?? process.cwd());
  const temp = join(workDir, 'temp');
  mkdirSync(temp, { recursive: true });
  const context = defaultContext(options.github ?? {});
  const eventPath = join(workDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(context.event));

  const mainFiles = { ...freshFiles(workDir, 'main'), GITHUB_EVENT_PATH: eventPath };
  const mainEnv = runnerEnvironment(manifest, options, context, mainFiles, workspace, temp);
  const main = await runStep(
    {
      phase: 'main',
      script: resolve(manifest.dir, manifest.runs.main),
      env: mainEnv,
      files: mainFiles,
      cwd: workspace,
    },
    options,
  );

  let post: StepResult | undefined;
  if (manifest.runs.post && !options.skipPost && postShouldRun(manifest.runs.postIf, main)) {
    const postFiles = { ...freshFiles(workDir, 'post'), GITHUB_EVENT_PATH: eventPath };
    const postEnv = runnerEnvironment(manifest, options, context, postFiles, workspace, temp);
    Object.assign(postEnv, main.env);
    if (main.path.length > 0) postEnv.PATH = [...main.path.reverse(), postEnv.PATH].join(':');
    for (const [name, value] of Object.entries(main.state)) postEnv[`STATE_${name}`] = value;
    post = await runStep(
      {
        phase: 'post',
        script: resolve(manifest.dir, manifest.runs.post),
        env: postEnv,
        files: postFiles,
        cwd: workspace,
      },
      options,
    );
  }

  const masks = [...main.log.masks, ...(post?.log.masks ?? [])];
  const declared = new Set(manifest.inputs.map((input) => input.name));
  return {
    main,
    post,
    conclusion: main.cancelled ? 'cancelled' : main.exitCode === 0 ? 'success' : 'failure',
    outputs: main.outputs,
    annotations: [...main.log.annotations, ...(post?.log.annotations ?? [])],
    masks,
    summary: applyMasks([main.summary, post?.summary ?? ''].filter(Boolean).join('\n'), masks),
    unexpectedInputs: Object.keys(options.inputs ?? {}).filter((name) => !declared.has(name)),
    workDir,
  };
}
