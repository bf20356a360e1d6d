/**
 * The instant of a text that looks like an ISO date or date-time, as
 * `Date.parse` gives it, without a regular expression or `Date.parse` for the
 * shapes fabricate writes: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` and
 * `YYYY-MM-DDTHH:MM:SS.sssZ` with valid fields. Every other text goes through
 * the pattern and `Date.parse`, so results are the same.
 *
 * @module
 */

const DAY_MS = 86_400_000;
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Epoch milliseconds of an ISO date (taken as UTC midnight) or date-time.
 *
 * @param v Any text.
 * @returns NaN unless `v` matches the ISO date pattern; then what `Date.parse` gives
 *   (for `v + "T00:00:00Z"` when `v` is a date), NaN if invalid.
 * @example
 * ```ts
 * import { isoInstant } from "./iso_instant.ts";
 * isoInstant("2024-02-29") === Date.parse("2024-02-29T00:00:00Z"); // true
 * isoInstant("2024-02-29T12:30:00Z") === Date.parse("2024-02-29T12:30:00Z"); // true
 * isoInstant("Paris"); // NaN
 * ```
 */
export function isoInstant(v: string): number {
  const n = v.length;
  if (
    (n === 10 || (n === 20 || (n === 24 && v.charCodeAt(19) === 46)) &&
        v.charCodeAt(10) === 84 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 &&
        v.charCodeAt(n - 1) === 90) &&
    v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45
  ) {
    const y = digits(v, 0, 4);
    const m = digits(v, 5, 2);
    const d = digits(v, 8, 2);
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) {
      const day = daysFromCivil(y, m, d) * DAY_MS;
      if (n === 10) return day;
      const hh = digits(v, 11, 2);
      const mm = digits(v, 14, 2);
      const ss = digits(v, 17, 2);
      const ms = n === 24 ? digits(v, 20, 3) : 0;
      if (hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59 && ss >= 0 && ss <= 59 && ms >= 0) {
        return day + hh * 3_600_000 + mm * 60_000 + ss * 1_000 + ms;
      }
    }
  }
  if (!ISO_DATE.test(v)) return NaN;
  return Date.parse(n === 10 ? v + "T00:00:00Z" : v);
}

/** The number written in `v[at … at + len)`, or -1 if any character is not an ASCII digit. */
function digits(v: string, at: number, len: number): number {
  let x = 0;
  for (let i = at; i < at + len; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
