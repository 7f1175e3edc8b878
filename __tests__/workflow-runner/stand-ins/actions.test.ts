// The third-party action stand-ins leave what the real actions leave for the next steps, and fail where
// the real ones would.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Repo } from '../../versioning/repo.js';
import type { StandInCall } from '../runner.js';
import { actionStandIns } from './actions.js';

const call = (uses: string, inputs: Record<string, string>, workspace = mkdtempSync(join(tmpdir(), 'ws-'))) =>
  ({ uses, with: inputs, env: {}, workspace, sha: 'a'.repeat(40), temp: tmpdir() }) as StandInCall;

describe('third-party action stand-ins', () => {
  it('checkout: the run commit checked out, with the tags GitHub holds', async () => {
    const repo = Repo.init();
    const first = repo.commit('feat: one');
    repo.commit('feat: two');
    const standIns = actionStandIns(() => [['v1.0.0', first]]);
    const result = await standIns['actions/checkout']!({
      ...call('actions/checkout@v6', {}, repo.dir),
      sha: first,
    });
    expect(result.failure).toBeUndefined();
    expect(repo.head()).toBe(first);
    expect(repo.git('rev-parse', 'v1.0.0')).toBe(first);
    const missing = await standIns['actions/checkout']!({
      ...call('actions/checkout@v6', {}, repo.dir),
      sha: 'f'.repeat(40),
    });
    expect(missing.failure).toContain('cannot check out');
  });

  it('cloud sign-in: the variables the real actions set, or their failure without the inputs', async () => {
    const standIns = actionStandIns();
    const aws = await standIns['aws-actions/configure-aws-credentials']!(
      call('aws-actions/configure-aws-credentials@v4', {
        'role-to-assume': 'arn:aws:iam::1:role/x',
        'aws-region': 'eu-west-1',
      }),
    );
    expect(aws.env).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(aws.env?.AWS_ACCESS_KEY_ID).toBeTruthy();
    const noRole = await standIns['aws-actions/configure-aws-credentials']!(
      call('aws-actions/configure-aws-credentials@v4', { 'role-to-assume': '', 'aws-region': 'eu-west-1' }),
    );
    expect(noRole.failure).toContain('Credentials could not be loaded');
    const google = await standIns['google-github-actions/auth']!(
      call('google-github-actions/auth@v2', {
        workload_identity_provider: 'projects/1/x',
        service_account: 'sa@p.iam',
      }),
    );
    const file = google.env?.CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE ?? '';
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).service_account).toBe('sa@p.iam');
    const noProvider = await standIns['google-github-actions/auth']!(
      call('google-github-actions/auth@v2', {}),
    );
    expect(noProvider.failure).toContain('workload_identity_provider, service_account');
  });

  it('image build: the tags it would push are logged; pushing without tags fails', async () => {
    const standIns = actionStandIns();
    const built = await standIns['docker/build-push-action']!(
      call('docker/build-push-action@v6', { push: 'true', tags: 'ghcr.io/acme/web:abc' }),
    );
    expect(built.log).toBe('would push ghcr.io/acme/web:abc');
    const untagged = await standIns['docker/build-push-action']!(
      call('docker/build-push-action@v6', { push: 'true' }),
    );
    expect(untagged.failure).toBeDefined();
    const login = await standIns['docker/login-action']!(
      call('docker/login-action@v3', { registry: 'ghcr.io' }),
    );
    expect(login.failure).toContain('username, password');
  });
});
