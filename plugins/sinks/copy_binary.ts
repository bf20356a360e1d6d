/**
 * PostgreSQL's binary `COPY … FROM STDIN (FORMAT binary)`: rows encoded
 * straight from a batch's columns into the binary COPY format, so the server
 * only copies bytes instead of parsing dates, timestamps and numerics.
 *
 * Each column is encoded as the type the sink's DDL gave it (`sqlType`,
 * plugins/_shared/sql_text.ts); a table with a column type not covered here
 * is loaded with text COPY. Only values in the form the generators produce
 * are encoded (safe integers, finite numbers, `YYYY-MM-DD` dates, ISO
 * timestamps with `Z` or an offset, canonical UUIDs, booleans, strings);
 * for anything else {@linkcode encodeBinaryRows} returns false and the
 * writer continues the table in text COPY, so such values get exactly the
 * text path's meaning (or its error). The values are those of the text
 * path: NUL dropped from strings, non-finite numbers as NULL, JSON as
 * `JSON.stringify` text without `\u0000`.
 *
 * @module
 */
import type { Batch, ColumnInfo } from "../../core/types.ts";
import { sqlType } from "../_shared/sql_text.ts";

/** Writes one value (not null) and returns true, or false when it is not in a covered form. */
type FieldWriter = (out: BinaryOut, v: unknown) => boolean;

/** How one column is written in binary COPY. */
export interface BinaryColumn {
  /** Writes a value that is neither null, undefined nor a non-finite number. */
  readonly write: FieldWriter;
  /** True for JSON columns, where a non-finite number is JSON `null`, not SQL NULL. */
  readonly json: boolean;
  /** True for text columns, whose strings are written inline (no call per value). */
  readonly text: boolean;
}

/** The binary COPY signature, flags and header extension length. */
const HEADER = new Uint8Array([
  0x50,
  0x47,
  0x43,
  0x4f,
  0x50,
  0x59,
  0x0a,
  0xff,
  0x0d,
  0x0a,
  0x00, // PGCOPY\n\377\r\n\0
  0,
  0,
  0,
  0, // flags
  0,
  0,
  0,
  0, // header extension length
]);

/** The file trailer: a field count of −1. */
const TRAILER = new Uint8Array([0xff, 0xff]);

/**
 * The header that starts a binary COPY stream.
 *
 * @returns 19 bytes.
 * @example
 * ```ts
 * import { binaryHeader } from "./copy_binary.ts";
 * binaryHeader().length; // 19
 * ```
 */
export function binaryHeader(): Uint8Array {
  return HEADER.slice();
}

/**
 * The trailer that ends a binary COPY stream.
 *
 * @returns 2 bytes.
 * @example
 * ```ts
 * import { binaryTrailer } from "./copy_binary.ts";
 * binaryTrailer(); // Uint8Array [255, 255]
 * ```
 */
export function binaryTrailer(): Uint8Array {
  return TRAILER.slice();
}

const TWO32 = 4294967296;
/** Unix milliseconds of 2000-01-01, PostgreSQL's epoch. */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAYS = 10_957;

/** A growable byte buffer with big-endian writers. */
export class BinaryOut {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  int16(n: number): void {
    this.room(2);
    this.view.setInt16(this.pos, n);
    this.pos += 2;
  }

  int32(n: number): void {
    this.room(4);
    this.view.setInt32(this.pos, n);
    this.pos += 4;
  }

  /** An integer that is exact as a double (|n| < 2^53). */
  int64(n: number): void {
    this.room(8);
    const hi = Math.floor(n / TWO32);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, n - hi * TWO32);
    this.pos += 8;
  }

  /**
   * A string as UTF-8 after its int32 length, NUL dropped, lone surrogates
   * as U+FFFD; `prefix` (jsonb's version byte) before the text when ≥ 0.
   */
  text(s: string, prefix = -1): void {
    const n = s.length;
    this.room(4 + 1 + n * 3);
    const buf = this.buf;
    const start = this.pos;
    let p = start + 4;
    if (prefix >= 0) buf[p++] = prefix;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c !== 0) buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
            buf[p++] = 0xf0 | (c >> 18);
            buf[p++] = 0x80 | ((c >> 12) & 63);
            buf[p++] = 0x80 | ((c >> 6) & 63);
            buf[p++] = 0x80 | (c & 63);
            continue;
          }
          c = 0xfffd;
        }
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 63);
        buf[p++] = 0x80 | (c & 63);
      }
    }
    this.view.setInt32(start, p - start - 4);
    this.pos = p;
  }

  /** Hands the bytes written so far on and starts a new buffer. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.buf.length);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    return out;
  }
}

/** Days from 1970-01-01 to a proleptic Gregorian date (valid y/m/d). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 2000-01-01 of `YYYY-MM-DD` at `s[0..10)`, or NaN when not a valid date. */
function pgDays(s: string): number {
  const y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || !(y >= 1) || !(m >= 1 && m <= 12)) {
    return NaN;
  }
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (!(d >= 1 && d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!))) return NaN;
  return daysFromCivil(y, m, d) - PG_EPOCH_DAYS;
}

