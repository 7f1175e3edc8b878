// `deploy-kit unlock`: clears a deployment's lease by hand, as `terraform force-unlock` does, when its holder
// is gone and nothing could prove it (another host, a lease time not run out yet). The deployment is closed
// as error, saying who unlocked it; a command group it left running on this host is ended first, so no two
// deploy commands ever run at once. A holder still alive on this host is not unlocked.
import { openLedger, parseStatusOptions, UsageError } from './cli-status.js';
import { describeHolder, endGroup, groupAlive, leaseOf, onThisHost, processAlive } from './deploy/lease.js';
import { OPEN_STATES, versionOf } from './ledger/types.js';

export function unlockHelp(): string {
  return [
    'deploy-kit unlock — clears the lease of an open deployment whose holder is gone (like terraform force-unlock)',
    '',
    'Usage: deploy-kit unlock --environment NAME --deployment ID [--ledger github|file:<path>]',
    '                         [--repository owner/name] [--reason TEXT]',
    '',
    'The deployment is marked error ("unlocked by hand"), so the next deploy or rollback goes on. Its deploy',
    'command, when still running on this host, is ended first (SIGTERM, then SIGKILL). A holder process still',
    'alive on this host is refused: end it, or let it finish. The ledger options are those of deploy-kit status.',
  ].join('\n');
}

export interface UnlockIo {
  cwd: string;
  env: Record<string, string | undefined>;
  write: (text: string) => void;
  warn: (text: string) => void;
}

export async function runUnlock(options: Record<string, string>, io: UnlockIo): Promise<number> {
  const { deployment: id, reason, ...ledgerOptions } = options;
  if (id === undefined || !/^[1-9][0-9]*$/.test(id)) {
    throw new UsageError(
      `unlock: '--deployment' must be a deployment id (a whole number like 12), got ${id === undefined ? 'nothing' : `'${id}'`}`,
    );
  }
  if (ledgerOptions.environment === undefined || ledgerOptions.environment.includes('\n')) {
    throw new UsageError("unlock: '--environment' must name the one environment the deployment belongs to");
  }
  if (reason !== undefined && reason.length > 100) {
    throw new UsageError(`unlock: '--reason' must be at most 100 characters, got ${reason.length}`);
  }
  if ('limit' in ledgerOptions) throw new UsageError('unlock: unknown option --limit');
  let command: ReturnType<typeof parseStatusOptions>;
  try {
    command = parseStatusOptions(ledgerOptions, io.env, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^status: /, 'unlock: '));
    throw error;
  }
  const environment = command.environments[0]!;
  const token = ledgerOptions.token ?? io.env.GITHUB_TOKEN;
  const opened = await openLedger(command.ledger, io.cwd, token, io.env, (m) => io.warn(`${m}\n`));
  const entry = await opened.ledger.get(id);
  if (!entry || entry.environment !== environment) {
    io.warn(`unlock: there is no deployment ${id} of ${environment} in ${opened.describe}\n`);
    return 1;
  }
  if (!OPEN_STATES.includes(entry.state)) {
    io.write(
      `deployment ${id} (${versionOf(entry)}) in ${environment} is ${entry.state}: nothing to unlock\n`,
    );
    return 0;
  }
  const lease = leaseOf(entry);
  const local = lease.holder !== undefined && onThisHost(lease.holder);
  if (local && processAlive(lease.holder!.pid, lease.holder!.started)) {
    io.warn(
      `unlock: deployment ${id} is held by ${describeHolder(lease)}, which is alive on this host: it is not abandoned (end that process, or let it finish)\n`,
    );
    return 1;
  }
  if (local && lease.pgid !== undefined && groupAlive(lease.pgid)) {
    const ended = await endGroup(lease.pgid);
    if (ended === 'survived') {
      io.warn(
        `unlock: the deploy command of deployment ${id} (process group ${lease.pgid}) survived SIGKILL\n`,
      );
      return 1;
    }
    io.write(`ended the deploy command of deployment ${id} (process group ${lease.pgid}, ${ended})\n`);
  }
  const who = io.env.USER ?? io.env.GITHUB_ACTOR ?? 'someone';
  await opened.ledger.setStatus(id, {
    state: 'error',
    description: `unlocked by hand by ${who}${reason ? `: ${reason}` : ''}`.slice(0, 140),
  });
  io.write(
    `deployment ${id} (${versionOf(entry)}) in ${environment} unlocked: marked error (it was ${entry.state}, held by ${describeHolder(lease)}, last renewed ${lease.renewedAt})\n`,
  );
  return 0;
}
