// The times of a freeze window as written in the gates: `from`/`to` are a weekday and a 24-hour time
// (`Fri 16:00`, `friday 08:30`) or a date (`2026-12-20`), optionally with a time (`2026-12-20T18:00`). A date
// alone as `to` includes that whole day. Time zones are IANA names, spelt as Intl knows them. How times
// that do not exist or repeat on DST days are read is freeze.ts's to say (see there).
import { InputError, quote } from '../common/input-error.js';

const WINDOW_TIME_EXPECTED =
  "a weekday and time like 'Fri 16:00', or a date like 2026-12-20 (with a time: 2026-12-20T18:00)";

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type WindowTime =
  | { kind: 'weekly'; day: number; minutes: number }
  /** `YYYY-MM-DDTHH:MM`, a wall time in the window's zone. */
  | { kind: 'date'; wall: string };

/**
 * `Fri 16:00` (a weekday, three letters or in full, any case; a 24-hour time) or `2026-12-20` /
 * `2026-12-20T18:00` (also with a space). As an `end`, a date without a time is the whole day: the window
 * ends at 00:00 of the next day.
 */
export function parseWindowTime(label: string, text: string, as: 'start' | 'end' = 'start'): WindowTime {
  const value = text.trim();
  const bad = (hint?: string): never => {
    throw new InputError(
      label,
      `${label}: must be ${WINDOW_TIME_EXPECTED}, got ${quote(text)}${hint ? ` (${hint})` : ''}`,
    );
  };
  const clock = (h: string, m: string): number => {
    const hours = Number(h);
    const minutes = Number(m);
    if (hours > 23 || minutes > 59) bad('hours run from 00 to 23, minutes from 00 to 59');
    return hours * 60 + minutes;
  };
  const weekly = /^([A-Za-z]+)\s+(\d{1,2}):(\d{2})$/.exec(value);
  if (weekly) {
    const word = (weekly[1] ?? '').toLowerCase();
    const day = WEEKDAYS.findIndex((d) => d === word || (word.length === 3 && d.startsWith(word)));
    if (day < 0) bad(`'${weekly[1]}' is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`);
    return { kind: 'weekly', day, minutes: clock(weekly[2] ?? '', weekly[3] ?? '') };
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?$/.exec(value);
  if (!date) return bad();
  const [year, month, dayOfMonth] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== dayOfMonth
  ) {
    bad(`${date[1]}-${date[2]}-${date[3]} is not a date in the calendar`);
  }
  if (date[4] !== undefined) {
    const minutes = clock(date[4], date[5] ?? '');
    return {
      kind: 'date',
      wall: `${date[1]}-${date[2]}-${date[3]}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
    };
  }
  if (as === 'end') {
    const next = new Date(Date.UTC(year, month - 1, dayOfMonth + 1));
    return { kind: 'date', wall: `${next.toISOString().slice(0, 10)}T00:00` };
  }
  return { kind: 'date', wall: `${date[1]}-${date[2]}-${date[3]}T00:00` };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The zone's canonical spelling (`europe/berlin` → `Europe/Berlin`), or undefined when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function unknownZone(zone: string): string {
  const word = zone.trim().toLowerCase().replace(/ /g, '_');
  const known = Intl.supportedValuesOf('timeZone');
  const guesses = known.filter((z) => z.toLowerCase().split('/').at(-1) === word).slice(0, 3);
  const hint = guesses.length > 0 ? `did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}? ` : '';
  return `unknown time zone ${quote(zone)} (${hint}give an IANA zone like Europe/Berlin, America/New_York or UTC)`;
}
