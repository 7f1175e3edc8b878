import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCommandRouter, routerEnvironment } from '../../src/traffic/command.js';
import { createRouter, RouterError, type WeightChange } from '../../src/traffic/index.js';

const cwd = mkdtempSync(join(tmpdir(), 'command-router-'));
const env = { PATH: process.env.PATH };

function change(weight: number, extra: Partial<WeightChange> = {}): WeightChange {
  return { weight, step: 2, baselineVersion: 'v1', canaryVersion: 'v2', ...extra };
}

async function routerError(promise: Promise<unknown>): Promise<RouterError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RouterError);
    expect((error as RouterError).router).toBe('command');
    return error as RouterError;
  }
  throw new Error('expected a RouterError');
}

function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('command router', () => {
  it('gives the script the weight, the baseline share, the step and the versions in its environment', async () => {
    const out = join(cwd, 'env.txt');
    const router = createRouter('command', {
      script: `printf '%s|%s|%s|%s|%s' "$DEPLOY_KIT_CANARY_WEIGHT" "$DEPLOY_KIT_BASELINE_WEIGHT" "$DEPLOY_KIT_STEP" "$DEPLOY_KIT_BASELINE_VERSION" "$DEPLOY_KIT_CANARY_VERSION" > ${out}`,
      cwd,
      env,
    });
    expect(router.kind).toBe('command');
    await router.setWeight(change(25, { step: 3 }));
    expect(readFileSync(out, 'utf8')).toBe('25|75|3|v1|v2');
    await router.setWeight(change(0.5));
    expect(readFileSync(out, 'utf8')).toBe('0.5|99.5|2|v1|v2');
    expect(routerEnvironment(change(100)).DEPLOY_KIT_BASELINE_WEIGHT).toBe('0');
  });

  it('never lets a version reach the shell as code', async () => {
    const hostile = '$(touch pwned) `touch pwned2`; "x" \'y\'';
    const out = join(cwd, 'version.txt');
    const router = createCommandRouter({
      script: `printf '%s' "$DEPLOY_KIT_CANARY_VERSION" > ${out}`,
      cwd,
      env,
    });
    await router.setWeight(change(5, { canaryVersion: hostile }));
    expect(readFileSync(out, 'utf8')).toBe(hostile);
    expect(existsSync(join(cwd, 'pwned'))).toBe(false);
    expect(existsSync(join(cwd, 'pwned2'))).toBe(false);
  });

  it('streams the output to the log and fails with the exit code and the last lines', async () => {
    const lines: string[] = [];
    const router = createCommandRouter(
      {
        script: 'for i in 1 2 3 4; do echo "line $i"; done; echo "no route" >&2; exit 7',
        cwd,
        env,
        keepLines: 2,
      },
      { log: { info: (line) => lines.push(line), warning: () => {} } },
    );
    const error = await routerError(router.setWeight(change(50, { step: 3 })));
    expect(error.message).toBe(
      'command router: the command failed with exit code 7 setting weight 50% (step 3); last lines: line 4 | no route',
    );
    expect(lines).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'no route']);
  });

  it('ends the whole process group when the command outlives its timeout', async () => {
    const pidFile = join(cwd, 'timeout.pid');
    const router = createCommandRouter({
      script: `sleep 30 & echo $! > ${pidFile}; echo waiting; wait`,
      cwd,
      env,
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await routerError(router.setWeight(change(10)));
    expect(error.message).toMatch(
      /^command router: the command did not finish within 300 ms setting weight 10%; last lines: waiting$/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(child)).toBe(false);
  });

  it('stops when cancelled and says so', async () => {
    const controller = new AbortController();
    const router = createCommandRouter(
      { script: 'echo started; sleep 30', cwd, env },
      { log: { info: (line) => line === 'started' && controller.abort(), warning: () => {} } },
    );
    const error = await routerError(router.setWeight(change(20, { signal: controller.signal })));
    expect(error.message).toBe('command router: cancelled while setting weight 20%');
  });

  it('rejects an empty command when created and a weight outside 0..100 before running anything', async () => {
    expect(() => createCommandRouter({ script: '  ', cwd, env })).toThrow(
      new RouterError('command router: the command is empty', 'command', 'script'),
    );
    const marker = join(cwd, 'ran.txt');
    const router = createCommandRouter({ script: `touch ${marker}`, cwd, env });
    for (const weight of [-1, 101, Number.NaN]) {
      const error = await routerError(router.setWeight(change(weight)));
      expect(error.message).toBe(`command router: weight must be within 0..100, got ${weight}`);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('is one of the routers the router input names', () => {
    expect(() => createRouter('gateway' as never, { script: 'true' } as never)).toThrow(
      "unknown router 'gateway': expected one of nginx, command, http",
    );
  });

  it('reports a command that cannot start', async () => {
    const router = createCommandRouter({ script: 'true', cwd: join(cwd, 'missing-folder'), env });
    const error = await routerError(router.setWeight(change(5)));
    expect(error.message).toMatch(/^command router: the command could not start: .*ENOENT/);
  });

  it('applies weights one at a time, in the order asked (an abort waits for the step in progress)', async () => {
    const log = join(cwd, 'order.txt');
    const router = createCommandRouter({
      script: `echo "start $DEPLOY_KIT_CANARY_WEIGHT" >> ${log}; sleep 0.2; echo "end $DEPLOY_KIT_CANARY_WEIGHT" >> ${log}`,
      cwd,
      env,
    });
    const failing = createCommandRouter({ script: 'exit 1', cwd, env });
    await Promise.all([router.setWeight(change(25)), router.setWeight(change(0))]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['start 25', 'end 25', 'start 0', 'end 0']);
    // A failed change does not block the next one.
    await expect(failing.setWeight(change(5))).rejects.toThrow(RouterError);
    await expect(failing.setWeight(change(0))).rejects.toThrow(/exit code 1 setting weight 0%/);
  });
});
