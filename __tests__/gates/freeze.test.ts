import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGatesConfig } from '../../src/gates/config.js';
import { evaluateFreeze, firstInstantAtOrAfter, localParts, windowState } from '../../src/gates/freeze.js';
import type { FreezeGateConfig, FreezeWindow, GateTarget } from '../../src/gates/types.js';
import { gateTarget } from '../helpers/gates.js';

async function freezeOf(yaml: string): Promise<FreezeGateConfig> {
  const config = await parseGatesConfig(yaml);
  if (!config.freeze) throw new Error('no freeze gate');
  return config.freeze;
}

function at(iso: string, target: Partial<GateTarget> = {}, overrideReason?: string) {
  return {
    target: gateTarget({ environment: 'production', ...target }),
    now: () => new Date(iso),
    ...(overrideReason !== undefined ? { overrideReason } : {}),
  };
}

const frozen = (config: FreezeGateConfig, iso: string) => evaluateFreeze(config, at(iso)).verdict === 'fail';

describe('weekly windows', () => {
  it('Fri 16:00 to Mon 08:00 covers the weekend, across the week end', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', timezone: UTC }\n",
    );
    // 2026-06-05 is a Friday.
    expect(frozen(config, '2026-06-05T15:59:59Z')).toBe(false);
    expect(frozen(config, '2026-06-05T16:00:00Z')).toBe(true);
    expect(frozen(config, '2026-06-07T12:00:00Z')).toBe(true); // Sunday
    expect(frozen(config, '2026-06-08T07:59:59Z')).toBe(true); // Monday morning
    expect(frozen(config, '2026-06-08T08:00:00Z')).toBe(false);
    expect(frozen(config, '2026-06-10T12:00:00Z')).toBe(false);
    const outcome = evaluateFreeze(config, at('2026-06-06T10:00:00Z'));
    expect(outcome.detail).toBe(
      "frozen by 'weekend' until Mon 2026-06-08 08:00 UTC (in an emergency: the override-freeze input)",
    );
    expect(outcome.items).toEqual([
      { name: 'weekend', verdict: 'fail', detail: 'frozen until Mon 2026-06-08 08:00 UTC' },
    ]);
  });

  it('a nightly window across midnight, and one from Sunday night into Monday', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: night, from: 'Fri 22:00', to: 'Sat 02:00', timezone: UTC }\n  - { name: sunday-night, from: 'Sun 23:00', to: 'Mon 01:00', timezone: UTC }\n",
    );
    expect(frozen(config, '2026-06-05T21:59:00Z')).toBe(false);
    expect(frozen(config, '2026-06-05T23:30:00Z')).toBe(true);
    expect(frozen(config, '2026-06-06T01:59:00Z')).toBe(true);
    expect(frozen(config, '2026-06-06T02:00:00Z')).toBe(false);
    expect(frozen(config, '2026-06-07T23:30:00Z')).toBe(true);
    expect(frozen(config, '2026-06-08T00:30:00Z')).toBe(true);
    expect(frozen(config, '2026-06-08T01:00:00Z')).toBe(false);
  });

  it('a window from a later weekday to an earlier one wraps the week: Sat 20:00 to Tue 06:00', async () => {
    const config = await freezeOf("freeze:\n  - { from: 'Sat 20:00', to: 'Tue 06:00', timezone: UTC }\n");
    expect(frozen(config, '2026-06-06T19:00:00Z')).toBe(false);
    expect(frozen(config, '2026-06-08T12:00:00Z')).toBe(true); // Monday
    expect(frozen(config, '2026-06-09T05:00:00Z')).toBe(true); // Tuesday early
    expect(frozen(config, '2026-06-09T07:00:00Z')).toBe(false);
    expect(evaluateFreeze(config, at('2026-06-08T12:00:00Z')).detail).toMatch(
      /^frozen by 'Sat 20:00 – Tue 06:00 UTC' until Tue 2026-06-09 06:00 UTC/,
    );
  });

  it('says when the next window starts while not frozen', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', timezone: America/New_York }\n",
    );
    const outcome = evaluateFreeze(config, at('2026-06-03T12:00:00Z'));
    expect(outcome).toEqual({
      verdict: 'pass',
      detail: "not frozen to production; next: 'weekend' from Fri 2026-06-05 16:00 EDT",
      items: [
        {
          name: 'weekend',
          verdict: 'pass',
          detail: 'not active; next from Fri 2026-06-05 16:00 EDT until Mon 2026-06-08 08:00 EDT',
        },
      ],
    });
  });
});

