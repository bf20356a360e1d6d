/**
 * Date helpers for the `date` and `datetime` generators: parsing ISO dates
 * and offsets relative to the reference date (`-18y`, `+30d`), and fast
 * UTC formatting with a token pattern (`MM/DD/YYYY`). Everything is UTC;
 * nothing depends on the machine's time zone.
 *
 * @module
 */
import { PluginInputError } from "../../core/errors.ts";

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

const ISO = new RegExp(
  "^([+-]?\\d{4,6})-(\\d{2})-(\\d{2})" +
    "(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?" +
    "(Z|[+-]\\d{2}:?\\d{2})?$",
  "i",
);
const OFFSET = /^([+-])((?:\d+(?:\.\d+)?[a-z]+)+)$/i;
const DURATION = /^([+-]?)((?:\d+(?:\.\d+)?[a-z]+)+)$/i;
const OFFSET_PART = /(\d+(?:\.\d+)?)([a-z]+)/gi;

/** Fixed-length units of an offset, in milliseconds. */
const FIXED_UNITS: Readonly<Record<string, number>> = {
  w: 7 * DAY_MS,
  d: DAY_MS,
  h: 3_600_000,
  min: 60_000,
  s: 1000,
  ms: 1,
};

/** The units an offset may use, for messages. */
export const OFFSET_UNITS = "y (years), mo (months), w, d, h, min, s, ms";

/** What {@linkcode parseInstant} accepts, for messages. */
export const INSTANT_FORMS =
  `an ISO date (2024-01-31), an ISO datetime (2024-01-31T08:30:00Z), now, today, or an offset from the reference date such as -18y, -6mo, +30d, -2h, -1y6mo`;

/** A parsed instant, or why it could not be parsed. */
export type ParsedInstant =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly problem: string; readonly hint?: string };

/**
 * Parses a point in time: an ISO date or datetime (UTC unless it carries an
 * offset), `now` (the reference date), `today` (its midnight, UTC) or an
 * offset from the reference date (`-18y`, `-6mo`, `+30d`, `-2h`, `-1y6mo`).
 * Years and months move by calendar (Jan 31 + 1mo is Feb 28 or 29); the
 * other units are fixed lengths.
 *
 * @param text What the scenario says.
 * @param reference The reference date.
 * @returns The instant in milliseconds since the epoch, or a problem.
 * @example
 * ```ts
 * import { parseInstant } from "./dates.ts";
 * const ref = new Date("2025-01-01T00:00:00Z");
 * parseInstant("2024-02-29", ref); // { ok: true, ms: 1709164800000 }
 * parseInstant("-18y", ref); // { ok: true, ms: Date.UTC(2007, 0, 1) }
 * ```
 */
export function parseInstant(text: string, reference: Date): ParsedInstant {
  const t = text.trim();
  const ref = reference.getTime();
  if (Number.isNaN(ref)) return { ok: false, problem: "the reference date is not a valid date" };
  if (/^now$/i.test(t)) return { ok: true, ms: ref };
  if (/^today$/i.test(t)) return { ok: true, ms: Math.floor(ref / DAY_MS) * DAY_MS };
  const iso = ISO.exec(t);
  if (iso) return parseIso(iso);
  const offset = OFFSET.exec(t);
  if (offset) return parseOffset(offset[1] === "-" ? -1 : 1, offset[2]!, ref);
  if (/^\d+(\.\d+)?[a-z]+$/i.test(t)) {
    return {
      ok: false,
      problem: "an offset needs a sign",
      hint: `write -${t} for the past or +${t} for the future`,
    };
  }
  return {
    ok: false,
    problem: "not a date, a datetime or an offset",
    hint: `use ${INSTANT_FORMS}`,
  };
}

