/**
 * The masking rules, as pure functions of (key, value): the same key and
 * input give the same output in every file, so a customer id hashed in
 * `customers.csv` and in `orders.csv` still joins. Every rule derives its
 * randomness from HMAC-SHA-256 under the user's key; none keeps state.
 *
 * @module
 */
import { KeyedHmac } from "./hmac.ts";
import { integerHash } from "./int_permute.ts";
import { allLocales, base, Faker, type LocaleDefinition } from "@faker-js/faker";

/** A value as read from a file: CSV cells are text, JSONL values any JSON. */
export type Cell = unknown;

/** What a masker sees besides the value: the other columns of the row (for `by`). */
export interface MaskRow {
  /** A column of the same input row, as read. */
  get(column: string): Cell;
}

/** One column's masking function. */
export type Masker = (value: Cell, row: MaskRow) => Cell;

/**
 * HMAC-SHA-256 of `parts` under `key`, the parts separated by a zero byte.
 *
 * @param key The secret key.
 * @param parts What to hash: a rule's domain, the value, a counter.
 * @returns 32 bytes.
 * @example
 * ```ts
 * import { hmac } from "./maskers.ts";
 * hmac("k".repeat(16), "hash", "alice@example.com").length; // 32
 * ```
 */
export function hmac(key: string, ...parts: string[]): Uint8Array {
  return keyedFor(key).digest(parts.join("\0"));
}

// One keyed HMAC per key (a run uses one).
const hmacs = new Map<string, KeyedHmac>();
const integerHashes = new Map<string, (v: unknown) => unknown>();

function keyedFor(key: string): KeyedHmac {
  let keyed = hmacs.get(key);
  if (!keyed) hmacs.set(key, keyed = new KeyedHmac(key));
  return keyed;
}

/**
 * The shape-keeping replacement of `text` under `mac`: each digit and
 * letter drawn from an endless stream of keyed bytes for (domain, basis),
 * HMAC blocks of (domain, basis, counter), computed when first needed.
 */