describe('IANA zones and daylight saving time (Europe/Berlin)', () => {
  const weekend =
    "freeze:\n  - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', timezone: Europe/Berlin }\n";

  it('spring forward, 2026-03-29: the weekend ends at 08:00 CEST, 63 hours after it began', async () => {
    const config = await freezeOf(weekend);
    expect(frozen(config, '2026-03-27T14:59:00Z')).toBe(false); // Fri 15:59 CET
    expect(frozen(config, '2026-03-27T15:00:00Z')).toBe(true); // Fri 16:00 CET
    expect(frozen(config, '2026-03-30T05:59:00Z')).toBe(true); // Mon 07:59 CEST
    expect(frozen(config, '2026-03-30T06:30:00Z')).toBe(false); // Mon 08:30 CEST (still 07:30 in CET)
    const state = windowState(config.windows[0] as FreezeWindow, 'weekend', new Date('2026-03-28T12:00:00Z'));
    expect(state.start?.toISOString()).toBe('2026-03-27T15:00:00.000Z');
    expect(state.end?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(((state.end?.getTime() ?? 0) - (state.start?.getTime() ?? 0)) / 3_600_000).toBe(63);
    expect(evaluateFreeze(config, at('2026-03-28T12:00:00Z')).detail).toMatch(
      /^frozen by 'weekend' until Mon 2026-03-30 08:00 (CEST|GMT\+2)/,
    );
  });

  it('fall back, 2026-10-25: the weekend ends at 08:00 CET, 65 hours after it began', async () => {
    const config = await freezeOf(weekend);
    expect(frozen(config, '2026-10-23T13:59:00Z')).toBe(false); // Fri 15:59 CEST
    expect(frozen(config, '2026-10-23T14:00:00Z')).toBe(true); // Fri 16:00 CEST
    expect(frozen(config, '2026-10-26T06:30:00Z')).toBe(true); // Mon 07:30 CET (08:30 in CEST)
    expect(frozen(config, '2026-10-26T07:00:00Z')).toBe(false); // Mon 08:00 CET
    const state = windowState(config.windows[0] as FreezeWindow, 'weekend', new Date('2026-10-25T12:00:00Z'));
    expect(((state.end?.getTime() ?? 0) - (state.start?.getTime() ?? 0)) / 3_600_000).toBe(65);
  });

  it('a boundary in the skipped hour is the moment the clock jumps; one in the repeated hour is its first pass', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: gap, from: 'Sun 02:30', to: 'Sun 04:00', timezone: Europe/Berlin }\n  - { name: repeat, from: 'Sun 00:30', to: 'Sun 02:30', timezone: Europe/Berlin }\n",
    );
    const gap = config.windows[0] as FreezeWindow;
    const repeat = config.windows[1] as FreezeWindow;
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    const spring = windowState(gap, 'gap', new Date('2026-03-29T01:30:00Z'));
    expect(spring.start?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(spring.end?.toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(windowState(gap, 'gap', new Date('2026-03-29T00:59:00Z')).active).toBe(false);
    // 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET); the window ends at the first.
    const autumn = windowState(repeat, 'repeat', new Date('2026-10-25T00:00:00Z'));
    expect(autumn.end?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(windowState(repeat, 'repeat', new Date('2026-10-25T01:15:00Z')).active).toBe(false);
    expect(firstInstantAtOrAfter({ year: 2026, month: 10, day: 25, minutes: 150 }, 'Europe/Berlin')).toBe(
      Date.parse('2026-10-25T00:30:00Z'),
    );
    expect(firstInstantAtOrAfter({ year: 2026, month: 3, day: 29, minutes: 150 }, 'Europe/Berlin')).toBe(
      Date.parse('2026-03-29T01:00:00Z'),
    );
  });

  it('reads the same wall time in different zones as different instants', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: tokyo, from: 'Wed 09:00', to: 'Wed 10:00', timezone: Asia/Tokyo }\n  - { name: kolkata, from: 'Wed 09:00', to: 'Wed 10:00', timezone: Asia/Kolkata }\n",
    );
    // Wed 2026-06-03 09:30 in Tokyo is 00:30 UTC; in Kolkata 04:00 UTC.
    expect(evaluateFreeze(config, at('2026-06-03T00:30:00Z')).detail).toMatch(
      /^frozen by 'tokyo' until Wed 2026-06-03 10:00 (JST|GMT\+9)/,
    );
    expect(evaluateFreeze(config, at('2026-06-03T04:00:00Z')).detail).toMatch(
      /^frozen by 'kolkata' until Wed 2026-06-03 10:00 (IST|GMT\+5:30)/,
    );
    expect(frozen(config, '2026-06-03T02:00:00Z')).toBe(false);
  });
});

