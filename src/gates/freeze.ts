// The freeze gate: is `now` inside a freeze window that applies to this environment? Windows are weekly
// (`Fri 16:00` → `Mon 08:00`) or date ranges, each in an IANA time zone, computed with Intl alone.
//
// Daylight saving time. A window's boundaries are wall-clock times in its zone, turned into instants by
// one rule: a boundary at local time T is the first instant at which the zone's clock shows T or later.
//   - A time that repeats (the autumn fall-back hour, 02:30 happens twice in Europe/Berlin) is its first
//     occurrence, so a window ending at 02:30 ends once and does not open again when 02:30 comes round.
//   - A time that does not exist (the spring-forward gap, 02:30 is skipped) is the moment the clock jumps
//     (03:00 CEST): the window starts, or ends, when the gap ends; one that lies wholly inside the gap is
//     empty that day.
// So a weekly window lasts its nominal length in wall-clock time, and an hour more or less in elapsed time
// across a change (Fri 16:00 → Mon 08:00 is 64 hours, 63 over the spring-forward weekend, 65 over the autumn one).
//
// An override lets a frozen deploy through: the `override-label` on the pull request, or the
// `override-freeze` input (its reason). The gate then passes and records what it overrode.
import type { FreezeGateConfig, FreezeWindow, Gate, GateContext, GateItem, GateOutcome } from './types.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export const freezeGate: Gate<FreezeGateConfig> = {
  name: 'freeze',
  async run(config, context) {
    return evaluateFreeze(config, context);
  },
};

/** One window's state at `now`: active until `end`, or next active from `nextStart` (undefined: never again). */
export interface WindowState {
  window: FreezeWindow;
  label: string;
  active: boolean;
  start?: Date;
  end?: Date;
  nextStart?: Date;
  nextEnd?: Date;
}

export function evaluateFreeze(
  config: FreezeGateConfig,
  context: Pick<GateContext, 'target' | 'now' | 'overrideReason'>,
): GateOutcome {
  const now = context.now();
  const environment = context.target.environment;
  const items: GateItem[] = [];
  const states: WindowState[] = [];
  for (const window of config.windows) {
    const label = windowLabel(window);
    if (!appliesTo(window, environment)) {
      items.push({
        name: label,
        verdict: 'skipped',
        detail:
          environment === undefined
            ? `applies to ${window.environments.join(', ')} only, and no environment was given`
            : `applies to ${window.environments.join(', ')}, not ${environment}`,
      });
      continue;
    }
    states.push(windowState(window, label, now));
  }

  const where = environment === undefined ? '' : ` to ${environment}`;
  if (states.length === 0) {
    return {
      verdict: 'pass',
      detail:
        environment === undefined
          ? 'no freeze window applies without an environment (each names its environments)'
          : `no freeze window applies to ${environment}`,
      items,
    };
  }

  const active = states
    .filter((s) => s.active)
    .sort((a, b) => (b.end?.getTime() ?? 0) - (a.end?.getTime() ?? 0));
  const longest = active[0];
  if (!longest) {
    for (const state of states) items.push({ name: state.label, verdict: 'pass', detail: upcoming(state) });
    const next = states
      .filter((s) => s.nextStart)
      .sort((a, b) => (a.nextStart?.getTime() ?? 0) - (b.nextStart?.getTime() ?? 0))[0];
    const nextText = next
      ? `; next: '${next.label}' from ${formatInstant(next.nextStart!, next.window)}`
      : '';
    return { verdict: 'pass', detail: `not frozen${where}${nextText}`, items };
  }

  const frozen = `frozen by ${active.map((s) => `'${s.label}'`).join(' and ')} until ${formatInstant(longest.end!, longest.window)}`;
  const label = context.target.labels.find((l) => l === config.overrideLabel);
  const override =
    config.overrideLabel !== undefined && label !== undefined
      ? `overridden by label '${label}'`
      : context.overrideReason !== undefined && context.overrideReason.trim() !== ''
        ? `overridden: ${context.overrideReason.trim()}`
        : undefined;
  for (const state of states) {
    if (!state.active) {
      items.push({ name: state.label, verdict: 'pass', detail: upcoming(state) });
    } else {
      const until = `frozen until ${formatInstant(state.end!, state.window)}`;
      items.push({
        name: state.label,
        verdict: override ? 'pass' : 'fail',
        detail: override ? `${until}; ${override}` : until,
      });
    }
  }
  if (override) {
    return { verdict: 'pass', detail: `${frozen}; ${override}`, items, override: `${frozen}; ${override}` };
  }
  const how =
    config.overrideLabel !== undefined
      ? ` (in an emergency: the label '${config.overrideLabel}' on the pull request, or the override-freeze input)`
      : ' (in an emergency: the override-freeze input)';
  return { verdict: 'fail', detail: `${frozen}${how}`, items };
}

function appliesTo(window: FreezeWindow, environment: string | undefined): boolean {
  if (window.environments.length === 0) return true;
  return environment !== undefined && window.environments.includes(environment);
}

/** The window's name, or its times when it has none (`Fri 16:00 – Mon 08:00 Europe/Berlin`). */
export function windowLabel(window: FreezeWindow): string {
  if (window.name !== undefined) return window.name;
  if (window.kind === 'weekly') {
    return `${clockText(window.from.day, window.from.minutes)} – ${clockText(window.to.day, window.to.minutes)} ${window.timezone}`;
  }
  const wall = (text: string) => text.replace('T00:00', '').replace('T', ' ');
  return `${wall(window.from)} – ${wall(window.to)} ${window.timezone}`;
}