/** The decimal number of `n` ASCII digits at `s[at..]`, or NaN. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    v = v * 10 + c;
  }
  return v;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Microseconds since 2000-01-01 UTC as int64. */
function writeMicros(out: BinaryOut, seconds: number, micros: number): void {
  if (Math.abs(seconds) < 9e9) {
    out.room(12);
    out.int32(8);
    out.int64(seconds * 1_000_000 + micros);
    return;
  }
  out.room(12);
  out.int32(8);
  out.view.setBigInt64(out.pos, BigInt(seconds) * 1_000_000n + BigInt(micros));
  out.pos += 8;
}

const writeString: FieldWriter = (out, v) => {
  if (typeof v === "string") out.text(v);
  else if (typeof v === "number") out.text(String(v));
  else return false;
  return true;
};

const writeBigint: FieldWriter = (out, v) => {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) return false;
  out.room(12);
  out.int32(8);
  out.int64(v);
  return true;
};

const writeDouble: FieldWriter = (out, v) => {
  if (typeof v !== "number") return false;
  out.room(12);
  out.int32(8);
  out.view.setFloat64(out.pos, v === 0 ? 0 : v); // -0 as 0, like String(-0)
  out.pos += 8;
  return true;
};

const writeBoolean: FieldWriter = (out, v) => {
  if (typeof v !== "boolean") return false;
  out.room(5);
  out.int32(1);
  out.buf[out.pos++] = v ? 1 : 0;
  return true;
};

const writeDate: FieldWriter = (out, v) => {
  if (typeof v !== "string" || !DATE.test(v)) return false;
  const days = pgDays(v);
  if (Number.isNaN(days)) return false;
  out.room(8);
  out.int32(4);
  out.int32(days);
  return true;
};

const writeTimestamptz: FieldWriter = (out, v) => {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) {
      out.int32(-1); // NULL, as in text COPY
      return true;
    }
    const rel = ms - PG_EPOCH_MS;
    const seconds = Math.floor(rel / 1000);
    writeMicros(out, seconds, (rel - seconds * 1000) * 1000);
    return true;
  }
  if (typeof v !== "string") return false;
  // The generators' form, YYYY-MM-DDTHH:MM:SS[.f…]Z, without a regex.
  const n = v.length;
  if (n >= 20 && v.charCodeAt(n - 1) === 90 && v.charCodeAt(10) === 84) {
    const days = pgDays(v);
    const h = digits(v, 11, 2), mi = digits(v, 14, 2), sec = digits(v, 17, 2);
    let micros = 0;
    if (n > 20) {
      const f = n - 21;
      if (v.charCodeAt(19) !== 46 || f < 1 || f > 6) return false;
      micros = digits(v, 20, f) * POW10[6 - f]!;
    }
    if (
      !(days === days && h <= 23 && mi <= 59 && sec <= 59 && micros === micros) ||
      v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58
    ) return false;
    writeMicros(out, days * 86400 + h * 3600 + mi * 60 + sec, micros);
    return true;
  }
  const m = TIMESTAMP.exec(v);
  if (!m) return false;
  const days = pgDays(m[1]!);
  const h = Number(m[2]), mi = Number(m[3]), sec = Number(m[4]);
  if (Number.isNaN(days) || h > 23 || mi > 59 || sec > 59) return false;
  let offset = 0;
  const zone = m[6]!;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 15 || om > 59) return false;
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const micros = m[5] ? Number(m[5].padEnd(6, "0")) : 0;
  writeMicros(out, days * 86400 + h * 3600 + mi * 60 + sec - offset, micros);
  return true;
};

const writeUuid: FieldWriter = (out, v) => {
  if (typeof v !== "string" || !UUID.test(v)) return false;
  out.room(20);
  out.int32(16);
  const buf = out.buf;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    buf[out.pos++] = parseInt(v.slice(i, i + 2), 16);
  }
  return true;
};

