// `deploy-kit insights`: the four DORA keys of one environment over a period, from either ledger, as a table,
// JSON (--json) or a self-contained page (--html FILE). The computing is src/insights/; this file turns flags
// into a ledger and commit histories (the local clone first, GitHub's when it lacks the commits).
import { openLedger, parseStatusOptions, UsageError } from './cli-status.js';
import { InputError } from './common/input-error.js';
import { parsePositiveInt } from './common/numbers.js';
import { resolveInside } from './common/workspace-path.js';
import type { CommitHistory } from './insights/commit-graph.js';
import { GitHistory } from './insights/git-history.js';
import { DEFAULT_LOOKBACK_DAYS, deliveryInsights } from './insights/insights.js';
import { parsePeriod } from './insights/period.js';
import { DEFAULT_READ_LIMIT } from './insights/record.js';
import { writeReportPage } from './insights/report-html.js';
import { insightsTable } from './insights/table.js';

export const DEFAULT_SINCE = '90d';

export function insightsHelp(): string {
  return [
    'deploy-kit insights — the four DORA keys of an environment, exact, from the deployment record',
    '',
    'Usage: deploy-kit insights --environment NAME [--since 90d] [--until ISO-TIME] [--ledger github|file:<path>]',
    '                           [--repository owner/name] [--json] [--html FILE]',
    '',
    'Options:',
    '  --environment NAME   the environment (required)',
    `  --since SPAN|DATE    the period: a span back from now (90d, 12w, 36h) or an ISO date (default: ${DEFAULT_SINCE})`,
    '  --until ISO-TIME     the end of the period (default: now)',
    '  --ledger, --repository, --token: as for deploy-kit status',
    `  --lookback DAYS      GitHub history only: how far before the first delivery commits are looked for (default: ${DEFAULT_LOOKBACK_DAYS})`,
    `  --limit N            the most deployments read (default: ${DEFAULT_READ_LIMIT})`,
    '  --json               the answer as JSON',
    '  --html FILE          also write the report page (self-contained, no network) to FILE, inside this folder',
    '',
    "Lead time reads commit times from this folder's git clone when it holds the deployed commits, else from",
    'GitHub (GraphQL, two calls for most histories). Definitions: docs/INSIGHTS.md.',
  ].join('\n');
}

export interface InsightsIo {
  cwd: string;
  env: Record<string, string | undefined>;
  json: boolean;
  write: (text: string) => void;
  warn: (text: string) => void;
  now?: () => Date;
}

interface InsightsCommand {
  since: string;
  until?: string;
  html?: string;
  lookbackDays: number;
  limit: number;
  ledgerOptions: Record<string, string>;
}

function parseCommand(options: Record<string, string>, cwd: string): InsightsCommand {
  const { since, until, html, lookback, limit, ...ledgerOptions } = options;
  try {
    if (ledgerOptions.environment === undefined || ledgerOptions.environment.includes('\n')) {
      throw new InputError('--environment', "'--environment' must name one environment, like production");
    }
    return {
      since: since ?? DEFAULT_SINCE,
      ...(until !== undefined ? { until } : {}),
      ...(html !== undefined
        ? { html: resolveInside({ input: '--html' }, html, { workspace: cwd }, cwd) }
        : {}),
      lookbackDays:
        lookback === undefined
          ? DEFAULT_LOOKBACK_DAYS
          : parsePositiveInt('--lookback', lookback, { max: 3660 }),
      limit: limit === undefined ? DEFAULT_READ_LIMIT : parsePositiveInt('--limit', limit, { max: 100_000 }),
      ledgerOptions,
    };
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`insights: ${error.message}`);
    throw error;
  }
}

/** Runs `deploy-kit insights`; returns the exit code. The token never reaches the output. */
export async function runInsights(options: Record<string, string>, io: InsightsIo): Promise<number> {
  const command = parseCommand(options, io.cwd);
  let status: ReturnType<typeof parseStatusOptions>;
  let period: ReturnType<typeof parsePeriod>;
  try {
    status = parseStatusOptions(command.ledgerOptions, io.env, io.cwd);
    period = parsePeriod('--since', command.since, (io.now ?? (() => new Date()))(), command.until);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^status: /, 'insights: '));
    if (error instanceof InputError)
      throw new UsageError(`insights: ${error.message.replace("'--since-until'", "'--until'")}`);
    throw error;
  }
  const environment = status.environments[0]!;
  const token = command.ledgerOptions.token ?? io.env.GITHUB_TOKEN;
  const scrub = (text: string) => (token ? text.split(token).join('***') : text);
  try {
    const opened = await openLedger(status.ledger, io.cwd, token, io.env, (m) => io.warn(`${scrub(m)}\n`));
    const histories: CommitHistory[] = [];
    const local = GitHistory.at(io.cwd);
    if (local) histories.push(local);
    if (opened.github) {
      const { GitHubHistory } = await import('./insights/github-history.js');
      histories.push(new GitHubHistory(opened.github.client, opened.github.owner, opened.github.repo));
    }
    const insights = await deliveryInsights(opened.ledger, environment, period, {
      histories,
      lookbackDays: command.lookbackDays,
      limit: command.limit,
    });
    if (command.html) writeReportPage(command.html, insights);
    io.write(scrub(io.json ? `${JSON.stringify(insights, null, 2)}\n` : insightsTable(insights)));
    if (command.html && !io.json) io.write(`Report: ${command.html}\n`);
    return 0;
  } catch (error) {
    if (error instanceof Error) error.message = scrub(error.message);
    throw error;
  }
}