describe('date ranges', () => {
  it('a date alone as the end includes that whole day, in the window’s zone', async () => {
    const config = await freezeOf(
      'freeze:\n  - { name: year-end, from: 2026-12-20, to: 2027-01-02, timezone: America/New_York }\n',
    );
    expect(frozen(config, '2026-12-20T04:59:00Z')).toBe(false); // 23:59 on the 19th in New York
    expect(frozen(config, '2026-12-20T05:00:00Z')).toBe(true);
    expect(frozen(config, '2027-01-03T04:59:00Z')).toBe(true); // 23:59 on the 2nd
    expect(frozen(config, '2027-01-03T05:00:00Z')).toBe(false);
    expect(evaluateFreeze(config, at('2026-12-25T12:00:00Z')).detail).toMatch(
      /^frozen by 'year-end' until 2027-01-03 00:00 EST/,
    );
    const after = evaluateFreeze(config, at('2027-02-01T00:00:00Z'));
    expect(after).toMatchObject({ verdict: 'pass', detail: 'not frozen to production' });
    expect(after.items).toEqual([{ name: 'year-end', verdict: 'pass', detail: 'over' }]);
  });

  it('a range with times, across the autumn change', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: migration, from: '2026-10-24T22:00', to: '2026-10-25T04:00', timezone: Europe/Berlin }\n",
    );
    // 22:00 CEST is 20:00 UTC; 04:00 CET is 03:00 UTC: seven hours, not six.
    expect(frozen(config, '2026-10-24T19:59:00Z')).toBe(false);
    expect(frozen(config, '2026-10-24T20:00:00Z')).toBe(true);
    expect(frozen(config, '2026-10-25T02:59:00Z')).toBe(true);
    expect(frozen(config, '2026-10-25T03:00:00Z')).toBe(false);
  });
});

describe('environments and overrides', () => {
  const yaml =
    "freeze:\n  timezone: UTC\n  override-label: emergency\n  windows:\n    - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', environments: [production] }\n";
  const saturday = '2026-06-06T10:00:00Z';

  it('a window for production does not freeze staging, nor a run without an environment', async () => {
    const config = await freezeOf(yaml);
    expect(evaluateFreeze(config, at(saturday, { environment: 'staging' }))).toEqual({
      verdict: 'pass',
      detail: 'no freeze window applies to staging',
      items: [{ name: 'weekend', verdict: 'skipped', detail: 'applies to production, not staging' }],
    });
    expect(evaluateFreeze(config, at(saturday, { environment: undefined })).detail).toBe(
      'no freeze window applies without an environment (each names its environments)',
    );
  });

  it('the override label on the pull request lets a frozen deploy through, recorded', async () => {
    const config = await freezeOf(yaml);
    const blocked = evaluateFreeze(config, at(saturday, { labels: ['bug'] }));
    expect(blocked.verdict).toBe('fail');
    expect(blocked.detail).toBe(
      "frozen by 'weekend' until Mon 2026-06-08 08:00 UTC (in an emergency: the label 'emergency' on the pull request, or the override-freeze input)",
    );
    const outcome = evaluateFreeze(config, at(saturday, { labels: ['bug', 'emergency'], pullNumber: 9 }));
    expect(outcome).toEqual({
      verdict: 'pass',
      detail: "frozen by 'weekend' until Mon 2026-06-08 08:00 UTC; overridden by label 'emergency'",
      override: "frozen by 'weekend' until Mon 2026-06-08 08:00 UTC; overridden by label 'emergency'",
      items: [
        {
          name: 'weekend',
          verdict: 'pass',
          detail: "frozen until Mon 2026-06-08 08:00 UTC; overridden by label 'emergency'",
        },
      ],
    });
  });

  it('the override input, with its reason, is recorded too; a blank one does not count', async () => {
    const config = await freezeOf(yaml);
    const outcome = evaluateFreeze(config, at(saturday, {}, '  incident 4711: payments down  '));
    expect(outcome.verdict).toBe('pass');
    expect(outcome.override).toBe(
      "frozen by 'weekend' until Mon 2026-06-08 08:00 UTC; overridden: incident 4711: payments down",
    );
    expect(evaluateFreeze(config, at(saturday, {}, '   ')).verdict).toBe('fail');
    // Not frozen: nothing to override, nothing recorded.
    expect(evaluateFreeze(config, at('2026-06-03T10:00:00Z', {}, 'incident')).override).toBeUndefined();
  });

  it('overlapping windows: frozen until the later end', async () => {
    const config = await freezeOf(
      "freeze:\n  - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', timezone: UTC }\n  - { name: launch, from: 2026-06-05, to: 2026-06-09, timezone: UTC }\n",
    );
    expect(evaluateFreeze(config, at(saturday)).detail).toMatch(
      /^frozen by 'launch' and 'weekend' until 2026-06-10 00:00 UTC/,
    );
  });
});