const writeJsonb: FieldWriter = (out, v) => {
  let s = JSON.stringify(v) ?? "null";
  // jsonb rejects \u0000 (the text path drops NUL the same way).
  if (s.includes("\\u0000")) {
    s = JSON.stringify(v, (_k, x) => (typeof x === "string" ? x.replaceAll("\0", "") : x));
  }
  out.text(s, 1);
  return true;
};

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
/** The decimal digits of one number (a double's shortest text has at most 21 + 324). */
const DIGITS = new Uint8Array(400);

/**
 * A finite number as `numeric`: the digits of `String(n)` exactly, with the
 * display scale of its fraction, so the server rounds to the column's scale
 * (and checks its precision) as when it parses the same text.
 */
const writeNumeric: FieldWriter = (out, v) => {
  if (typeof v !== "number") return false;
  if (!numericFast(out, v)) numericFromText(out, v);
  return true;
};

/**
 * The common case of {@linkcode writeNumeric} without `String(v)`: a number
 * whose shortest text has at most 4 fraction digits and 15 significant
 * digits (money, `decimals: 2`). Then `m = round(|v|·10^k)` for the least k
 * with `m / 10^k === |v|` gives those digits: a decimal of at most 15
 * significant digits survives the round trip through a double (DBL_DIG), so
 * the shortest text of `v` is `m·10^-k`, and no shorter text exists or a
 * smaller k would have matched. Writes the same bytes as the text path
 * (tested over many values); false when `v` is not such a number.
 */
function numericFast(out: BinaryOut, v: number): boolean {
  const a = v < 0 ? -v : v;
  if (!(a < 1e15)) return false;
  let k = 0;
  let m = Math.round(a);
  while (m / POW10[k]! !== a) {
    if (++k > 4) return false;
    m = Math.round(a * POW10[k]!);
    if (m >= 1e15) return false;
  }
  const whole = Math.floor(m / POW10[k]!);
  const frac = (m - whole * POW10[k]!) * POW10[4 - k]!;
  // Base-10000 groups: the whole part's (least significant first in
  // GROUPS), then the fraction's; trailing zero groups are left out.
  let nw = 0;
  for (let w = whole; w > 0; w = Math.floor(w / 10000)) GROUPS[nw++] = w % 10000;
  let n = frac !== 0 ? nw + 1 : nw;
  if (frac === 0) { while (n > 0 && GROUPS[nw - n] === 0) n--; }
  out.room(12 + n * 2);
  const view = out.view;
  let p = out.pos;
  view.setInt32(p, 8 + n * 2);
  view.setInt16(p + 4, n);
  view.setInt16(p + 6, n ? nw - 1 : 0);
  view.setInt16(p + 8, n && v < 0 ? NUMERIC_NEG : NUMERIC_POS);
  view.setInt16(p + 10, k);
  p += 12;
  for (let i = nw - 1; i >= nw - Math.min(n, nw); i--) {
    view.setInt16(p, GROUPS[i]!);
    p += 2;
  }
  if (n > nw) {
    view.setInt16(p, frac);
    p += 2;
  }
  out.pos = p;
  return true;
}

/** The base-10000 groups of a whole part below 10^15 (scratch of numericFast). */
const GROUPS = new Int32Array(4);

/**
 * The bytes of a number as `numeric`, by the fast path or from its text
 * (`String(v)`), for tests that the two agree.
 *
 * @param v A finite number.
 * @param path Which path.
 * @returns The field (length, then the value), or undefined when the fast path does not apply.
 * @example
 * ```ts
 * import { numericBytes } from "./copy_binary.ts";
 * numericBytes(12.5, "fast"); // the same bytes as numericBytes(12.5, "text")
 * numericBytes(0.1 + 0.2, "fast"); // undefined: 17 significant digits
 * ```
 */
export function numericBytes(v: number, path: "fast" | "text"): Uint8Array | undefined {
  const out = new BinaryOut(64);
  if (path === "fast") return numericFast(out, v) ? out.take() : undefined;
  numericFromText(out, v);
  return out.take();
}