function shapeWith(
  mac: KeyedHmac,
  domain: string,
  text: string,
  keep: number,
  basis: string,
): string {
  let words: Int32Array | undefined;
  let block = 0, pos = 32;
  let kept = 0;
  let out = "", from = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    let first: number, size: number;
    if (u >= 48 && u <= 57) (first = 48, size = 10);
    else if (u >= 97 && u <= 122) (first = 97, size = 26);
    else if (u >= 65 && u <= 90) (first = 65, size = 26);
    else continue;
    if (kept < keep) {
      kept++;
      continue;
    }
    if (pos === 32) {
      mac.start(domain);
      mac.part(basis);
      mac.part(String(block++));
      words = mac.words();
      pos = 0;
    }
    const byte = (words![pos >> 2]! >>> (24 - ((pos & 3) << 3))) & 0xff;
    pos++;
    out += text.slice(from, i) + String.fromCharCode(first + byte % size);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Replaces each digit with a digit and each letter with a letter of the
 * same case, keyed by the whole value; everything else (punctuation,
 * spaces, `+`, `@`) stays. The first `keep` letters and digits stay too.
 *
 * @param key The secret key.
 * @param domain Separates rules (`phone`, `postal`) so they do not map alike.
 * @param text The text.
 * @param keep How many leading letters/digits to leave unchanged.
 * @param basis What the replacement is keyed by (default: the text itself).
 * @returns Text of the same length and shape.
 * @example
 * ```ts
 * import { preserveShape } from "./maskers.ts";
 * preserveShape("k".repeat(16), "phone", "+1 (415) 555-0100", 1); // "+1 (xxx) xxx-xxxx" with digits
 * ```
 */
export function preserveShape(
  key: string,
  domain: string,
  text: string,
  keep = 0,
  basis = text,
): string {
  return shapeWith(keyedFor(key), domain, text, keep, basis);
}

/** The options of each rule, as the rules file writes them (checked in rules.ts). */
export type RuleSpec =
  | { keep: true }
  | { redact: { with: string } }
  | { hash: { length: number; preserve: boolean; domain: string; integer?: boolean } }
  | { fake: { method: string; locale: string; domain: string } }
  | { email: { domain?: string; hashDomain: boolean } }
  | { phone: { keep: number } }
  | { postal: { keep: number } }
  | { shift_dates: { days: number; by?: string | undefined } }
  | { generalise: { bucket?: number; date?: "month" | "year"; prefix?: number } };

/**
 * Builds the masking function of one column.
 *
 * @param spec The rule.
 * @param key The secret key.
 * @param integerColumn True when the column holds integers (a database
 *   column's type): `hash` then maps integers to integers unless its
 *   `integer` option says otherwise.
 * @returns The masker; null and empty values pass through unchanged.
 * @throws {Error} At mask time, for a value the rule cannot read (a date
 *   that is not ISO 8601, a number that is not one).
 * @example
 * ```ts
 * import { maskerFor } from "./maskers.ts";
 * const m = maskerFor({ email: { hashDomain: false } }, "k".repeat(16));
 * m("ada@example.com", { get: () => null }); // "xxx@example.com", same each time
 * ```
 */
export function maskerFor(spec: RuleSpec, key: string, integerColumn = false): Masker {
  const masker = build(spec, key, integerColumn);
  return (
    value,
    row,
  ) => (value === null || value === undefined || value === "" ? value : masker(value, row));
}

function build(spec: RuleSpec, key: string, integerColumn: boolean): Masker {
  if ("keep" in spec) return (v) => v;
  if ("redact" in spec) {
    const text = spec.redact.with;
    return () => text;
  }
  const mac = keyedFor(key);
  if ("hash" in spec) {
    const { length, preserve, domain } = spec.hash;
    if (spec.hash.integer ?? (integerColumn && !preserve)) {
      // One per (key, domain): a parent key and its foreign keys share the round tables.
      const id = `${key}\0${domain}`;
      let h = integerHashes.get(id);
      if (!h) integerHashes.set(id, h = integerHash(mac, domain));
      return h;
    }
    const d = `hash:${domain}`;
    if (preserve) return (v) => shapeWith(mac, d, String(v), 0, String(v));
    return (v) => {
      mac.start(d);
      mac.part(String(v));
      return hex(mac.words(), length);
    };
  }
  if ("fake" in spec) return fakeMasker(spec.fake, mac);
  if ("email" in spec) {
    const { domain, hashDomain } = spec.email;
    return (v) => {
      const text = String(v);
      const at = text.lastIndexOf("@");
      if (at < 1) return shapeWith(mac, "email", text, 0, text);
      const local = text.slice(0, at), host = text.slice(at + 1);
      // The local part is keyed by the whole address, so two people at one
      // domain never collide merely by sharing a local part's shape.
      const newLocal = shapeWith(mac, "email", local, 0, text);
      let newHost = host;
      if (domain !== undefined) newHost = domain;
      else if (hashDomain) {
        const labels = host.split(".");
        const tld = labels.pop()!;
        newHost = [...labels.map((l) => shapeWith(mac, "email-domain", l, 0, l)), tld].join(".");
      }
      return `${newLocal}@${newHost}`;
    };
  }
  if ("phone" in spec) {
    const keep = spec.phone.keep;
    return (v) => shapeWith(mac, "phone", String(v), keep, String(v));
  }
  if ("postal" in spec) {
    const keep = spec.postal.keep;
    return (v) => shapeWith(mac, "postal", String(v), keep, String(v));
  }
  if ("shift_dates" in spec) {
    const { days, by } = spec.shift_dates;
    // A person's id comes back once per row of theirs: recent offsets are
    // remembered in a table of slots, a basis in the slot its hash picks.
    const bases = new Array<string | undefined>(SLOTS).fill(undefined);
    const offsets = new Float64Array(SLOTS);
    return (v, row) => {
      const basis = by === undefined ? String(v) : String(row.get(by) ?? "");
      const slot = slotOf(basis);
      if (bases[slot] !== basis) {
        bases[slot] = basis;
        offsets[slot] = offsetDays(mac, basis, days);
      }
      return shiftDate(String(v), offsets[slot]!);
    };
  }
  const g = spec.generalise;
  if (g.bucket !== undefined) {
    const size = g.bucket;
    return (v) => {
      const n = typeof v === "number" ? v : Number(String(v).trim());
      if (!Number.isFinite(n)) throw new Error(`${JSON.stringify(v)} is not a number to bucket`);
      const low = Math.floor(n / size) * size;
      return Number.isInteger(size) ? `${low}-${low + size - 1}` : `${low}-${low + size}`;
    };
  }
  if (g.date !== undefined) {
    const n = g.date === "month" ? 7 : 4;
    return (v) => {
      const text = String(v);
      if (!/^\d{4}-\d{2}(-\d{2})?/.test(text)) {
        throw new Error(`${JSON.stringify(v)} is not an ISO 8601 date (YYYY-MM-DD…)`);
      }
      return text.slice(0, n);
    };
  }
  const keep = g.prefix ?? 0;
  return (v) => starred(String(v), keep);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Every letter and digit (Unicode) after the first `keep` characters (code
 * points) becomes `*`; ASCII is told apart without the regular expression.
 */
function starred(text: string, keep: number): string {
  let out = "", from = 0;
  for (let i = 0, at = 0; i < text.length; at++) {
    const u = text.charCodeAt(i);
    let width = 1, alnum: boolean;
    if (u < 0x80) alnum = (u >= 48 && u <= 57) || (u >= 65 && u <= 90) || (u >= 97 && u <= 122);
    else {
      if (u >= 0xd800 && u <= 0xdbff) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) width = 2;
      }
      alnum = LETTER_OR_DIGIT.test(text.slice(i, i + width));
    }
    if (alnum && at >= keep) {
      out += text.slice(from, i) + "*";
      from = i + width;
    }
    i += width;
  }
  return from === 0 ? text : out + text.slice(from);
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The digest's hex digits, its first `length` (the 64 digits' `slice(0, length)`). */
function hex(words: Int32Array, length: number): string {
  const n = length >= 0 && length <= 64 ? Math.ceil(length) : 64;
  let out = "";
  for (let i = 0; out.length < n; i++) {
    const w = words[i >> 2]!;
    out += HEX[(w >>> (24 - ((i & 3) << 3))) & 0xff];
  }
  return out.length === length ? out : out.slice(0, length);
}

