// The inputs every action that runs a deploy reads alike (deploy-env and the root action): the commit, the
// folder the command runs in, the release bundle and the deployment's payload. One reading, one wording.
import { existsSync } from 'node:fs';
import { FULL_SHA, isPlausibleRef } from '../../common/git-refs.js';
import { InputError } from '../../common/input-error.js';
import type { PathRoots } from '../../common/workspace-path.js';
import { resolveWithGit } from '../../deploy/resolve-ref.js';
import { eventCommit, type RunContext } from './context.js';
import type { InputReader } from './inputs.js';

/** The commit to deploy: `ref` (a SHA, or a branch or tag in the checkout), else the event's commit. */
export async function readDeployCommit(
  input: InputReader,
  context: RunContext,
): Promise<{ sha: string; ref: string }> {
  const fromEvent = eventCommit(context);
  const refInput = input.string('ref');
  if (refInput !== undefined && !isPlausibleRef(refInput)) {
    throw new InputError('ref', `'ref' must be a commit SHA, branch or tag name, got '${refInput}'`);
  }
  const sha = refInput === undefined ? fromEvent.sha : await resolveWithGit(refInput, context.workspace);
  if (sha === undefined) {
    throw new InputError(
      'ref',
      `'ref' must be a full commit SHA or a branch or tag in the checkout at ${context.workspace}, got '${refInput}' (fetch it with actions/checkout fetch-depth: 0, or pass the SHA)`,
    );
  }
  if (!FULL_SHA.test(sha)) {
    throw new InputError(
      'ref',
      `'ref' is needed: there is no commit to deploy (GITHUB_SHA is '${sha}'); give a SHA, branch or tag`,
    );
  }
  return { sha, ref: refInput ?? fromEvent.refName };
}

/** The release bundle as given (recorded for rollback) and resolved inside the workspace or RUNNER_TEMP. */
export function readArtifactPath(
  input: InputReader,
  roots: PathRoots,
): { asGiven?: string; resolved?: string } {
  const artifactPath = input.string('artifact-path');
  if (artifactPath === undefined) return {};
  const resolved = input.path('artifact-path', roots)!;
  if (!existsSync(resolved)) {
    throw new InputError(
      'artifact-path',
      `'artifact-path' must name an existing file or folder, got '${artifactPath}'`,
    );
  }
  return { asGiven: artifactPath, resolved };
}

/** The deployment's `payload` input: a JSON object, or empty. */
export function readPayload(input: InputReader): Record<string, unknown> {
  const text = input.string('payload');
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      'payload',
      `'payload' must be a JSON object, got invalid JSON (${(error as Error).message})`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('payload', '\'payload\' must be a JSON object like {"image": "app:1.2.3"}');
  }
  return value as Record<string, unknown>;
}
