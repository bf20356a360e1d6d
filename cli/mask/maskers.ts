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
  let keyed = hmacs.get(key);
  if (!keyed) hmacs.set(key, keyed = new KeyedHmac(key));
  return keyed.digest(parts.join("\0"));
}

// One keyed HMAC per key (a run uses one).
const hmacs = new Map<string, KeyedHmac>();
const integerHashes = new Map<string, (v: unknown) => unknown>();

/**
 * An endless stream of keyed pseudo-random bytes for one (domain, value):
 * HMAC blocks with a counter.
 */
function byteStream(key: string, domain: string, value: string): () => number {
  let block = hmac(key, domain, value, "0");
  let n = 0, pos = 0;
  return () => {
    if (pos === block.length) {
      block = hmac(key, domain, value, String(++n));
      pos = 0;
    }
    return block[pos++]!;
  };
}

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();

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
  const next = byteStream(key, domain, basis);
  let kept = 0;
  let out = "";
  for (const ch of text) {
    const set = DIGITS.includes(ch)
      ? DIGITS
      : LOWER.includes(ch)
      ? LOWER
      : UPPER.includes(ch)
      ? UPPER
      : undefined;
    if (!set) {
      out += ch;
      continue;
    }
    if (kept < keep) {
      kept++;
      out += ch;
      continue;
    }
    out += set[next() % set.length];
  }
  return out;
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
  if ("hash" in spec) {
    const { length, preserve, domain } = spec.hash;
    if (spec.hash.integer ?? (integerColumn && !preserve)) {
      // One per (key, domain): a parent key and its foreign keys share the round tables.
      const id = `${key}\0${domain}`;
      let h = integerHashes.get(id);
      if (!h) integerHashes.set(id, h = integerHash((...parts) => hmac(key, ...parts), domain));
      return h;
    }
    if (preserve) return (v) => preserveShape(key, `hash:${domain}`, String(v));
    return (v) => hex(hmac(key, `hash:${domain}`, String(v))).slice(0, length);
  }
  if ("fake" in spec) return fakeMasker(spec.fake, key);
  if ("email" in spec) {
    const { domain, hashDomain } = spec.email;
    return (v) => {
      const text = String(v);
      const at = text.lastIndexOf("@");
      if (at < 1) return preserveShape(key, "email", text);
      const local = text.slice(0, at), host = text.slice(at + 1);
      // The local part is keyed by the whole address, so two people at one
      // domain never collide merely by sharing a local part's shape.
      const newLocal = preserveShape(key, "email", local, 0, text);
      let newHost = host;
      if (domain !== undefined) newHost = domain;
      else if (hashDomain) {
        const labels = host.split(".");
        const tld = labels.pop()!;
        newHost = [...labels.map((l) => preserveShape(key, "email-domain", l)), tld].join(".");
      }
      return `${newLocal}@${newHost}`;
    };
  }
  if ("phone" in spec) return (v) => preserveShape(key, "phone", String(v), spec.phone.keep);
  if ("postal" in spec) return (v) => preserveShape(key, "postal", String(v), spec.postal.keep);
  if ("shift_dates" in spec) {
    const { days, by } = spec.shift_dates;
    const offsets = new Map<string, number>();
    return (v, row) => {
      const basis = by === undefined ? String(v) : String(row.get(by) ?? "");
      let offset = offsets.get(basis);
      if (offset === undefined) {
        // A person's id comes back once per row of theirs: remember recent offsets (bounded).
        if (offsets.size >= 65_536) offsets.clear();
        offsets.set(basis, offset = offsetDays(key, basis, days));
      }
      return shiftDate(String(v), offset);
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
  return (v) => {
    const chars = [...String(v)];
    return chars.map((c, i) => (i < keep || !/[\p{L}\p{N}]/u.test(c) ? c : "*")).join("");
  };
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** A deterministic offset in [-days, days] without 0, from the key and a basis value. */
function offsetDays(key: string, basis: string, days: number): number {
  const b = hmac(key, "shift", basis);
  const u = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const k = (u % days) + 1;
  return b[4]! & 1 ? k : -k;
}

/** Shifts an ISO date or datetime by whole days, keeping its format. */
function shiftDate(text: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not an ISO 8601 date (YYYY-MM-DD…)`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * 86_400_000;
  if (Number.isNaN(t)) throw new Error(`${JSON.stringify(text)} is not a valid date`);
  return new Date(t).toISOString().slice(0, 10) + m[4];
}

/** One faker per locale, fed by a keyed generator that is reset per value. */
function fakeMasker(spec: { method: string; locale: string; domain: string }, key: string): Masker {
  const state = new Uint32Array(4);
  const next = () => {
    // sfc32: a small, well-mixed generator; seeded per value from the HMAC.
    const [a, b, c, d] = state as unknown as [number, number, number, number];
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
  return (v) => {
    const h = hmac(key, `fake:${spec.domain}`, String(v));
    const view = new DataView(h.buffer, h.byteOffset, 16);
    for (let i = 0; i < 4; i++) state[i] = view.getUint32(i * 4);
    for (let i = 0; i < 12; i++) next();
    const out = fn();
    return typeof out === "string" || typeof out === "number" || typeof out === "boolean"
      ? out
      : String(out);
  };
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
