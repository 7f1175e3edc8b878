// tag-release: read the history with git (no API call), compute the version, then publish the tag, the
// release and the major tags with a handful of calls.
import * as core from '../kit/core.js';
import { githubClient } from '../kit/github.js';
import { readSettings, type TagReleaseSettings } from './inputs.js';
import { noTagSummary, tagSummary } from './summary.js';

export async function main(): Promise<void> {
  const settings = await readSettings();
  // The commit parser and semver load only once the inputs are good (start-up stays under 2× bare node).
  const [{ analyzeRelease }, { renderNotes }] = await Promise.all([
    import('../../versioning/analyze.js'),
    import('../../versioning/notes.js'),
  ]);
  const analysis = await core.group('Reading the history', () =>
    analyzeRelease({
      cwd: settings.workspace,
      sha: settings.sha,
      tagPrefix: settings.tagPrefix,
      paths: settings.paths,
      releaseRules: settings.releaseRules,
      ...(settings.prerelease ? { prerelease: settings.prerelease } : {}),
      initialVersion: settings.initialVersion,
      preMajorBreakingIsMinor: settings.preMajorBreakingIsMinor,
      log: core.info,
    }),
  );
  const { stats } = analysis;
  const read = `${stats.tagsRead} tags and ${stats.commitsRead} commits read${stats.deepenRounds ? `, history deepened ${stats.deepenRounds} times` : ''}`;
  core.info(`${analysis.reason} (${read})`);
  const commits = analysis.commits.map((c) => ({
    sha: c.sha,
    type: c.type ?? null,
    scope: c.scope ?? null,
    subject: c.subject,
    breaking: c.breaking,
  }));
  core.setOutput('previous-version', analysis.previousVersion ?? '');
  core.setOutput('commits', JSON.stringify(commits));

  if (analysis.conflict) throw new Error(analysis.reason);
  if (!analysis.nextVersion || !analysis.nextTag) {
    for (const name of ['version', 'tag', 'bump', 'release-url', 'notes']) core.setOutput(name, '');
    return noTagSummary(analysis.reason, read);
  }

  const version = analysis.nextVersion;
  const tag = analysis.nextTag;
  const notes = renderNotes(analysis.commits, {
    version,
    tag,
    ...(analysis.previousTag ? { previousTag: analysis.previousTag } : {}),
    serverUrl: settings.serverUrl,
    repository: settings.repository,
    date: new Date().toISOString().slice(0, 10),
  });
  core.setOutput('version', version);
  core.setOutput('tag', tag);
  core.setOutput('bump', analysis.bump ?? '');
  core.setOutput('notes', notes);

  const rows: string[][] = [
    ['Version', `${analysis.previousVersion ?? '–'} → ${version} (${analysis.bump ?? ''})`],
    ['Tag', `${tag} on ${analysis.sha.slice(0, 12)}`],
    ['Why', analysis.reason],
  ];
  const release = {
    tag,
    version,
    sha: analysis.sha,
    notes,
    previousVersion: analysis.previousVersion ?? null,
  };
  const done = settings.dryRun ? await plan(settings, release) : await publish(settings, release);
  core.setOutput('release-url', done.releaseUrl);
  await tagSummary({
    tag,
    dryRun: settings.dryRun,
    rows: [...rows, ...done.rows],
    warnings: done.warnings,
    notes,
    facts: [read, done.fact],
  });
}

interface NextRelease {
  tag: string;
  version: string;
  sha: string;
  notes: string;
  previousVersion: string | null;
}

interface Published {
  releaseUrl: string;
  rows: string[][];
  warnings: string[];
  fact: string;
}

/** A dry run: which major tags would move; no API call. */
async function plan(settings: TagReleaseSettings, release: NextRelease): Promise<Published> {
  const { majorTagPlan } = await import('../../versioning/publish.js');
  const moves = majorTagPlan({ ...settings, ...release, prerelease: Boolean(settings.prerelease) });
  return {
    releaseUrl: '',
    rows: [['Would move', moves.names.join(', ') || moves.why || '–']],
    warnings: [],
    fact: 'dry run: no API calls',
  };
}

/** The tag, the release and the major tags, through the API (the token was checked with the inputs). */
async function publish(settings: TagReleaseSettings, release: NextRelease): Promise<Published> {
  const [client, { publishRelease }] = await Promise.all([
    githubClient(settings.token!),
    import('../../versioning/publish.js'),
  ]);
  const published = await core.group(`Publishing ${release.tag}`, () =>
    publishRelease({
      client,
      owner: settings.owner,
      repo: settings.repo,
      tag: release.tag,
      sha: release.sha,
      name: release.tag,
      notes: release.notes,
      draft: settings.draft,
      prerelease: Boolean(settings.prerelease),
      majorTags: settings.majorTags,
      version: release.version,
      previousVersion: release.previousVersion,
      dryRun: false,
      tokenIsGithubToken: settings.tokenIsGithubToken,
      log: core.info,
    }),
  );
  const count = client.callCount();
  return {
    releaseUrl: published.release.url,
    rows: [
      ['Tag', published.tag],
      ['Release', `${published.release.state}: ${published.release.url}`],
      ['Major tags moved', published.movedTags.join(', ') || '–'],
    ],
    warnings: published.warnings,
    fact: `${count.rest + count.graphql} API calls`,
  };
}