describe('weekly windows against a plain reading of the wall clock', () => {
  it('in zones without DST, frozen exactly when the local minute of the week lies in [from, to), wrapping the week', () => {
    const WEEK = 7 * 24 * 60;
    fc.assert(
      fc.property(
        fc.constantFrom('UTC', 'Asia/Tokyo', 'Asia/Kolkata', 'America/Phoenix', 'Pacific/Chatham'),
        fc.integer({ min: 0, max: WEEK - 1 }),
        fc.integer({ min: 1, max: WEEK - 1 }),
        // Any instant in 2026 and 2027, to the minute.
        fc.integer({
          min: Date.parse('2026-01-01T00:00:00Z') / 60_000,
          max: Date.parse('2027-12-31T00:00:00Z') / 60_000,
        }),
        (timezone, fromMinute, length, minute) => {
          const toMinute = (fromMinute + length) % WEEK;
          const window: FreezeWindow = {
            kind: 'weekly',
            timezone,
            from: { day: Math.floor(fromMinute / 1440), minutes: fromMinute % 1440 },
            to: { day: Math.floor(toMinute / 1440), minutes: toMinute % 1440 },
            environments: [],
          };
          const instant = new Date(minute * 60_000);
          const local = localParts(instant.getTime(), timezone);
          const ofWeek = local.weekday * 1440 + local.minutes;
          const inside = (ofWeek - fromMinute + WEEK) % WEEK < length;
          expect(windowState(window, 'w', instant).active).toBe(inside);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('in zones with DST too, away from the changes themselves (where the repeated hour is read by its first pass)', () => {
    const WEEK = 7 * 24 * 60;
    const offset = (t: number, zone: string) => {
      const p = localParts(t, zone);
      return Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes) - Math.floor(t / 60_000) * 60_000;
    };
    fc.assert(
      fc.property(
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'America/Santiago'),
        fc.integer({ min: 0, max: WEEK - 1 }),
        fc.integer({ min: 1, max: WEEK - 1 }),
        fc.integer({
          min: Date.parse('2026-01-01T00:00:00Z') / 60_000,
          max: Date.parse('2027-12-31T00:00:00Z') / 60_000,
        }),
        (timezone, fromMinute, length, minute) => {
          const t = minute * 60_000;
          const hours = 3 * 3_600_000;
          fc.pre(
            offset(t - hours, timezone) === offset(t, timezone) &&
              offset(t + hours, timezone) === offset(t, timezone),
          );
          const toMinute = (fromMinute + length) % WEEK;
          const window: FreezeWindow = {
            kind: 'weekly',
            timezone,
            from: { day: Math.floor(fromMinute / 1440), minutes: fromMinute % 1440 },
            to: { day: Math.floor(toMinute / 1440), minutes: toMinute % 1440 },
            environments: [],
          };
          const local = localParts(t, timezone);
          const ofWeek = local.weekday * 1440 + local.minutes;
          const inside = (ofWeek - fromMinute + WEEK) % WEEK < length;
          expect(windowState(window, 'w', new Date(t)).active).toBe(inside);
        },
      ),
      { numRuns: 500 },
    );
  });
});
