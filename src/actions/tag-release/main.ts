// tag-release: read the history with git (no API call), compute the version, then publish the tag, the
// release and the major tags with a handful of calls.
import * as core from '../kit/core.js';
import { githubClient } from '../kit/github.js';
import { footer, table } from '../kit/markdown.js';
import { readSettings } from './inputs.js';

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
  const commitsJson = JSON.stringify(
    analysis.commits.map((c) => ({
      sha: c.sha,
      type: c.type ?? null,
      scope: c.scope ?? null,
      subject: c.subject,
      breaking: c.breaking,
    })),
  );
  core.setOutput('previous-version', analysis.previousVersion ?? '');
  core.setOutput('commits', commitsJson);

  if (analysis.conflict) {
    throw new Error(analysis.reason);
  }
  if (!analysis.nextVersion || !analysis.nextTag) {
    for (const name of ['version', 'tag', 'bump', 'release-url', 'notes']) core.setOutput(name, '');
    await core.summary
      .addRaw(
        [`### ⏸️ No release: ${analysis.reason}`, '', footer('tag-release', [read, 'no API calls']), ''].join(
          '\n',
        ),
      )
      .write();
    return;
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

  let releaseUrl = '';
  const facts = [read];
  const rows: string[][] = [
    ['Version', `${analysis.previousVersion ?? '–'} → ${version} (${analysis.bump ?? ''})`],
    ['Tag', `${tag} on ${analysis.sha.slice(0, 12)}`],
    ['Why', analysis.reason],
  ];
  const warnings: string[] = [];
  if (settings.dryRun) {
    const { majorTagPlan } = await import('../../versioning/publish.js');
    const plan = majorTagPlan({ ...settings, tag, version, prerelease: Boolean(settings.prerelease) });
    rows.push(['Would move', plan.names.join(', ') || plan.why || '–']);
    facts.push('dry run: no API calls');
  } else {
    if (!settings.token) throw new Error("'token' is needed to publish (or set dry-run: true)");
    const [client, { publishRelease }] = await Promise.all([
      githubClient(settings.token),
      import('../../versioning/publish.js'),
    ]);
    const published = await core.group(`Publishing ${tag}`, () =>
      publishRelease({
        client,
        owner: settings.owner,
        repo: settings.repo,
        tag,
        sha: analysis.sha,
        name: tag,
        notes,
        draft: settings.draft,
        prerelease: Boolean(settings.prerelease),
        majorTags: settings.majorTags,
        version,
        previousVersion: analysis.previousVersion ?? null,
        dryRun: false,
        tokenIsGithubToken: settings.tokenIsGithubToken,
        log: core.info,
      }),
    );
    releaseUrl = published.release.url;
    rows.push(
      ['Tag', published.tag],
      ['Release', `${published.release.state}: ${releaseUrl}`],
      ['Major tags moved', published.movedTags.join(', ') || '–'],
    );
    warnings.push(...published.warnings);
    const count = client.callCount();
    facts.push(`${count.rest + count.graphql} API calls`);
  }
  for (const warning of warnings) core.warning(`tag-release: ${warning}`);
  core.setOutput('release-url', releaseUrl);

  await core.summary
    .addRaw(
      [
        `### 🏷️ ${settings.dryRun ? 'Would release' : 'Released'} ${tag}`,
        '',
        table(['', ''], rows),
        '',
        ...warnings.map((w) => `> ⚠️ ${w}\n`),
        '<details><summary>Release notes</summary>',
        '',
        notes,
        '',
        '</details>',
        '',
        footer('tag-release', facts),
        '',
      ].join('\n'),
    )
    .write();
}
