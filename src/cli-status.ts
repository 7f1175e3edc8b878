// `deploy-kit status`: what is live in each environment and its recent history, from either ledger. The
// reading is src/ledger/status.ts; this file turns flags into a ledger and the answer into a table or JSON.
import { resolve } from 'node:path';
import { NAME_THE_REPOSITORY, RepositoryError, resolveRepository } from './cli-repository.js';
import { InputError } from './common/input-error.js';
import { parsePositiveInt } from './common/numbers.js';
import { parseEnvironmentName } from './common/words.js';
import type { GitHubClient } from './github/client.js';
import { chooseLedger, DEFAULT_FILE_LEDGER } from './ledger/choice.js';
import { FileLedger } from './ledger/file.js';
import {
  DEFAULT_STATUS_LIMIT,
  type DeploymentSummary,
  type EnvironmentStatus,
  type LedgerStatus,
  readStatus,
} from './ledger/status.js';
import type { Ledger } from './ledger/types.js';

/** A mistake on the command line: exit code 2, and the message names the flag and the expected form. */
export class UsageError extends Error {}

const MAX_LIMIT = 1000;
const OPTIONS = ['environment', 'ledger', 'repository', 'limit', 'token'] as const;

export type StatusLedgerSpec = { kind: 'github'; repository: string } | { kind: 'file'; path: string };

export interface StatusCommand {
  ledger: StatusLedgerSpec;
  environments: string[];
  limit: number;
}

export function statusHelp(): string {
  return [
    'deploy-kit status — what is live in each environment and its recent history, from the ledger',
    '',
    'Usage: deploy-kit status [--environment NAME]... [--ledger github|file:<path>]',
    '                         [--repository owner/name] [--limit N] [--json]',
    '',
    'Options:',
    '  --environment NAME   only this environment (repeat for several); default: every environment deployed to',
    '  --ledger VALUE       github (GitHub Deployments) or file:<path> (a file ledger); default: github when',
    `                       GITHUB_TOKEN is set, else file:${DEFAULT_FILE_LEDGER}`,
    '  --repository O/N     the repository of the GitHub ledger; default: GITHUB_REPOSITORY, else the',
    "                       checkout's git remote origin on GitHub (never guessed)",
    `  --limit N            history entries per environment, 1 to ${MAX_LIMIT} (default: ${DEFAULT_STATUS_LIMIT})`,
    '  --token TOKEN        GitHub token (prefer the GITHUB_TOKEN variable: a flag shows in the process list);',
    '                       it needs deployments: read. GITHUB_API_URL points at GitHub Enterprise Server',
    '  --json               the answer as JSON',
  ].join('\n');
}

/** Turns the flags into a command; every mistake is a UsageError naming the flag and the expected form. */
export function parseStatusOptions(
  options: Record<string, string>,
  env: Record<string, string | undefined>,
  /** The checkout whose git remote origin names the repository when nothing else does. */
  cwd: string,
): StatusCommand {
  const unknown = Object.keys(options).filter((name) => !(OPTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `status: unknown option --${unknown[0]} (options: ${OPTIONS.map((o) => `--${o}`).join(', ')}, --json)`,
    );
  }
  try {
    const limit =
      options.limit === undefined
        ? DEFAULT_STATUS_LIMIT
        : parsePositiveInt('--limit', options.limit, { max: MAX_LIMIT });
    // A repeated --environment arrives as lines.
    const environments =
      options.environment === undefined
        ? []
        : options.environment.split('\n').map((name) => parseEnvironmentName('--environment', name));
    const token = options.token ?? env.GITHUB_TOKEN;
    const choice = chooseLedger('--ledger', options.ledger, Boolean(token));
    let ledger: StatusLedgerSpec;
    if (choice.kind === 'file') ledger = choice;
    else {
      const { repository } = resolveRepository(options.repository, env, cwd);
      if (repository === undefined) {
        throw new InputError(
          '--repository',
          `'--repository' is needed for the github ledger: ${NAME_THE_REPOSITORY}; or read a file ledger with --ledger file:<path>`,
        );
      }
      ledger = { kind: 'github', repository };
    }
    return { ledger, environments, limit };
  } catch (error) {
    if (error instanceof InputError || error instanceof RepositoryError) {
      throw new UsageError(`status: ${error.message}`);
    }
    throw error;
  }
}

