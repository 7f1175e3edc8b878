// `deploy-kit <action> [--input value]...`: runs a bundled action through the runner, outside GitHub too.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insightsHelp, runInsights } from './cli-insights.js';
import { type RepositoryChoice, RepositoryError, resolveRepository } from './cli-repository.js';
import { runStatus, statusHelp, UsageError } from './cli-status.js';
import { runUnlock, unlockHelp } from './cli-unlock.js';
import { type ActionManifest, readManifest } from './runner/manifest.js';
import { runAction } from './runner/runner.js';

interface CliArgs {
  action?: string;
  inputs: Record<string, string>;
  help: boolean;
  version?: boolean;
  json: boolean;
  quiet: boolean;
  summaryFile?: string;
}

export { UsageError };

/** Outside GitHub the commit is the checkout's HEAD, and the actor is whoever runs the command. */
export function localContext(
  cwd: string,
  env: NodeJS.ProcessEnv,
): { sha?: string; ref?: string; actor: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const sha = env.GITHUB_SHA ?? git('rev-parse', 'HEAD');
  const branch = git('symbolic-ref', '--quiet', 'HEAD');
  return {
    ...(sha ? { sha } : {}),
    ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : branch ? { ref: branch } : {}),
    actor: env.GITHUB_ACTOR ?? env.USER ?? 'deploy-kit',
  };
}

/** The package root: the nearest folder above this file holding package.json (works from src/ and dist/cli/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'smoke-test'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('deploy-kit: cannot find the package root');
    dir = parent;
  }
  return dir;
}

/** The root action (uses: <owner>/deploy-kit@v1) answers to this name on the command line. */
export const ROOT_ACTION = 'release';

export function listActions(root: string): string[] {
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'action.yml')))
    .map((entry) => entry.name);
  return [...folders, ...(existsSync(join(root, 'action.yml')) ? [ROOT_ACTION] : [])].sort();
}

function actionDir(root: string, action: string): string {
  return action === ROOT_ACTION && !existsSync(join(root, action, 'action.yml')) ? root : join(root, action);
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { inputs: {}, help: false, json: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--json') args.json = true;
    // Before an action, --version is ours; after it, an input (deploy-env has one named version).
    else if (arg === '--version' && !args.action) args.version = true;
    else if (arg === '--quiet' || arg === '-q') args.quiet = true;
    else if (arg === '--summary') args.summaryFile = argv[++i];
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      // A repeated flag adds a line, for multi-line inputs such as url.
      args.inputs[name] = name in args.inputs ? `${args.inputs[name]}\n${value}` : value;
    } else if (!args.action) args.action = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  return args;
}

export function actionHelp(manifest: ActionManifest, action: string): string {
  const lines = [`deploy-kit ${action} — ${manifest.description}`, '', 'Inputs:'];
  for (const input of manifest.inputs) {
    const extra = input.required
      ? ' (required)'
      : input.default !== undefined
        ? ` (default: ${input.default})`
        : '';
    lines.push(`  --${input.name} <value>${extra}`, `      ${input.description}`);
  }
  lines.push('', 'Outputs:');
  for (const output of manifest.outputs) lines.push(`  ${output.name}: ${output.description}`);
  lines.push(
    '',
    'Options: --repository owner/name (default: GITHUB_REPOSITORY, else the git remote origin on GitHub),',
    '         --json (outputs as JSON), --summary FILE (save the job summary), --quiet',
  );
  return lines.join('\n');
}

function usage(root: string): string {
  return [
    'Usage: deploy-kit <action> [--<input> value]... [--repository owner/name] [--json] [--summary FILE]',
    '       deploy-kit status [--environment NAME] [--ledger github|file:<path>] [--json]',
    '       deploy-kit unlock --environment NAME --deployment ID [--ledger github|file:<path>]',
    '       deploy-kit insights --environment NAME [--since 90d] [--json] [--html FILE]',
    '',
    `Actions: ${listActions(root).join(', ')}`,
    'Run deploy-kit <action> --help for its inputs, deploy-kit status --help for what is live where.',
    'The GitHub repository is --repository, else GITHUB_REPOSITORY, else the git remote origin on GitHub;',
    'with none, nothing calls GitHub.',
  ].join('\n');
}

/** The repository of an action's run: --repository, GITHUB_REPOSITORY or git remote origin, never guessed. */
function repositoryChoice(flag: string | undefined): RepositoryChoice {
  try {
    return resolveRepository(flag, process.env, process.cwd());
  } catch (error) {
    if (error instanceof RepositoryError) throw new UsageError(error.message);
    throw error;
  }
}

/** Renders workflow commands for a terminal, line by line, hiding masks and debug lines. */
function terminalRenderer(write: (text: string) => void) {
  const masks: string[] = [];
  let pending = '';
  const mask = (line: string) => masks.reduce((text, secret) => text.split(secret).join('***'), line);
  const renderLine = (line: string) => {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!command) return write(`${mask(line)}\n`);
    const [, name, data = ''] = command;
    const message = data.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    if (name === 'add-mask') masks.push(message);
    else if (name === 'group') write(`▸ ${mask(message)}\n`);
    else if (name === 'error' || name === 'warning' || name === 'notice')
      write(`${name}: ${mask(message)}\n`);
  };
  return (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) renderLine(line);
  };
}

