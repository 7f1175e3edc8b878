// The gates stage preflight-gates and the release share: the clock, the client, one log group per gate.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatesClient, gatesClock, runGatesStage } from '../../../../src/actions/kit/stages/gates.js';
import { InputError } from '../../../../src/common/input-error.js';
import { parseGatesConfig } from '../../../../src/gates/config.js';

let written: string[] = [];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const target = {
  owner: 'o',
  repo: 'r',
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  environment: 'production',
  eventName: 'push',
  labels: [],
  selfCheckNames: [],
};

describe('gatesClock', () => {
  it('is the real clock unless DEPLOY_KIT_NOW starts it elsewhere, then runs at the real pace', async () => {
    const real = gatesClock({})();
    expect(Math.abs(real.getTime() - Date.now())).toBeLessThan(50);
    const clock = gatesClock({ DEPLOY_KIT_NOW: '2026-03-27T15:00:00Z' });
    const first = clock().getTime();
    expect(Math.abs(first - Date.parse('2026-03-27T15:00:00Z'))).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(clock().getTime() - first).toBeGreaterThanOrEqual(25);
  });

  it('refuses a DEPLOY_KIT_NOW that is not an ISO 8601 time, naming it', () => {
    expect(() => gatesClock({ DEPLOY_KIT_NOW: 'tomorrow' })).toThrow(InputError);
    expect(() => gatesClock({ DEPLOY_KIT_NOW: 'tomorrow' })).toThrow(/^DEPLOY_KIT_NOW .* got 'tomorrow'$/);
  });
});

describe('gatesClient', () => {
  it('makes none without a token, nor when no gate reads GitHub and nothing else needs it', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'o/r');
    const offline = await parseGatesConfig('branch: { production: [main] }');
    const online = await parseGatesConfig('checks: { names: [test] }');
    expect(await gatesClient(online, undefined, true)).toBeUndefined();
    expect(await gatesClient(offline, 'ghs_x')).toBeUndefined();
    expect(await gatesClient(online, 'ghs_x')).toBeDefined();
    expect(await gatesClient(offline, 'ghs_x', true)).toBeDefined();
  });
});

describe('runGatesStage', () => {
  it("judges every gate in one log group of its own, never nested, on the settings' clock", async () => {
    const config = await parseGatesConfig(
      [
        'branch: { production: [main] }',
        'freeze:',
        '  timezone: UTC',
        "  windows: [{ name: launch, from: 'Fri 14:00', to: 'Fri 16:00' }]",
      ].join('\n'),
    );
    const settings = {
      config,
      target,
      env: {},
      workspace: process.cwd(),
      now: gatesClock({ DEPLOY_KIT_NOW: '2026-03-27T15:00:00Z' }),
    };
    const report = await runGatesStage(settings, undefined, new AbortController().signal);
    expect(report.gates.map((gate) => [gate.gate, gate.verdict])).toEqual([
      ['branch', 'pass'],
      ['freeze', 'fail'],
    ]);
    const log = written.join('');
    expect(log.match(/::group::/g)).toHaveLength(2);
    expect(log.match(/::endgroup::/g)).toHaveLength(2);
    expect(log).toMatch(/::group::branch gate\n[\s\S]*::endgroup::\n::group::freeze gate/);
    // Outside the window, on the real clock's pace from another start, the same freeze passes.
    const later = await runGatesStage(
      { ...settings, now: gatesClock({ DEPLOY_KIT_NOW: '2026-03-27T17:00:00Z' }) },
      undefined,
      new AbortController().signal,
    );
    expect(later.passed).toBe(true);
  });
});
