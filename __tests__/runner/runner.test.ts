import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../../src/runner/runner.js';

/** A tiny action written the way a bundle behaves, using only the runner's files and variables. */
function fixtureAction(mainScript: string, postScript?: string, extraYaml = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-kit-fixture-'));
  writeFileSync(join(dir, 'main.mjs'), mainScript);
  if (postScript) writeFileSync(join(dir, 'post.mjs'), postScript);
  writeFileSync(
    join(dir, 'action.yml'),
    [
      'name: fixture',
      'description: a fixture',
      'inputs:',
      '  greeting:',
      '    description: what to say',
      '    default: hello',
      '  target name:',
      '    description: an input with a space',
      '  token:',
      '    description: the token',
      '    default: ${{ github.token }}',
      'outputs:',
      '  said:',
      '    description: what was said',
      'runs:',
      '  using: node24',
      '  main: main.mjs',
      ...(postScript ? ['  post: post.mjs'] : []),
      extraYaml,
    ].join('\n'),
  );
  return dir;
}

const helpers = `
import { appendFileSync } from 'node:fs';
const put = (file, name, value) => appendFileSync(process.env[file], name + '<<EOF_X\\n' + value + '\\nEOF_X\\n');
`;

describe('runAction', () => {
  it('passes inputs as INPUT_* with defaults, parses outputs, state, env and the summary', async () => {
    const dir = fixtureAction(`${helpers}
      const said = process.env.INPUT_GREETING + ' ' + process.env['INPUT_TARGET_NAME'];
      put('GITHUB_OUTPUT', 'said', said + '\\nsecond line');
      put('GITHUB_STATE', 'remember', 'me');
      put('GITHUB_ENV', 'FROM_MAIN', 'yes');
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, '| a | b |\\n');
      console.log('token=' + process.env.INPUT_TOKEN);
      console.log('leaked=' + (process.env.SECRET_OF_PARENT ?? 'none'));
    `);
    process.env.SECRET_OF_PARENT = 'should-not-pass';
    const run = await runAction({
      action: dir,
      inputs: { 'target name': 'world' },
      github: { token: 'ghs_abc' },
    });
    delete process.env.SECRET_OF_PARENT;
    expect(run.conclusion).toBe('success');
    expect(run.outputs.said).toBe('hello world\nsecond line');
    expect(run.main.state).toEqual({ remember: 'me' });
    expect(run.main.env).toEqual({ FROM_MAIN: 'yes' });
    expect(run.summary).toContain('| a | b |');
    expect(run.main.stdout).toContain('token=ghs_abc');
    expect(run.main.stdout).toContain('leaked=none');
  });

  it('runs post with the saved state and GITHUB_ENV of main', async () => {
    const dir = fixtureAction(
      `${helpers} put('GITHUB_STATE', 'deployment', '42'); put('GITHUB_ENV', 'SEEN', 'main');`,
      `console.log('post sees ' + process.env.STATE_deployment + ' ' + process.env.SEEN);`,
    );
    const run = await runAction({ action: dir });
    expect(run.post?.stdout).toContain('post sees 42 main');
  });

  it('parses annotations, groups and masks, and masks secrets in logs and summary', async () => {
    const dir = fixtureAction(`
      import { appendFileSync } from 'node:fs';
      console.log('::add-mask::hunter2');
      console.log('::group::Checking');
      console.log('password is hunter2');
      console.log('::endgroup::');
      console.log('::error file=a.ts,line=3,title=Bad%3A thing::it failed%0Aon two lines');
      console.log('::warning::careful');
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, 'secret hunter2 here');
      process.exitCode = 1;
    `);
    const run = await runAction({ action: dir });
    expect(run.conclusion).toBe('failure');
    expect(run.masks).toEqual(['hunter2']);
    expect(run.main.log.groups).toEqual(['Checking']);
    expect(run.main.stdout).toContain('password is ***');
    expect(run.main.stdout).not.toContain('hunter2');
    expect(run.summary).toBe('secret *** here');
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: 'it failed\non two lines',
        properties: { file: 'a.ts', line: '3', title: 'Bad: thing' },
      },
      { level: 'warning', message: 'careful', properties: {} },
    ]);
  });

  it('cancels as the runner does: SIGINT to main, then post runs', async () => {
    const dir = fixtureAction(
      `${helpers}
      put('GITHUB_STATE', 'started', 'yes');
      process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(130); });
      console.log('working');
      setInterval(() => {}, 1000);
    `,
      `console.log('post after cancel, started=' + process.env.STATE_started);`,
    );
    const run = await runAction({
      action: dir,
      cancel: { when: (out) => out.includes('working'), graceMs: 2000 },
    });
    expect(run.conclusion).toBe('cancelled');
    expect(run.main.stdout).toContain('got SIGINT');
    expect(run.main.exitCode).toBe(130);
    expect(run.post?.stdout).toContain('post after cancel, started=yes');
  });

  it('ends a step that ignores SIGINT with SIGTERM after the grace period', async () => {
    const dir = fixtureAction(
      `process.on('SIGINT', () => {}); console.log('stubborn'); setInterval(() => {}, 1000);`,
    );
    const run = await runAction({
      action: dir,
      cancel: { when: (out) => out.includes('stubborn'), graceMs: 300 },
    });
    expect(run.main.cancelled).toBe(true);
    expect(run.main.signal).toBe('SIGTERM');
  });

  it('skips post when post-if is success() and main failed', async () => {
    const dir = fixtureAction('process.exitCode = 3;', 'console.log("post ran");', '  post-if: success()');
    const run = await runAction({ action: dir });
    expect(run.main.exitCode).toBe(3);
    expect(run.post).toBeUndefined();
  });

  it('reports inputs the action does not declare', async () => {
    const dir = fixtureAction('');
    const run = await runAction({ action: dir, inputs: { greting: 'typo' } });
    expect(run.unexpectedInputs).toEqual(['greting']);
  });

  it('writes the event payload to GITHUB_EVENT_PATH', async () => {
    const dir = fixtureAction(`
      import { readFileSync } from 'node:fs';
      const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));
      console.log('pr=' + event.pull_request.number + ' event=' + process.env.GITHUB_EVENT_NAME);
    `);
    const run = await runAction({
      action: dir,
      github: { eventName: 'pull_request', event: { pull_request: { number: 7 } } },
    });
    expect(run.main.stdout).toContain('pr=7 event=pull_request');
  });

  it('removes its deploy-kit-run-* folder when the run ends, post included, and keeps one it was given', async () => {
    const dir = fixtureAction(
      `${helpers}
      import { writeFileSync } from 'node:fs';
      writeFileSync(process.env.RUNNER_TEMP + '/report.json', '{}');
      put('GITHUB_OUTPUT', 'said', process.env.RUNNER_TEMP);`,
      `console.log('post in ' + process.env.RUNNER_TEMP);`,
    );
    const run = await runAction({ action: dir });
    expect(run.post?.stdout).toContain('post in ');
    expect(run.workDir).toMatch(/deploy-kit-run-/);
    expect(existsSync(run.workDir)).toBe(false);
    expect(existsSync(run.outputs.said!)).toBe(false);

    const kept = await runAction({ action: dir, keepWorkDir: true });
    expect(existsSync(join(kept.outputs.said!, 'report.json'))).toBe(true);
    rmSync(kept.workDir, { recursive: true, force: true });

    const given = mkdtempSync(join(tmpdir(), 'given-'));
    const inGiven = await runAction({ action: dir, workDir: given });
    expect(inGiven.workDir).toBe(given);
    expect(existsSync(join(given, 'temp', 'report.json'))).toBe(true);
    rmSync(given, { recursive: true, force: true });
  });

  it('removes its folder when a step fails or is cancelled too', async () => {
    const failing = fixtureAction('process.exit(3);');
    const failed = await runAction({ action: failing });
    expect(failed.conclusion).toBe('failure');
    expect(existsSync(failed.workDir)).toBe(false);
    const slow = fixtureAction("console.log('started'); setTimeout(() => {}, 60_000);");
    const cancelled = await runAction({
      action: slow,
      cancel: { when: (out) => out.includes('started'), kill: true },
    });
    expect(cancelled.conclusion).toBe('cancelled');
    expect(existsSync(cancelled.workDir)).toBe(false);
  });
});
