// The gates' inputs preflight-gates and the root action share: the source, the target and the masked secrets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runContext } from '../../../src/actions/kit/context.js';
import { CHECK_RUN_NAME, gateTarget, readGatesSource } from '../../../src/actions/kit/gates.js';
import { InputReader } from '../../../src/actions/kit/inputs.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');
const isFile = (text: string) => /\.(ya?ml|json)$/.test(text);

describe('readGatesSource', () => {
  it('takes the YAML or the file, never both, and is optional only when asked', () => {
    expect(readGatesSource(reader({ gates: 'env: [A]' }), isFile, { required: true })).toEqual({
      text: 'env: [A]',
      label: 'gates',
    });
    expect(readGatesSource(reader({ 'gates-file': 'g.yml' }), isFile, { required: true })).toEqual({
      text: 'g.yml',
      label: 'gates-file',
    });
    expect(readGatesSource(reader({}), isFile, { required: false })).toBeUndefined();
    expect(() => readGatesSource(reader({}), isFile, { required: true })).toThrow(/set 'gates'/);
    expect(() =>
      readGatesSource(reader({ gates: 'x: 1', 'gates-file': 'g.yml' }), isFile, { required: false }),
    ).toThrow(/not both/);
    expect(() => readGatesSource(reader({ 'gates-file': 'gates.txt' }), isFile, { required: false })).toThrow(
      /'gates-file' must be the path of a .yml, .yaml or .json file, got 'gates.txt'/,
    );
  });
});

describe('gateTarget', () => {
  it('brings the pull request number, branches and labels along on pull_request events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gates-kit-'));
    const eventPath = join(dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({
        pull_request: {
          number: 7,
          head: { ref: 'fix/login' },
          base: { ref: 'main' },
          labels: [{ name: 'hotfix' }],
        },
      }),
    );
    const env = {
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_RUN_ID: '42',
      GITHUB_JOB: 'release',
    };
    const sha = 'a'.repeat(40);
    const target = gateTarget(runContext(env), env, {
      sha,
      ref: 'refs/pull/7/merge',
      environment: 'production',
    });
    expect(target).toEqual({
      owner: 'octo',
      repo: 'app',
      sha,
      ref: 'refs/pull/7/merge',
      eventName: 'pull_request',
      labels: ['hotfix'],
      selfCheckNames: ['release', CHECK_RUN_NAME],
      runId: '42',
      environment: 'production',
      pullNumber: 7,
      baseRef: 'main',
      headRef: 'fix/login',
    });
  });

  it('on a push there is no pull request, and a given number wins', () => {
    const env = { GITHUB_REPOSITORY: 'octo/app', GITHUB_EVENT_NAME: 'push' };
    const target = gateTarget(runContext(env), env, {
      sha: 'b'.repeat(40),
      ref: 'refs/heads/main',
      pullNumber: 3,
    });
    expect(target.labels).toEqual([]);
    expect(target.pullNumber).toBe(3);
    expect(target.headRef).toBeUndefined();
    expect(target.selfCheckNames).toEqual([CHECK_RUN_NAME]);
  });
});
