import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/command/run.js';

const cwd = mkdtempSync(join(tmpdir(), 'command-'));
const env = { PATH: process.env.PATH };

/** Alive and not a zombie waiting for a reaper (this sandbox's init may not reap orphans). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('streams lines from both streams and keeps the last ones', async () => {
    const lines: string[] = [];
    const result = await runCommand({
      script: 'for i in $(seq 1 30); do echo "line $i"; done; echo oops >&2; exit 3',
      cwd,
      env,
      keepLines: 5,
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(result.exitCode).toBe(3);
    expect(result.cancelled).toBe(false);
    expect(lines).toHaveLength(31);
    expect(lines).toContain('stderr:oops');
    expect(result.lastLines).toHaveLength(5);
    expect(result.lastLines.at(-1)).toBe('oops');
  });

  it('passes values as environment variables, which the shell never re-parses', async () => {
    const hostile = '$(touch pwned); `touch pwned2`; "quoted" \'single\' \n newline';
    const result = await runCommand({
      script: 'printf "%s" "$DEPLOY_KIT_VERSION" > version.txt',
      cwd,
      env: { ...env, DEPLOY_KIT_VERSION: hostile },
    });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(cwd, 'version.txt'), 'utf8')).toBe(hostile);
    expect(existsSync(join(cwd, 'pwned'))).toBe(false);
    expect(existsSync(join(cwd, 'pwned2'))).toBe(false);
  });

  it('ends the whole process group when cancelled', async () => {
    const controller = new AbortController();
    const pidFile = join(cwd, 'child.pid');
    const running = runCommand({
      script: `sleep 30 & echo $! > ${pidFile}; echo started; wait`,
      cwd,
      env,
      signal: controller.signal,
      killGraceMs: 500,
      onLine: (line) => line === 'started' && controller.abort(),
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(pid)).toBe(false);
  });

  it('does not start when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCommand({ script: 'touch started', cwd, env, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(existsSync(join(cwd, 'started'))).toBe(false);
  });
});

describe('runCommand with a recorded process group', () => {
  it('holds the script until onSpawn has recorded the group, then runs it as bash -c would', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const result = await runCommand({
      script:
        'echo "args=$# zero=$0 script=${__deploy_kit_script-unset} group=$(ps -o pgid= $$ | tr -d " ")"',
      cwd,
      env,
      onLine: (line) => lines.push(line),
      onSpawn: async (pgid) => {
        events.push(`recorded ${pgid}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push('released');
      },
    });
    expect(result.exitCode).toBe(0);
    expect(events).toHaveLength(2);
    const pgid = events[0]!.split(' ')[1];
    expect(lines).toEqual([`args=0 zero=bash script=unset group=${pgid}`]);
    expect(result.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('still runs the script when recording the group failed', async () => {
    const result = await runCommand({
      script: 'exit 4',
      cwd,
      env,
      onSpawn: () => Promise.reject(new Error('ledger down')),
    });
    expect(result.exitCode).toBe(4);
  });
});
