/**
 * A strict, allocation-free reader of ISO 8601 dates and datetimes, shared by
 * the validators that check or compare them (`format`, `range`, `compare`).
 *
 * `Date.parse` is not used: it accepts many non-ISO shapes, rolls impossible
 * days over (`2023-02-30` becomes 2 March in some engines), reads datetimes
 * without a zone as local time, and maps years 0–99 to the 1900s.
 *
 * @module
 */

/**
 * Which shapes {@linkcode isoMillis} accepts.
 *
 * @example
 * ```ts
 * import { type IsoShape, isoMillis } from "./iso_millis.ts";
 * const shape: IsoShape = "date";
 * isoMillis("2024-01-01T00:00:00Z", shape); // NaN: not a date alone
 * ```
 */
export type IsoShape = "date" | "datetime" | "any";

const MS_PER_DAY = 86_400_000;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = digit(s, i), b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Milliseconds since the Unix epoch of an ISO 8601 date or datetime, or
 * `NaN` when the text is not one. Only real calendar days pass
 * (`2023-02-29` does not, `2024-02-29` does).
 *
 * Accepted: `YYYY-MM-DD`, then optionally `THH:mm`, `:ss`, a fraction of 1–9
 * digits and a zone (`Z` or `±HH:MM`). A datetime without a zone is read as
 * UTC, since fabricate writes datetimes in UTC.
 *
 * @param s The text.
 * @param shape `"date"`: a date only; `"datetime"`: a time and a zone are
 *   required; `"any"` (default): either, the zone optional.
 * @returns The instant in milliseconds, or `NaN`.
 * @example
 * ```ts
 * import { isoMillis } from "./iso_millis.ts";
 * isoMillis("1970-01-02"); // 86400000
 * isoMillis("2023-02-29"); // NaN: 2023 is not a leap year
 * isoMillis("2024-01-01T02:00:00+02:00", "datetime"); // 1704067200000
 * ```
 */
export function isoMillis(s: string, shape: IsoShape = "any"): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y1 = two(s, 0), y2 = two(s, 2), mo = two(s, 5), d = two(s, 8);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1) return NaN;
  const y = y1 * 100 + y2;
  if (d > daysInMonth(y, mo)) return NaN;
  const days = daysFromCivil(y, mo, d) * MS_PER_DAY;
  if (n === 10) return shape === "datetime" ? NaN : days;
  if (shape === "date" || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58) return NaN;
  const h = two(s, 11), mi = two(s, 14);
  if (h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  let ms = (h * 60 + mi) * 60_000;
  let i = 16;
  if (s.charCodeAt(i) === 58 /* : */) {
    const sec = two(s, i + 1);
    if (sec < 0 || sec > 59) return NaN;
    ms += sec * 1000;
    i += 3;
    if (s.charCodeAt(i) === 46 /* . */) {
      // Digits past milliseconds stay as a fraction, so 0.0005 s sorts after 0 s.
      let k = i + 1, scale = 100;
      for (; k < n && digit(s, k) >= 0; k++) {
        ms += digit(s, k) * scale;
        scale /= 10;
      }
      const count = k - i - 1;
      if (count < 1 || count > 9) return NaN;
      i = k;
    }
  }
  if (i === n) return shape === "datetime" ? NaN : days + ms;
  const z = s.charCodeAt(i);
  if (z === 90 /* Z */) return i + 1 === n ? days + ms : NaN;
  if ((z !== 43 && z !== 45) || i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
  const oh = two(s, i + 1), om = two(s, i + 4);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return days + ms + (z === 43 ? -offset : offset);
}