function parseIso(m: RegExpExecArray): ParsedInstant {
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const hour = Number(m[4] ?? 0), minute = Number(m[5] ?? 0), second = Number(m[6] ?? 0);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12) return { ok: false, problem: `month ${m[2]} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: `day ${m[3]} does not exist in ${m[1]}-${m[2]}` };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, problem: `time ${m[4]}:${m[5]}${m[6] ? ":" + m[6] : ""} does not exist` };
  }
  let zone = 0;
  const z = m[8];
  if (z && z.toUpperCase() !== "Z") {
    const sign = z[0] === "-" ? -1 : 1;
    const digits = z.slice(1).replace(":", "");
    zone = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return {
    ok: true,
    ms: utc(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + ms - zone,
  };
}

function parseOffset(sign: number, body: string, ref: number): ParsedInstant {
  const parts = durationParts(sign, body);
  if (!parts.ok) return parts;
  return { ok: true, ms: shiftBy(ref, parts) };
}

/** Sums the parts of an offset's body (`1y6mo`, `2h30min`), with a sign. */
function durationParts(sign: number, body: string): ParsedDuration {
  let months = 0, fixed = 0;
  for (const [, amount, rawUnit] of body.matchAll(OFFSET_PART)) {
    const unit = rawUnit!.toLowerCase();
    const n = Number(amount);
    if (unit === "y" || unit === "mo") {
      if (!Number.isInteger(n)) {
        return {
          ok: false,
          problem: `"${amount}${rawUnit}" is not a whole number of ${
            unit === "y" ? "years" : "months"
          }`,
          hint: "use whole years and months, or days",
        };
      }
      months += unit === "y" ? n * 12 : n;
    } else if (FIXED_UNITS[unit] !== undefined) {
      fixed += n * FIXED_UNITS[unit]!;
    } else {
      return {
        ok: false,
        problem: `unknown unit "${rawUnit}"`,
        hint: unit === "m" ? `write "mo" for months or "min" for minutes` : `use ${OFFSET_UNITS}`,
      };
    }
  }
  return { ok: true, months: sign * months + 0, ms: sign * fixed + 0 };
}

/**
 * A parsed duration (calendar months plus fixed milliseconds), or why it
 * could not be parsed.
 *
 * @example
 * ```ts
 * import { type ParsedDuration, parseDuration } from "./dates.ts";
 * const d: ParsedDuration = parseDuration("2h");
 * d.ok && d.ms; // 7200000
 * ```
 */
export type ParsedDuration =
  | { readonly ok: true; readonly months: number; readonly ms: number }
  | { readonly ok: false; readonly problem: string; readonly hint?: string };

/**
 * What {@linkcode parseDuration} accepts, for messages.
 *
 * @example
 * ```ts
 * import { DURATION_FORMS } from "./dates.ts";
 * DURATION_FORMS.startsWith("a duration"); // true
 * ```
 */
export const DURATION_FORMS =
  `a duration such as 30d, 2h, 90min, 1y6mo or -3d (units ${OFFSET_UNITS}), or 0`;

/**
 * Parses a duration: an optional sign, then amounts with units (`30d`, `2h`,
 * `90min`, `1y6mo`, `-18y`), or `0`. Years and months stay calendar units
 * (see {@linkcode shiftBy}); the other units are fixed lengths.
 *
 * @param text What the scenario says.
 * @returns Calendar months and fixed milliseconds, or a problem.
 * @example
 * ```ts
 * import { parseDuration } from "./dates.ts";
 * parseDuration("1y6mo"); // { ok: true, months: 18, ms: 0 }
 * parseDuration("-90min"); // { ok: true, months: 0, ms: -5400000 }
 * ```
 */
export function parseDuration(text: string): ParsedDuration {
  const t = text.trim();
  if (t === "0") return { ok: true, months: 0, ms: 0 };
  const m = DURATION.exec(t);
  if (!m) return { ok: false, problem: "not a duration", hint: `use ${DURATION_FORMS}` };
  return durationParts(m[1] === "-" ? -1 : 1, m[2]!);
}

/**
 * Moves an instant by a duration: calendar months first (the day clamped to
 * the target month's length, so Jan 31 + 1mo is the end of February), then
 * the fixed part.
 *
 * @param ms An instant in milliseconds.
 * @param duration Months and fixed milliseconds (from {@linkcode parseDuration}).
 * @returns The moved instant, in whole milliseconds.
 * @example
 * ```ts
 * import { shiftBy } from "./dates.ts";
 * shiftBy(Date.UTC(2024, 0, 31), { months: 1, ms: 3_600_000 }) === Date.UTC(2024, 1, 29, 1); // true
 * ```
 */
export function shiftBy(ms: number, duration: { months: number; ms: number }): number {
  return Math.round(addMonths(ms, duration.months) + duration.ms);
}

/** The average lengths of a month and a year, for durations used as amounts. */
const MONTH_MS = 30.436875 * DAY_MS;

/**
 * A duration as one number of milliseconds, counting a month as 30.44 days
 * (a year as 365.2425): for distribution parameters such as a mean delay,
 * where a calendar does not apply.
 *
 * @param duration Months and fixed milliseconds.
 * @returns Milliseconds.
 * @example
 * ```ts
 * import { nominalMs } from "./dates.ts";
 * nominalMs({ months: 0, ms: 7_200_000 }); // 7200000
 * ```
 */
export function nominalMs(duration: { months: number; ms: number }): number {
  return duration.months * MONTH_MS + duration.ms;
}

/**
 * The UTC calendar day of an instant as the number YYYYMMDD, without
 * allocating: whole years between two days are
 * `Math.floor((later - earlier) / 10000)`.
 *
 * @param ms An instant in milliseconds.
 * @returns e.g. 19900704 for 4 July 1990.
 * @example
 * ```ts
 * import { ymdOf } from "./dates.ts";
 * ymdOf(Date.UTC(1990, 6, 4, 23, 59)); // 19900704
 * ```
 */
export function ymdOf(ms: number): number {
  civil(Math.floor(ms / DAY_MS));
  return scratch[0]! * 10000 + scratch[1]! * 100 + scratch[2]!;
}

/**
 * Adds calendar months to an instant (UTC), keeping the time of day and
 * clamping the day to the target month's length.
 *
 * @param ms An instant in milliseconds.
 * @param months Months to add (negative to go back).
 * @returns The moved instant.
 * @example
 * ```ts
 * import { addMonths } from "./dates.ts";
 * addMonths(Date.UTC(2024, 0, 31), 1) === Date.UTC(2024, 1, 29); // true
 * ```
 */
export function addMonths(ms: number, months: number): number {
  if (months === 0) return ms;
  const day = Math.floor(ms / DAY_MS);
  const timeOfDay = ms - day * DAY_MS;
  civil(day);
  const index = scratch[0]! * 12 + (scratch[1]! - 1) + months;
  const year = Math.floor(index / 12), month = index - year * 12 + 1;
  const d = Math.min(scratch[2]!, daysInMonth(year, month));
  return utc(year, month, d) + timeOfDay;
}

/** Days in a month (1–12) of a proleptic Gregorian year. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Midnight UTC of a date, in ms (valid for any year, unlike Date.UTC's 0–99 quirk). */
function utc(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) * DAY_MS;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month, day of the last {@linkcode civil} call (reused: no allocation per row). */
const scratch = new Int32Array(3);

/** Splits days since the epoch into year, month, day in `scratch` (Hinnant's algorithm). */
function civil(days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  scratch[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  scratch[1] = month;
  scratch[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

function pad3(n: number): string {
  return n < 10 ? "00" + n : n < 100 ? "0" + n : "" + n;
}

function pad4(n: number): string {
  if (n < 0) return "-" + pad4(-n);
  return n < 10 ? "000" + n : n < 100 ? "00" + n : n < 1000 ? "0" + n : "" + n;
}

/** The tokens a format pattern may use. */
export const FORMAT_TOKENS = ["YYYY", "YY", "MM", "DD", "HH", "mm", "ss", "SSS"] as const;

type Token = (typeof FORMAT_TOKENS)[number];

/** Formats an instant (ms since the epoch, UTC) as text. */
export type InstantFormatter = (ms: number) => string;

/**
 * Compiles a token pattern into a formatter. Tokens: `YYYY` (year), `YY`
 * (two-digit year), `MM` (month), `DD` (day), `HH` (hour, 00–23), `mm`
 * (minute), `ss` (second), `SSS` (millisecond); text in `[brackets]` is
 * copied as is; every other character is copied too.
 *
 * @param pattern A pattern such as `MM/DD/YYYY` or `YYYY-MM-DD HH:mm`.
 * @returns A UTC formatter.
 * @example A booking form's date of birth
 * ```ts
 * import { compileFormat } from "./dates.ts";
 * compileFormat("MM/DD/YYYY")(Date.UTC(1990, 6, 4)); // "07/04/1990"
 * ```
 */
export function compileFormat(pattern: string): InstantFormatter {
  if (pattern === "YYYY-MM-DD") return isoDate;
  if (pattern === "YYYY-MM-DDTHH:mm:ss[Z]") return isoSeconds;
  if (pattern === "YYYY-MM-DDTHH:mm:ss.SSS[Z]") return isoMillis;
  const parts: (Token | { text: string })[] = [];
  let literal = "";
  for (let i = 0; i < pattern.length;) {
    if (pattern[i] === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end > i) {
        literal += pattern.slice(i + 1, end);
        i = end + 1;
        continue;
      }
    }
    const token = FORMAT_TOKENS.find((t) => pattern.startsWith(t, i));
    if (token) {
      if (literal) parts.push({ text: literal });
      literal = "";
      parts.push(token);
      i += token.length;
    } else {
      literal += pattern[i];
      i++;
    }
  }
  if (literal) parts.push({ text: literal });
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    const time = ms - day * DAY_MS;
    civil(day);
    let out = "";
    for (const p of parts) {
      switch (p) {
        case "YYYY":
          out += pad4(scratch[0]!);
          break;
        case "YY":
          out += pad2(((scratch[0]! % 100) + 100) % 100);
          break;
        case "MM":
          out += pad2(scratch[1]!);
          break;
        case "DD":
          out += pad2(scratch[2]!);
          break;
        case "HH":
          out += pad2(Math.floor(time / 3_600_000));
          break;
        case "mm":
          out += pad2(Math.floor(time / 60_000) % 60);
          break;
        case "ss":
          out += pad2(Math.floor(time / 1000) % 60);
          break;
        case "SSS":
          out += pad3(time % 1000);
          break;
        default:
          out += p.text;
      }
    }
    return out;
  };
}

/**
 * True when a pattern has at least one token (else it is constant text).
 *
 * @param pattern A format pattern.
 * @returns Whether it has a token outside brackets.
 * @example
 * ```ts
 * import { hasFormatToken } from "./dates.ts";
 * hasFormatToken("mm/dd/yyyy"); // true: "mm" is minutes
 * hasFormatToken("[today]"); // false
 * ```
 */
export function hasFormatToken(pattern: string): boolean {
  const stripped = pattern.replace(/\[[^\]]*\]/g, "");
  return FORMAT_TOKENS.some((t) => stripped.includes(t));
}

/** First day (days since 1970) of the ISO date cache: 1900-01-01. */
const CACHE_FIRST_DAY = -25567;
/** Days the cache spans: 1900 to 2099. */
const CACHE_DAYS = 73049;
/**
 * ISO dates already written, by day (generated dates repeat: a range of
 * years has few days); "" until first asked for. Packed arrays, allocated on
 * first use: a sparse one would fall back to slow dictionary lookups.
 */
let dateCache: string[] | undefined;
/** "HH:mm:ss" by second of the day, as {@linkcode dateCache}. */
let timeCache: string[] | undefined;
/** "THH:mm:ssZ" by second of the day, as {@linkcode dateCache}. */
let timeZCache: string[] | undefined;

function isoDate(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const k = day - CACHE_FIRST_DAY;
  if (k >= 0 && k < CACHE_DAYS) {
    dateCache ??= new Array<string>(CACHE_DAYS).fill("");
    return dateCache[k] || (dateCache[k] = isoDateOf(day));
  }
  return isoDateOf(day);
}

function isoDateOf(day: number): string {
  civil(day);
  return pad4(scratch[0]!) + "-" + pad2(scratch[1]!) + "-" + pad2(scratch[2]!);
}

function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const second = Math.floor((ms - day * DAY_MS) / 1000);
  timeCache ??= new Array<string>(86400).fill("");
  return timeCache[second] || (timeCache[second] = pad2(Math.floor(second / 3600)) + ":" +
    pad2(Math.floor(second / 60) % 60) + ":" + pad2(second % 60));
}

function isoSeconds(ms: number): string {
  const second = Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 1000);
  timeZCache ??= new Array<string>(86400).fill("");
  return isoDate(ms) + (timeZCache[second] || (timeZCache[second] = "T" + isoTime(ms) + "Z"));
}

function isoMillis(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  return isoDate(ms) + "T" + isoTime(ms) + "." + pad3((ms - day * DAY_MS) % 1000) + "Z";
}

/** How a date or datetime generator writes its values. */
export interface OutputForm {
  /** The column type. */
  readonly type: "date" | "datetime" | "string" | "integer";
  /** Turns an instant into the value. */
  readonly write: (ms: number) => string | number;
}

/**
 * Chooses how to write instants from a `format` option: the ISO default, a
 * token pattern (a string column), `epoch` (seconds) or `epoch_ms`.
 *
 * @param format The option (undefined: ISO).
 * @param iso The default pattern and type.
 * @returns The type and the writer.
 * @example
 * ```ts
 * import { outputForm } from "./dates.ts";
 * const form = outputForm("epoch", { pattern: "YYYY-MM-DD", type: "date" });
 * form.type; // "integer"
 * form.write(86_400_000); // 86400
 * ```
 */
export function outputForm(
  format: string | undefined,
  iso: { pattern: string; type: "date" | "datetime" },
): OutputForm {
  if (format === "epoch") return { type: "integer", write: (ms) => Math.floor(ms / 1000) };
  if (format === "epoch_ms") return { type: "integer", write: (ms) => ms };
  if (format === undefined || format === "iso") {
    return { type: iso.type, write: compileFormat(iso.pattern) };
  }
  return { type: "string", write: compileFormat(format) };
}

/**
 * Second or millisecond resolution of a datetime.
 *
 * @example
 * ```ts
 * import type { Precision } from "./dates.ts";
 * const precision: Precision = "ms";
 * ```
 */
export type Precision = "s" | "ms";

/**
 * How a datetime generator writes instants: ISO 8601 in UTC to the second
 * or millisecond, or a `format` (see {@linkcode outputForm}).
 *
 * @param format The `format` option (undefined: ISO).
 * @param precision `s` or `ms` (only the ISO form shows it).
 * @returns The type and the writer.
 * @example
 * ```ts
 * import { datetimeForm } from "./dates.ts";
 * datetimeForm(undefined, "s").write(0); // "1970-01-01T00:00:00Z"
 * ```
 */
export function datetimeForm(format: string | undefined, precision: Precision): OutputForm {
  const pattern = precision === "ms" ? "YYYY-MM-DDTHH:mm:ss.SSS[Z]" : "YYYY-MM-DDTHH:mm:ss[Z]";
  return outputForm(format, { pattern, type: "datetime" });
}

/**
 * Resolves a `from`/`to` option with {@linkcode parseInstant}, or throws a
 * {@linkcode PluginInputError} located at that option.
 *
 * @param name The option's name.
 * @param text Its value.
 * @param reference The reference date.
 * @returns The instant in milliseconds since the epoch.
 * @throws {PluginInputError} When the text is not an instant.
 * @example
 * ```ts
 * import { instantOption } from "./dates.ts";
 * instantOption("from", "-18y", new Date("2025-06-30T00:00:00Z")) === Date.UTC(2007, 5, 30); // true
 * ```
 */
export function instantOption(name: "from" | "to", text: string, reference: Date): number {
  const parsed = parseInstant(text, reference);
  if (parsed.ok) return parsed.ms;
  throw new PluginInputError(`Cannot read ${name} "${text}": ${parsed.problem}`, {
    expected: INSTANT_FORMS,
    ...(parsed.hint ? { hint: parsed.hint } : {}),
    path: [name],
  });
}

/**
 * Checks a `format` option: a pattern needs at least one token, so a typo
 * such as `mm/dd/yyyy` does not silently write the same text in every row.
 *
 * @param format The option (undefined, `iso`, `epoch`, `epoch_ms` or a pattern).
 * @throws {PluginInputError} For a pattern without tokens.
 * @example
 * ```ts
 * import { checkFormat } from "./dates.ts";
 * checkFormat("MM/DD/YYYY"); // fine
 * ```
 */
export function checkFormat(format: string | undefined): void {
  if (format === undefined || ["iso", "epoch", "epoch_ms"].includes(format)) return;
  const lower = /yy|dd/.exec(format.replace(/\[[^\]]*\]/g, ""));
  if (lower) {
    throw new PluginInputError(`Format "${format}" has "${lower[0]}", which is not a token`, {
      expected: `a pattern of ${FORMAT_TOKENS.join(", ")} (case matters: mm is minutes)`,
      hint: `write years and days in upper case, e.g. MM/DD/YYYY; put literal text in [brackets]`,
      path: ["format"],
    });
  }
  if (!hasFormatToken(format)) {
    throw new PluginInputError(
      `Format "${format}" has no date token, so every row would be the same text`,
      {
        expected: `iso, epoch, epoch_ms or a pattern of ${FORMAT_TOKENS.join(", ")} (case matters)`,
        hint: "e.g. MM/DD/YYYY; put literal text in [brackets]",
        path: ["format"],
      },
    );
  }
}