/** Slots of the tables of recent values (a power of two). */
const SLOTS = 65_536;

/**
 * A masker of texts that remembers recent images: a value's image is a
 * pure function of the value, so a table of 16,384 slots, each holding
 * the last value whose hash picked it, saves recomputing repeats.
 */
function recent(fn: (text: string) => Cell): Masker {
  const keys = new Array<string | undefined>(SLOTS / 4).fill(undefined);
  const images = new Array<Cell>(SLOTS / 4).fill(undefined);
  return (v) => {
    const text = String(v);
    const slot = slotOf(text) >>> 2;
    if (keys[slot] === text) return images[slot];
    const image = fn(text);
    keys[slot] = text;
    images[slot] = image;
    return image;
  };
}

/** A slot of 0..SLOTS-1 for a text (FNV-1a over its code units, folded). */
function slotOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) & (SLOTS - 1);
}

/** A deterministic offset in [-days, days] without 0, from the key and a basis value. */
function offsetDays(mac: KeyedHmac, basis: string, days: number): number {
  mac.start("shift");
  mac.part(basis);
  const w = mac.words();
  const k = ((w[0]! >>> 0) % days) + 1;
  return (w[1]! >>> 24) & 1 ? k : -k;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in a month (1..12) of a proleptic Gregorian year. */
function monthDays(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48, b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Shifts an ISO date or datetime by whole days, keeping its format. A
 * valid date of years 100..9999 that stays in 0..9999 is shifted by
 * arithmetic; anything else (out-of-range days that `Date.UTC` rolls
 * over, two-digit years it reads as 19xx) goes through `Date` as it
 * always did.
 */
function shiftDate(text: string, days: number): string {
  if (text.length >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const hi = twoDigits(text, 0), lo = twoDigits(text, 2);
    const m = twoDigits(text, 5), d = twoDigits(text, 8);
    const y = hi * 100 + lo;
    if (
      hi >= 1 && lo >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m) &&
      Number.isInteger(days)
    ) {
      let z = daysFromCivil(y, m, d) + days + 719468;
      const era = Math.floor(z / 146097);
      z -= era * 146097;
      const yoe = Math.floor(
        (z - Math.floor(z / 1460) + Math.floor(z / 36524) - Math.floor(z / 146096)) / 365,
      );
      const doy = z - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
      const mp = Math.floor((5 * doy + 2) / 153);
      const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
      const month = mp < 10 ? mp + 3 : mp - 9;
      const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
      if (year >= 1000 && year <= 9999) {
        return `${year}-${pad2(month)}-${pad2(day)}${text.length > 10 ? text.slice(10) : ""}`;
      }
    }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not an ISO 8601 date (YYYY-MM-DD…)`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * 86_400_000;
  if (Number.isNaN(t)) throw new Error(`${JSON.stringify(text)} is not a valid date`);
  return new Date(t).toISOString().slice(0, 10) + m[4];
}

/** One faker per locale, fed by a keyed generator that is reset per value. */
function fakeMasker(
  spec: { method: string; locale: string; domain: string },
  mac: KeyedHmac,
): Masker {
  const state = new Uint32Array(4);
  const next = () => {
    // sfc32: a small, well-mixed generator; seeded per value from the HMAC.
    const a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
    const t = (((a + b) >>> 0) + d) >>> 0;
    state[3] = d + 1;
    state[0] = b ^ (b >>> 9);
    state[1] = c + (c << 3);
    state[2] = ((c << 21) | (c >>> 11)) + t;
    return t / 4294967296;
  };
  const faker = fakerWith(spec.locale, next);
  const fn = fakerMethod(faker, spec.method);
  if (!fn) throw new Error(`unknown faker method "${spec.method}"`);
  const domain = `fake:${spec.domain}`;
  // Names and cities repeat: recent replacements are remembered.
  return recent((text) => {
    mac.start(domain);
    mac.part(text);
    const w = mac.words();
    for (let i = 0; i < 4; i++) state[i] = w[i]!;
    for (let i = 0; i < 12; i++) next();
    const out = fn();
    return typeof out === "string" || typeof out === "number" || typeof out === "boolean"
      ? out
      : String(out);
  });
}

/**
 * Finds a faker method by its path (`person.fullName`).
 *
 * @param faker A faker instance.
 * @param method The method's path.
 * @returns A function calling it, or undefined when there is no such method.
 * @example
 * ```ts
 * import { fakerMethod, fakerWith } from "./maskers.ts";
 * fakerMethod(fakerWith("en", Math.random), "person.fullName") !== undefined; // true
 * ```
 */
export function fakerMethod(faker: Faker, method: string): (() => unknown) | undefined {
  const [module, name, ...rest] = method.split(".");
  if (!module || !name || rest.length) return undefined;
  const m = (faker as unknown as Record<string, Record<string, unknown>>)[module];
  const f = m?.[name];
  if (typeof f !== "function") return undefined;
  return () => (f as () => unknown).call(m);
}

/**
 * A faker for a locale (falling back to English) drawing from `next`.
 *
 * @param locale A faker locale name (`de`, `en_US`).
 * @param next The random source, numbers in [0, 1).
 * @returns The faker.
 * @example
 * ```ts
 * import { fakerWith } from "./maskers.ts";
 * fakerWith("de", Math.random).person.lastName();
 * ```
 */
export function fakerWith(locale: string, next: () => number): Faker {
  const locales = allLocales as Record<string, LocaleDefinition>;
  const chain: LocaleDefinition[] = [];
  const own = locales[locale];
  if (own) chain.push(own);
  if (locale !== "en") chain.push(locales.en!);
  chain.push(base);
  const faker = new Faker({ locale: chain, randomizer: { next, seed: () => {} } });
  faker.setDefaultRefDate(new Date("2025-01-01T00:00:00Z"));
  return faker;
}
