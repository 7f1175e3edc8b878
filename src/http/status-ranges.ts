// Accepted HTTP status codes as users write them (`200`, `2xx`, `200-299`, lists) and as inclusive ranges.
import { quote, rejectValue } from '../common/input-error.js';

/** An inclusive range of accepted HTTP status codes; `2xx` is { min: 200, max: 299 }. */
export interface StatusRange {
  min: number;
  max: number;
}

const STATUS_ITEM = String.raw`[1-5]\d\d|[1-5][xX][xX]|[1-5]\d\d\s*-\s*[1-5]\d\d`;
/** A status code, class or range, or a comma-separated list of them. Shared with the checks schema. */
export const STATUS_PATTERN = String.raw`^\s*(?:${STATUS_ITEM})(?:\s*,\s*(?:${STATUS_ITEM}))*\s*$`;
const STATUS_EXPECTED = 'a status code like 200, a class like 2xx or a range like 200-299';

/** `200`, `2xx`, `200-299`, or a comma-separated list of them (`200,204,3xx`), as inclusive ranges. */
export function parseStatusRanges(label: string, text: string): StatusRange[] {
  const items = text.split(',').map((item) => item.trim());
  const inList = items.length > 1 ? `in ${quote(text.trim())}` : undefined;
  const bad = (item: string, hint?: string): never =>
    rejectValue(label, STATUS_EXPECTED, item, [inList, hint].filter(Boolean).join('; ') || undefined);
  return items.map((item) => {
    const cls = /^([1-5])[xX][xX]$/.exec(item);
    if (cls) return { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
    const codes = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(item);
    if (!codes) return bad(item);
    const min = Number(codes[1]);
    const max = codes[2] === undefined ? min : Number(codes[2]);
    if (min < 100 || max > 599) return bad(item, 'codes run from 100 to 599');
    if (min > max) return bad(item, 'a range goes from low to high');
    return { min, max };
  });
}
