// Stand-ins for the third-party actions the examples use, keyed as the runner looks them up (`owner/name`).
// Each does here what the real action leaves behind for the steps after it, and fails where the real one
// would (a missing required input): checkout → the workspace is the repository itself, at the run's commit;
// cloud sign-in → the environment variables and files the real action sets; tool set-up → nothing, the
// stand-in tools are on PATH already.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_AWS } from '../../fakes/cloudwatch/index.js';
import type { ActionStandIn, StandInCall, StandInResult } from '../runner.js';

function required(call: StandInCall, ...names: string[]): string | undefined {
  const missing = names.filter((name) => !call.with[name]);
  return missing.length > 0
    ? `${call.uses}: input required and not supplied: ${missing.join(', ')}`
    : undefined;
}

/**
 * actions/checkout: the workspace is a clone of the repository; check out the run's commit in it, with the
 * tags GitHub holds (what `fetch-depth: 0` fetches), so tag-release sees the releases made so far.
 */
function checkout(tags: () => [string, string][]): ActionStandIn {
  return (call) => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: call.workspace, stdio: 'pipe' });
    try {
      git('checkout', '--quiet', '--detach', call.sha);
      for (const [name, sha] of tags()) git('tag', '--force', name, sha);
    } catch (error) {
      return { failure: `${call.uses}: cannot check out ${call.sha}: ${(error as Error).message}` };
    }
    return { outputs: { ref: 'main', commit: call.sha }, log: `checked out ${call.sha}` };
  };
}

/** aws-actions/configure-aws-credentials: short-lived credentials for the role, in the environment. */
function awsCredentials(call: StandInCall): StandInResult {
  const missing = required(call, 'aws-region');
  if (missing) return { failure: missing };
  if (!call.with['role-to-assume']) {
    return { failure: `${call.uses}: Credentials could not be loaded, please check your action inputs` };
  }
  const region = call.with['aws-region'] ?? '';
  return {
    env: {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // The keys the fake CloudWatch knows, so a watch reading CloudWatch signs with what the role gave it.
      AWS_ACCESS_KEY_ID: FAKE_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_AWS.secretAccessKey,
      AWS_SESSION_TOKEN: 'stand-in-session',
    },
    outputs: { 'aws-account-id': '123456789012' },
    log: `assumed ${call.with['role-to-assume']} in ${region}`,
  };
}

/** google-github-actions/auth: a credentials file in the workspace and the variables gcloud reads. */
function googleAuth(call: StandInCall): StandInResult {
  const missing = required(call, 'workload_identity_provider', 'service_account');
  if (missing) return { failure: missing };
  const file = join(call.workspace, `gha-creds-${call.sha.slice(0, 8)}.json`);
  writeFileSync(
    file,
    JSON.stringify({ type: 'external_account', service_account: call.with.service_account }),
  );
  return {
    env: {
      GOOGLE_APPLICATION_CREDENTIALS: file,
      GOOGLE_GHA_CREDS_PATH: file,
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: file,
    },
    outputs: { credentials_file_path: file },
    log: `signed in as ${call.with.service_account}`,
  };
}

/** docker/login-action and aws-actions/amazon-ecr-login: a registry sign-in nothing here checks. */
function registryLogin(call: StandInCall): StandInResult {
  if (call.uses.startsWith('docker/login-action')) {
    const missing = required(call, 'username', 'password');
    if (missing) return { failure: missing };
  }
  return { outputs: { registry: call.with.registry ?? '123456789012.dkr.ecr.eu-west-1.amazonaws.com' } };
}

/** docker/build-push-action: no image is built; the tags it would push are logged for the test to read. */
function buildPush(call: StandInCall): StandInResult {
  const tags = call.with.tags ?? '';
  if (call.with.push === 'true' && !tags)
    return { failure: `${call.uses}: tag is needed when pushing to registry` };
  return { outputs: { imageid: 'sha256:stand-in', digest: 'sha256:stand-in' }, log: `would push ${tags}` };
}

const nothing: ActionStandIn = (call) => ({ log: `${call.uses}: the stand-in tools are on PATH already` });

/** The stand-ins by `owner/name`; `tags` lists the repository's tags on GitHub as [name, sha]. */
export function actionStandIns(tags: () => [string, string][] = () => []): Record<string, ActionStandIn> {
  return {
    'actions/checkout': checkout(tags),
    'aws-actions/configure-aws-credentials': awsCredentials,
    'aws-actions/amazon-ecr-login': registryLogin,
    'docker/login-action': registryLogin,
    'docker/build-push-action': buildPush,
    'google-github-actions/auth': googleAuth,
    'google-github-actions/setup-gcloud': nothing,
    'actions/setup-node': nothing,
    'azure/setup-kubectl': nothing,
  };
}