/** Opens the ledger the command names; the GitHub client loads only when it is used. */
export async function openLedger(
  spec: StatusLedgerSpec,
  cwd: string,
  token: string | undefined,
  env: Record<string, string | undefined>,
  warn: (message: string) => void,
): Promise<{
  ledger: Ledger;
  source: Record<string, string>;
  describe: string;
  /** The GitHub ledger's client and repository, for reads beside the ledger (insights' commit history). */
  github?: { client: GitHubClient; owner: string; repo: string };
}> {
  if (spec.kind === 'file') {
    const path = resolve(cwd, spec.path);
    // Status reads history: a misspelt path must not pass for a ledger with no deployments.
    const ledger = new FileLedger(path, { mustExist: true });
    return { ledger, source: { kind: 'file', path }, describe: `file ledger ${path}` };
  }
  if (!token) {
    throw new UsageError(
      'status: the github ledger needs a token with deployments: read in GITHUB_TOKEN (or --token), or read a file ledger with --ledger file:<path>',
    );
  }
  const [{ createGitHubClient }, { GitHubLedger }] = await Promise.all([
    import('./github/client.js'),
    import('./ledger/github.js'),
  ]);
  const client = createGitHubClient({ token, env, log: { debug: () => {}, warning: warn } });
  const [owner = '', repo = ''] = spec.repository.split('/');
  return {
    ledger: new GitHubLedger({ client, owner, repo }),
    source: { kind: 'github', repository: spec.repository, api: client.apiUrl },
    describe: `GitHub Deployments of ${spec.repository}`,
    github: { client, owner, repo },
  };
}

export interface StatusIo {
  cwd: string;
  env: Record<string, string | undefined>;
  json: boolean;
  write: (text: string) => void;
  warn: (text: string) => void;
  now?: () => Date;
}

/** Runs `deploy-kit status`; returns the exit code. The token never reaches the output, errors included. */
export async function runStatus(options: Record<string, string>, io: StatusIo): Promise<number> {
  const command = parseStatusOptions(options, io.env, io.cwd);
  const token = options.token ?? io.env.GITHUB_TOKEN;
  const scrub = (text: string) => (token ? text.split(token).join('***') : text);
  try {
    const opened = await openLedger(command.ledger, io.cwd, token, io.env, (m) => io.warn(`${scrub(m)}\n`));
    const status = await readStatus(opened.ledger, {
      environments: command.environments,
      limit: command.limit,
    });
    if (io.json) {
      io.write(`${scrub(JSON.stringify({ source: opened.source, ...status }, null, 2))}\n`);
    } else {
      io.write(scrub(formatStatus(status, opened.describe, (io.now ?? (() => new Date()))())));
    }
    return 0;
  } catch (error) {
    if (error instanceof Error) error.message = scrub(error.message);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The table

/** `2024-05-01 12:03 UTC`. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `12 days ago`. */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 5_000) return 'just now';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function clipText(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function runLabel(run: DeploymentSummary['run']): string {
  if (!run) return '';
  return run.attempt && run.attempt !== '1' ? `${run.id}#${run.attempt}` : run.id;
}

function note(entry: DeploymentSummary): string {
  if (entry.rollback) return clipText(`from ${entry.rollback.fromVersion}: ${entry.rollback.reason}`, 70);
  return entry.description ? clipText(entry.description, 70) : '';
}

/** Columns padded to their widest cell; the last one is not padded. */
export function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function environmentBlock(status: EnvironmentStatus, now: Date): string[] {
  const lines = [status.environment];
  const live = status.live;
  if (live) {
    const what = live.kind === 'rollback' ? ` (a rollback from ${live.rollback?.fromVersion})` : '';
    lines.push(
      `  live: ${live.version} (${live.sha.slice(0, 7)})${what}, since ${formatTime(live.since)} (${ago(live.since, now)})` +
        (live.actor ? `, by ${live.actor}` : ''),
    );
    if (live.url) lines.push(`        ${live.url}`);
    if (live.run?.url) lines.push(`        run ${runLabel(live.run)}: ${live.run.url}`);
  } else if (status.read === 0) {
    lines.push('  no deployments recorded');
    return lines;
  } else {
    lines.push(`  live: nothing (no successful deployment among the newest ${status.read})`);
  }
  for (const open of status.inProgress) {
    lines.push(
      `  in progress: ${open.version} (deployment ${open.id}, ${open.state})${open.actor ? `, by ${open.actor}` : ''}`,
    );
  }
  if (status.history.length === 0) return lines;
  const more = status.read > status.history.length ? `, ${status.history.length} newest` : '';
  lines.push(`  history (newest first${more}):`);
  const rows = [
    ['ID', 'WHAT', 'VERSION', 'COMMIT', 'STATE', 'WHEN', 'BY', 'RUN', 'NOTE'],
    ...status.history.map((entry) => [
      entry.id,
      entry.kind,
      entry.version,
      entry.sha.slice(0, 7),
      entry.state,
      formatTime(entry.createdAt),
      entry.actor ?? '',
      runLabel(entry.run),
      note(entry),
    ]),
  ];
  for (const line of columns(rows)) lines.push(`    ${line}`);
  return lines;
}

export function formatStatus(status: LedgerStatus, source: string, now: Date): string {
  const lines = [`Ledger: ${source}`, ''];
  if (status.environments.length === 0) {
    lines.push('No deployments recorded yet.');
    return `${lines.join('\n')}\n`;
  }
  for (const environment of status.environments) {
    lines.push(...environmentBlock(environment, now), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
