// Every tag-release input parsed and validated into one typed settings object, before git or the API is touched.

import { isPlausibleRef } from '../../common/git-refs.js';
import { InputError } from '../../common/input-error.js';
import type { ReleaseRule } from '../../versioning/commits.js';
import { isValidTagPrefix } from '../../versioning/git.js';
import { eventCommit, runContext } from '../kit/context.js';
import { InputReader } from '../kit/inputs.js';

export interface TagReleaseSettings {
  sha: string;
  tagPrefix: string;
  paths: string[];
  releaseRules: ReleaseRule[];
  prerelease?: string;
  initialVersion: string;
  preMajorBreakingIsMinor: boolean;
  draft: boolean;
  majorTags: boolean;
  dryRun: boolean;
  token?: string;
  tokenIsGithubToken: boolean;
  owner: string;
  repo: string;
  workspace: string;
  serverUrl: string;
  repository: string;
}

const RELEASES = ['major', 'minor', 'patch', false] as const;

export async function parseReleaseRules(text: string | undefined): Promise<ReleaseRule[]> {
  if (text === undefined) return [];
  const { parse: parseYaml } = await import('yaml');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InputError(
      'release-rules',
      `'release-rules' must be a YAML or JSON list: ${(error as Error).message}`,
    );
  }
  if (!Array.isArray(value)) {
    throw new InputError(
      'release-rules',
      "'release-rules' must be a list like [{type: docs, release: patch}]",
    );
  }
  return value.map((rule, index) => {
    const where = `release-rules[${index}]`;
    if (!rule || typeof rule !== 'object') throw new InputError(where, `${where}: must be a mapping`);
    const { type, scope, breaking, release, ...rest } = rule as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) {
      throw new InputError(
        where,
        `${where}: unknown key '${unknown[0]}' (allowed: type, scope, breaking, release)`,
      );
    }
    if (!RELEASES.includes(release as (typeof RELEASES)[number])) {
      throw new InputError(
        where,
        `${where}.release: must be major, minor, patch or false, got '${String(release)}'`,
      );
    }
    for (const [key, field] of [
      ['type', type],
      ['scope', scope],
    ] as const) {
      if (field !== undefined && typeof field !== 'string')
        throw new InputError(where, `${where}.${key}: must be text`);
    }
    return {
      ...(type !== undefined ? { type: type as string } : {}),
      ...(scope !== undefined ? { scope: scope as string } : {}),
      ...(breaking !== undefined ? { breaking: Boolean(breaking) } : {}),
      release: release as ReleaseRule['release'],
    };
  });
}

export async function readSettings(
  input = new InputReader(),
  env = process.env,
): Promise<TagReleaseSettings> {
  const context = runContext(env);
  const token = input.secret('token');
  const sha = input.string('sha') ?? eventCommit(context).sha;
  if (!sha || !isPlausibleRef(sha)) {
    throw new InputError('sha', `'sha' must be a commit SHA or a ref of the checkout, got '${sha}'`);
  }
  const tagPrefix = input.string('tag-prefix') ?? 'v';
  if (!isValidTagPrefix(tagPrefix)) {
    throw new InputError(
      'tag-prefix',
      `'tag-prefix' must be letters, digits, '-', '_', '.' or '/', got '${tagPrefix}'`,
    );
  }
  const prerelease = input.string('prerelease');
  if (prerelease !== undefined && !/^[0-9A-Za-z-]+$/.test(prerelease)) {
    throw new InputError(
      'prerelease',
      `'prerelease' must be an identifier like rc or beta, got '${prerelease}'`,
    );
  }
  const initialVersion = input.string('initial-version') ?? '1.0.0';
  if (!/^\d+\.\d+\.\d+$/.test(initialVersion)) {
    throw new InputError(
      'initial-version',
      `'initial-version' must be a version like 1.0.0 or 0.1.0, got '${initialVersion}'`,
    );
  }
  const dryRun = input.boolean('dry-run') ?? false;
  if (!dryRun && !token) throw new InputError('token', "'token' is needed to publish (or set dry-run: true)");
  return {
    sha,
    tagPrefix,
    paths: input.lines('paths'),
    releaseRules: await parseReleaseRules(input.string('release-rules')),
    prerelease,
    initialVersion,
    preMajorBreakingIsMinor:
      (input.choice('breaking-before-1', ['minor', 'major'] as const) ?? 'minor') === 'minor',
    draft: input.boolean('draft') ?? false,
    majorTags: input.boolean('major-tags') ?? true,
    dryRun,
    token,
    tokenIsGithubToken: token?.startsWith('ghs_') ?? false,
    owner: context.owner,
    repo: context.repo,
    workspace: context.workspace,
    serverUrl: context.serverUrl,
    repository: context.repository,
  };
}