function numericFromText(out: BinaryOut, v: number): void {
  const s = String(v);
  let i = 0;
  let sign = NUMERIC_POS;
  if (s.charCodeAt(0) === 45) {
    sign = NUMERIC_NEG;
    i = 1;
  }
  const e = s.indexOf("e", i);
  const end = e < 0 ? s.length : e;
  // The decimal digits, and the point after `point` of them.
  let nd = 0;
  let point = -1;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 46) point = nd;
    else DIGITS[nd++] = c - 48;
  }
  if (point < 0) point = nd;
  if (e >= 0) point += Number(s.slice(e + 1));
  const dscale = Math.max(0, nd - point);
  let first = 0;
  while (first < nd && DIGITS[first] === 0) first++;
  let last = nd;
  while (last > first && DIGITS[last - 1] === 0) last--;
  out.room(12 + (last - first + 8) / 2);
  const view = out.view;
  let p = out.pos;
  if (first === last) {
    view.setInt32(p, 8);
    view.setInt16(p + 4, 0);
    view.setInt16(p + 6, 0);
    view.setInt16(p + 8, NUMERIC_POS);
    view.setInt16(p + 10, dscale);
    out.pos = p + 12;
    return;
  }
  point -= first;
  // Pad on the left so the point falls between base-10000 groups.
  const pad = ((-point % 4) + 4) % 4;
  const ndigits = Math.ceil((pad + last - first) / 4);
  view.setInt32(p, 8 + ndigits * 2);
  view.setInt16(p + 4, ndigits);
  view.setInt16(p + 6, (point + pad) / 4 - 1);
  view.setInt16(p + 8, sign);
  view.setInt16(p + 10, dscale);
  p += 12;
  let at = first - pad;
  for (let g = 0; g < ndigits; g++) {
    let d = 0;
    for (let k = 0; k < 4; k++, at++) d = d * 10 + (at >= first && at < last ? DIGITS[at]! : 0);
    view.setInt16(p, d);
    p += 2;
  }
  out.pos = p;
}

/**
 * The binary COPY encoding of a table's columns, from the types its DDL
 * gives them; undefined when some column's type is not covered (the table
 * is then loaded with text COPY).
 *
 * @param columns The table's columns, in COPY order.
 * @returns One writer per column, or undefined.
 * @example
 * ```ts
 * import { binaryColumns } from "./copy_binary.ts";
 * const id = { name: "id", type: "integer" as const, nullable: false, unique: true, key: true, referenced: false };
 * binaryColumns([id])?.length; // 1
 * ```
 */
export function binaryColumns(columns: readonly ColumnInfo[]): BinaryColumn[] | undefined {
  const out: BinaryColumn[] = [];
  for (const column of columns) {
    const write = writerOf(sqlType(column, "postgres"));
    if (!write) return undefined;
    out.push({ write, json: write === writeJsonb, text: write === writeString });
  }
  return out;
}

function writerOf(type: string): FieldWriter | undefined {
  switch (type) {
    case "TEXT":
      return writeString;
    case "BIGINT":
      return writeBigint;
    case "DOUBLE PRECISION":
      return writeDouble;
    case "BOOLEAN":
      return writeBoolean;
    case "DATE":
      return writeDate;
    case "TIMESTAMPTZ":
      return writeTimestamptz;
    case "UUID":
      return writeUuid;
    case "JSONB":
      return writeJsonb;
  }
  if (/^VARCHAR\(\d+\)$/.test(type)) return writeString;
  if (/^NUMERIC\(\d+,\d+\)$/.test(type)) return writeNumeric;
  return undefined;
}

/**
 * Encodes a batch's rows as binary COPY tuples (no header or trailer).
 *
 * @param batch The rows (columns in `columns` order).
 * @param columns From {@linkcode binaryColumns}.
 * @param out Where the bytes go; on false it holds a partial row, to discard.
 * @returns False when some value is not in a form covered here.
 * @example
 * ```ts
 * import { BinaryOut, binaryColumns, encodeBinaryRows } from "./copy_binary.ts";
 * const id = { name: "id", type: "integer" as const, nullable: false, unique: true, key: true, referenced: false };
 * const out = new BinaryOut(64);
 * encodeBinaryRows({ entity: "t", start: 0, length: 1, fields: ["id"], columns: [[7]] }, binaryColumns([id])!, out);
 * out.pos; // 14
 * ```
 */
export function encodeBinaryRows(
  batch: Batch,
  columns: readonly BinaryColumn[],
  out: BinaryOut,
): boolean {
  const values = batch.columns;
  const width = columns.length;
  for (let r = 0; r < batch.length; r++) {
    out.int16(width);
    for (let c = 0; c < width; c++) {
      const column = columns[c]!;
      const v = values[c]![r];
      if (column.text && typeof v === "string") out.text(v);
      else if (
        v === null || v === undefined ||
        (!column.json && typeof v === "number" && !Number.isFinite(v))
      ) {
        out.int32(-1);
      } else if (!column.write(out, v)) return false;
    }
  }
  return true;
}