function clockText(day: number, minutes: number): string {
  return `${WEEKDAY_NAMES[day]} ${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function upcoming(state: WindowState): string {
  if (!state.nextStart) return 'over';
  return `not active; next from ${formatInstant(state.nextStart, state.window)} until ${formatInstant(state.nextEnd!, state.window)}`;
}

/** Where `now` stands against one window. */
export function windowState(window: FreezeWindow, label: string, now: Date): WindowState {
  const t = now.getTime();
  if (window.kind === 'dates') {
    const start = firstInstantAtOrAfter(parseWall(window.from), window.timezone);
    const end = firstInstantAtOrAfter(parseWall(window.to), window.timezone);
    if (start <= t && t < end)
      return { window, label, active: true, start: new Date(start), end: new Date(end) };
    return t < start
      ? { window, label, active: false, nextStart: new Date(start), nextEnd: new Date(end) }
      : { window, label, active: false };
  }
  // Weekly: the occurrence that starts on the latest `from` weekday at or before today (local), and the one
  // a week before it, cover every window shorter than a week plus the DST hour.
  const today = localParts(t, window.timezone);
  const back = (today.weekday - window.from.day + 7) % 7;
  const span =
    (window.to.day - window.from.day + 7) % 7 || (window.to.minutes <= window.from.minutes ? 7 : 0);
  const occurrence = (daysFromToday: number) => {
    const startDay = addDays(today, daysFromToday);
    const endDay = addDays(today, daysFromToday + span);
    return {
      start: firstInstantAtOrAfter({ ...startDay, minutes: window.from.minutes }, window.timezone),
      end: firstInstantAtOrAfter({ ...endDay, minutes: window.to.minutes }, window.timezone),
    };
  };
  for (const offset of [-back, -back - 7]) {
    const { start, end } = occurrence(offset);
    if (start <= t && t < end && start < end) {
      return { window, label, active: true, start: new Date(start), end: new Date(end) };
    }
  }
  for (const offset of [-back, -back + 7, -back + 14]) {
    const { start, end } = occurrence(offset);
    if (start > t && start < end) {
      return { window, label, active: false, nextStart: new Date(start), nextEnd: new Date(end) };
    }
  }
  return { window, label, active: false };
}

// ---------------------------------------------------------------------------------------------------------
// Wall-clock times in an IANA zone, with Intl

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface LocalTime extends LocalDate {
  /** Minutes after local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at an instant. */
export function localParts(
  instant: number,
  timeZone: string,
): LocalTime & { weekday: number; second: number } {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAY_NAMES.indexOf(parts.weekday ?? ''),
  };
}

/** The zone's offset from UTC at an instant, in ms (Europe/Berlin in summer: +2 h). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function wallAsUtc(local: LocalTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
}

function sameWall(instant: number, local: LocalTime, timeZone: string): boolean {
  const p = localParts(instant, timeZone);
  return (
    p.year === local.year && p.month === local.month && p.day === local.day && p.minutes === local.minutes
  );
}

/**
 * The first instant at which the zone's clock shows `local` or later: the earlier of two for a time that
 * repeats, the end of the gap for a time that is skipped (see the top of this file).
 */
export function firstInstantAtOrAfter(local: LocalTime, timeZone: string): number {
  const wall = wallAsUtc(local);
  // Offsets a day either side cover any single transition near this time.
  const offsets = [
    ...new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)]),
  ];
  const candidates = offsets
    .map((offset) => wall - offset)
    .filter((instant) => sameWall(instant, local, timeZone))
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // Skipped: the clock jumps over `local` between these two instants; find the jump to the second.
  let before = wall - Math.max(...offsets);
  let after = wall - Math.min(...offsets);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (wallAsUtc(localParts(middle, timeZone)) < wall) before = middle;
    else after = middle;
  }
  return after;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `2026-12-20T18:00` → its parts. */
function parseWall(text: string): LocalTime {
  const [date = '', time = '00:00'] = text.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hours, minutes] = time.split(':').map(Number);
  return { year: year ?? 0, month: month ?? 1, day: day ?? 1, minutes: (hours ?? 0) * 60 + (minutes ?? 0) };
}

/** `Mon 2026-03-30 08:00 CEST` in the window's zone, with the zone's abbreviation where one exists. */
export function formatInstant(instant: Date, window: Pick<FreezeWindow, 'timezone' | 'kind'>): string {
  const p = localParts(instant.getTime(), window.timezone);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
  const text = `${date} ${zoneAbbreviation(instant, window.timezone)}`;
  return window.kind === 'weekly' ? `${WEEKDAY_NAMES[p.weekday]} ${text}` : text;
}

/** CET, EDT, UTC; GMT+5:30 where no locale has a name for the zone. */
function zoneAbbreviation(instant: Date, timeZone: string): string {
  let fallback = '';
  for (const locale of ['en-US', 'en-GB']) {
    const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(instant)
      .find((part) => part.type === 'timeZoneName')?.value;
    if (!name) continue;
    if (!/^GMT[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback || timeZone;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