export async function main(argv: string[]): Promise<number> {
  const root = packageRoot();
  const args = parseArgs(argv);
  if (args.version) {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`deploy-kit ${pkg.version}\n`);
    return 0;
  }
  if (!args.action) {
    process.stdout.write(`${usage(root)}\n`);
    return args.help ? 0 : 2;
  }
  if (args.action === 'status') {
    if (args.summaryFile !== undefined || args.quiet) {
      throw new UsageError('status: --summary and --quiet are for actions; status takes --json for machines');
    }
    if (args.help) {
      process.stdout.write(`${statusHelp()}\n`);
      return 0;
    }
    return runStatus(args.inputs, {
      cwd: process.cwd(),
      env: process.env,
      json: args.json,
      write: (text) => process.stdout.write(text),
      warn: (text) => process.stderr.write(text),
    });
  }
  if (args.action === 'insights') {
    if (args.help) {
      process.stdout.write(`${insightsHelp()}\n`);
      return 0;
    }
    if (args.summaryFile !== undefined || args.quiet) {
      throw new UsageError(
        'insights: --summary and --quiet are for actions; insights takes --json and --html',
      );
    }
    return runInsights(args.inputs, {
      cwd: process.cwd(),
      env: process.env,
      json: args.json,
      write: (text) => process.stdout.write(text),
      warn: (text) => process.stderr.write(text),
    });
  }
  if (args.action === 'unlock') {
    if (args.help) {
      process.stdout.write(`${unlockHelp()}\n`);
      return 0;
    }
    if (args.summaryFile !== undefined || args.quiet || args.json) {
      throw new UsageError('unlock: --summary, --quiet and --json are for actions');
    }
    return runUnlock(args.inputs, {
      cwd: process.cwd(),
      env: process.env,
      write: (text) => process.stdout.write(text),
      warn: (text) => process.stderr.write(text),
    });
  }
  if (!listActions(root).includes(args.action)) {
    throw new UsageError(`unknown action '${args.action}' (one of: ${listActions(root).join(', ')})`);
  }
  const manifest = readManifest(actionDir(root, args.action));
  if (args.help) {
    process.stdout.write(`${actionHelp(manifest, args.action)}\n`);
    return 0;
  }
  const declared = manifest.inputs.map((input) => input.name);
  // --repository is the command line's own (no action has an input of that name).
  const { repository: repositoryFlag, ...inputs } = args.inputs;
  if (declared.includes('repository')) throw new Error(`${args.action} declares an input named repository`);
  const unknown = Object.keys(inputs).filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `${args.action}: unknown input --${unknown[0]} (inputs: ${declared.join(', ')}; and --repository owner/name)`,
    );
  }
  const chosen = repositoryChoice(repositoryFlag);
  if (chosen.source?.startsWith('git remote')) {
    process.stderr.write(`deploy-kit: repository ${chosen.repository}, from ${chosen.source}\n`);
  }

  const env: Record<string, string> = { DEPLOY_KIT_CLI: '1' };
  for (const [name, value] of Object.entries(process.env)) {
    // The repository is the one chosen above, even when --repository overrides GITHUB_REPOSITORY.
    if (value !== undefined && !/^(INPUT_|STATE_|GITHUB_REPOSITORY$|GITHUB_REPOSITORY_OWNER$)/.test(name)) {
      env[name] = value;
    }
  }
  const render = terminalRenderer((text) => (args.json ? process.stderr : process.stdout).write(text));
  const cancel = cancelOnSignals(args.action);
  const run = await runAction({
    action: manifest,
    inputs,
    env,
    workspace: process.cwd(),
    github: {
      ...localContext(process.cwd(), process.env),
      token: process.env.GITHUB_TOKEN ?? '',
      // None named is none: the actions then refuse GitHub calls and leave run and note links out.
      repository: chosen.repository ?? '',
      // Outside a workflow there is no run to link to.
      runId: process.env.GITHUB_RUN_ID ?? '',
      ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}),
    },
    onOutput: (text, stream) =>
      stream === 'stdout' && !args.quiet ? render(text) : process.stderr.write(text),
    cancel: { signal: cancel.signal },
  }).finally(cancel.release);

  if (args.summaryFile) writeFileSync(resolve(args.summaryFile), run.summary);
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ conclusion: run.conclusion, outputs: run.outputs }, null, 2)}\n`,
    );
  } else {
    if (!args.quiet && run.summary.trim()) process.stdout.write(`\n${run.summary.trim()}\n`);
    process.stdout.write('\nOutputs:\n');
    for (const [name, value] of Object.entries(run.outputs)) process.stdout.write(`  ${name}: ${value}\n`);
  }
  // 130: the shell's code for a command ended by Ctrl-C.
  return cancel.signal.aborted ? 130 : (run.main.exitCode ?? 1);
}

/**
 * Ctrl-C (or SIGTERM) cancels the action as GitHub cancels a job: the step is interrupted and given its grace
 * period, then its post step runs (a canary's weight goes back to 0, a deployment is closed). The action runs
 * in its own process group, so without this the terminal's Ctrl-C would end the CLI and leave it running,
 * or dying, with nothing cleaned up. A second signal ends the CLI at once.
 */
function cancelOnSignals(action: string): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(
        `\ndeploy-kit: ${name} again: stopping now; ${action}'s clean-up may not have finished\n`,
      );
      process.exit(130);
    }
    process.stderr.write(
      `\ndeploy-kit: ${name}: cancelling ${action} as GitHub cancels a job (its post step cleans up); ${name} again to stop at once\n`,
    );
    controller.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const name of signals) process.on(name, onSignal);
  return {
    signal: controller.signal,
    release: () => {
      for (const name of signals) process.off(name, onSignal);
    },
  };
}

const isEntry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry || process.env.DEPLOY_KIT_CLI_ENTRY === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`deploy-kit: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
