/**
 * Differential tests of the masking primitives rewritten for speed: each
 * new rule against the implementation it replaced (kept here as the
 * reference, its HMAC from node:crypto), on hostile and random values, so
 * every masked byte stays what it was for the same key.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fakerMethod, fakerWith, maskerFor, type RuleSpec } from "../../cli/mask/maskers.ts";
import { writeCsvCell } from "../../cli/mask/mask_files.ts";
import { ByteWriter } from "../../plugins/_shared/byte_writer.ts";

const KEY = "diff-key-0123456789abcdef-ü🔑";

// ---- the reference: the implementation before the speed work ----

function refHmac(key: string, ...parts: string[]): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(parts.join("\0")).digest());
}

function refByteStream(key: string, domain: string, value: string): () => number {
  let block = refHmac(key, domain, value, "0");
  let n = 0, pos = 0;
  return () => {
    if (pos === block.length) {
      block = refHmac(key, domain, value, String(++n));
      pos = 0;
    }
    return block[pos++]!;
  };
}

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();

function refShape(key: string, domain: string, text: string, keep = 0, basis = text): string {
  const next = refByteStream(key, domain, basis);
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

function refHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function refOffset(key: string, basis: string, days: number): number {
  const b = refHmac(key, "shift", basis);
  const u = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const k = (u % days) + 1;
  return b[4]! & 1 ? k : -k;
}

function refShiftDate(text: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not an ISO 8601 date (YYYY-MM-DD…)`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * 86_400_000;
  if (Number.isNaN(t)) throw new Error(`${JSON.stringify(text)} is not a valid date`);
  return new Date(t).toISOString().slice(0, 10) + m[4];
}

type Ref = (v: unknown, row: { get(c: string): unknown }) => unknown;

function refIntegerHash(key: string, domain: string): (v: unknown) => unknown {
  const d = `hash-int:${domain}`;
  const B31 = 2 ** 31, B31N = 1n << 31n, B63N = 1n << 63n, MASK32N = 0xffffffffn;
  const round32 = (r: number, half: number) => {
    const b = refHmac(key, d, "32", String(r), String(half));
    return (b[0]! << 8) | b[1]!;
  };
  const round64 = (r: number, half: bigint) => {
    const b = refHmac(key, d, "64", String(r), String(half));
    return BigInt(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
  };
  const small = (x: number): number => {
    do {
      let l = x >>> 16, r = x & 0xffff;
      for (let i = 0; i < 4; i++) [l, r] = [r, l ^ round32(i, r)];
      x = ((l << 16) | r) >>> 0;
    } while (x >= B31 - 1);
    return x;
  };
  const big = (x: bigint): bigint => {
    const n = B63N - B31N;
    do {
      let l = x >> 32n, r = x & MASK32N;
      for (let i = 0; i < 4; i++) [l, r] = [r, l ^ round64(i, r)];
      x = (l << 32n) | r;
    } while (x >= n);
    return x;
  };
  const magnitude = (m: bigint): bigint => {
    if (m === 0n) return 0n;
    if (m < B31N) return BigInt(small(Number(m) - 1) + 1);
    if (m < B63N) return big(m - B31N) + B31N;
    throw new Error(`${m} does not fit a 64-bit integer`);
  };
  return (v) => {
    let n: bigint;
    if (typeof v === "bigint") n = v;
    else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) n = BigInt(v.trim());
    else throw new Error(`${JSON.stringify(v)} is not an integer to hash as one`);
    const out = n < 0n ? -magnitude(-n) : magnitude(n);
    if (typeof v === "string") return String(out);
    if (typeof v === "number") {
      return out <= BigInt(Number.MAX_SAFE_INTEGER) && out >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(out)
        : out;
    }
    return out;
  };
}

function refFake(spec: { method: string; locale: string; domain: string }, key: string): Ref {
  const state = new Uint32Array(4);
  const next = () => {
    const [a, b, c, d] = state as unknown as [number, number, number, number];
    const t = (((a + b) >>> 0) + d) >>> 0;
    state[3] = d + 1;
    state[0] = b ^ (b >>> 9);
    state[1] = c + (c << 3);
    state[2] = ((c << 21) | (c >>> 11)) + t;
    return t / 4294967296;
  };
  const fn = fakerMethod(fakerWith(spec.locale, next), spec.method)!;
  return (v) => {
    const h = refHmac(key, `fake:${spec.domain}`, String(v));
    const view = new DataView(h.buffer, h.byteOffset, 16);
    for (let i = 0; i < 4; i++) state[i] = view.getUint32(i * 4);
    for (let i = 0; i < 12; i++) next();
    const out = fn();
    return typeof out === "string" || typeof out === "number" || typeof out === "boolean"
      ? out
      : String(out);
  };
}

function refMasker(spec: RuleSpec, key: string, integerColumn = false): Ref {
  const m = refBuild(spec, key, integerColumn);
  return (v, row) => (v === null || v === undefined || v === "" ? v : m(v, row));
}

function refBuild(spec: RuleSpec, key: string, integerColumn: boolean): Ref {
  if ("keep" in spec) return (v) => v;
  if ("redact" in spec) return () => spec.redact.with;
  if ("hash" in spec) {
    const { length, preserve, domain } = spec.hash;
    if (spec.hash.integer ?? (integerColumn && !preserve)) return refIntegerHash(key, domain);
    if (preserve) return (v) => refShape(key, `hash:${domain}`, String(v));
    return (v) => refHex(refHmac(key, `hash:${domain}`, String(v))).slice(0, length);
  }
  if ("fake" in spec) return refFake(spec.fake, key);
  if ("email" in spec) {
    const { domain, hashDomain } = spec.email;
    return (v) => {
      const text = String(v);
      const at = text.lastIndexOf("@");
      if (at < 1) return refShape(key, "email", text);
      const local = text.slice(0, at), host = text.slice(at + 1);
      const newLocal = refShape(key, "email", local, 0, text);
      let newHost = host;
      if (domain !== undefined) newHost = domain;
      else if (hashDomain) {
        const labels = host.split(".");
        const tld = labels.pop()!;
        newHost = [...labels.map((l) => refShape(key, "email-domain", l)), tld].join(".");
      }
      return `${newLocal}@${newHost}`;
    };
  }
  if ("phone" in spec) return (v) => refShape(key, "phone", String(v), spec.phone.keep);
  if ("postal" in spec) return (v) => refShape(key, "postal", String(v), spec.postal.keep);
  if ("shift_dates" in spec) {
    const { days, by } = spec.shift_dates;
    return (v, row) => {
      const basis = by === undefined ? String(v) : String(row.get(by) ?? "");
      return refShiftDate(String(v), refOffset(key, basis, days));
    };
  }
  const g = spec.generalise;
  if (g.bucket !== undefined || g.date !== undefined) throw new Error("unchanged rule");
  const keep = g.prefix ?? 0;
  return (v) => {
    const chars = [...String(v)];
    return chars.map((c, i) => (i < keep || !/[\p{L}\p{N}]/u.test(c) ? c : "*")).join("");
  };
}

function refCsvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

// ---- the values ----

const HOSTILE = [
  "",
  " ",
  "a",
  "Z",
  "0",
  "9",
  "@",
  "a@",
  "@b",
  "a@b",
  "ada.lovelace@example.com",
  "first.last+tag@sub.mail.example.co.uk",
  "weird@@double@at.org",
  "ümlaut@bücher.de",
  "+1 (415) 555-0100",
  "SW1A 1AA",
  "12345-6789",
  'quote"inside',
  '""',
  "comma,inside",
  "line\nbreak",
  "cr\rlf\r\n",
  "\ttab",
  "trailing ",
  " leading",
  "\u00a0nbsp",
  "nbsp\u00a0",
  "\u2028sep",
  "\ufeffbom",
  "back\\slash",
  "\0nul\0",
  "\ud800",
  "x\udc00y",
  "\ud83d",
  "\ude00",
  "😀",
  "a😀b1",
  "𝟘𝟙 math digits",
  "١٢٣ arabic digits",
  "Ⅻ roman",
  "日本語テキスト123",
  "Ελληνικά",
  "é".repeat(70),
  "x".repeat(1000),
  "A1b2C3".repeat(40),
  "-0",
  "NaN",
  "Infinity",
  "1e308",
  "-12.5",
  "0007",
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ..."abcxyzABCXYZ0123456789@.-+_ ,\"'\t\n\r",
  "é",
  "ß",
  "Ж",
  "中",
  "😀",
  "\ud800",
  "\udfff",
  "\u00a0",
  "\u3000",
];

function randomValues(n: number, seed: number): string[] {
  const next = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(next() ** 2 * 90);
    let s = "";
    for (let j = 0; j < len; j++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
    out.push(s);
  }
  return out;
}

const VALUES = [...HOSTILE, ...randomValues(1500, 7)];

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function same(spec: RuleSpec, values: unknown[], row = { get: (_: string): unknown => null }) {
  const mine = maskerFor(spec, KEY), ref = refMasker(spec, KEY);
  for (const v of values) {
    assert.deepEqual(
      outcome(() => mine(v, row)),
      outcome(() => ref(v, row)),
      `${JSON.stringify(spec)} of ${JSON.stringify(v)}`,
    );
  }
}

Deno.test("mask rules give what they gave before the speed work (hash, shape, email, prefix)", () => {
  const specs: RuleSpec[] = [
    { hash: { length: 64, preserve: false, domain: "default" } },
    { hash: { length: 16, preserve: false, domain: "default" } },
    { hash: { length: 9, preserve: false, domain: "ids" } },
    { hash: { length: 8, preserve: true, domain: "default" } },
    { email: { hashDomain: false } },
    { email: { hashDomain: true } },
    { email: { domain: "example.org", hashDomain: false } },
    { phone: { keep: 0 } },
    { phone: { keep: 2 } },
    { postal: { keep: 3 } },
    { generalise: { prefix: 0 } },
    { generalise: { prefix: 1 } },
    { generalise: { prefix: 4 } },
  ];
  for (const spec of specs) same(spec, VALUES);
});

Deno.test("mask's fake rule draws the same values as before", () => {
  for (const method of ["person.firstName", "location.city", "number.int", "datatype.boolean"]) {
    same({ fake: { method, locale: "de", domain: method } }, VALUES.slice(0, 400));
  }
});

Deno.test("mask's shift_dates moves every date as Date did (edges, bad dates, by)", () => {
  const dates: string[] = [];
  const suffixes = ["", "T12:34:56Z", " 10:00", "T00:00:00.000+02:00\n"];
  const step = (y: number) => `${String(y).padStart(4, "0")}`;
  for (let y = 1895; y <= 2105; y++) {
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= 31; d++) {
        dates.push(`${step(y)}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
      }
    }
  }
  for (const y of [0, 1, 50, 99, 100, 101, 399, 400, 999, 1000, 1600, 1700, 2000, 9998, 9999]) {
    for (const md of ["01-01", "01-15", "02-28", "02-29", "02-30", "03-01", "12-31", "12-15"]) {
      for (const s of suffixes) dates.push(`${step(y)}-${md}${s}`);
    }
  }
  dates.push(
    "2024-00-10",
    "2024-13-01",
    "2024-01-00",
    "2024-01-32",
    "2024-1-01",
    "20240101",
    "2024-01-0x",
    "x2024-01-01",
    "２０２４-01-01",
    "2024-01-01",
    "2024/01/01",
    "9999-12-31T23:59:59Z",
    "0000-01-01",
  );
  for (const days of [1, 30, 400, 3650, 2 ** 32 + 5]) {
    same({ shift_dates: { days } }, dates.filter((_, i) => i % (days === 30 ? 1 : 7) === 0));
  }
  const ids = ["1", "2", "", "😀", "42"];
  for (const id of ids) {
    same({ shift_dates: { days: 30, by: "id" } }, dates.filter((_, i) => i % 97 === 0), {
      get: (c) => (c === "id" ? id : null),
    });
  }
  // Many bases through the bounded offset table: colliding slots never mix offsets.
  const mine = maskerFor({ shift_dates: { days: 30, by: "id" } }, KEY);
  const ref = refMasker({ shift_dates: { days: 30, by: "id" } }, KEY);
  for (let i = 0; i < 200_000; i += 1 + (i % 3)) {
    const row = { get: () => String(i % 70_001) };
    assert.equal(mine("2001-02-03", row), ref("2001-02-03", row));
  }
});

Deno.test("mask's integer hash maps numbers, texts and bigints as before", () => {
  const mine = maskerFor({ hash: { length: 64, preserve: false, domain: "k" } }, KEY, true);
  const ref = refMasker({ hash: { length: 64, preserve: false, domain: "k" } }, KEY, true);
  const values: unknown[] = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31 - 1), 2 ** 31, -(2 ** 31)];
  values.push(2 ** 53 - 1, 12.5, NaN, Infinity, 0n, 5n, -(2n ** 40n), 2n ** 63n - 1n, 2n ** 63n);
  values.push("0", "-0", "+0", " 7 ", "+42", "-42", "0007", "2147483647", "2147483648");
  values.push("-2147483647", "-2147483648", "9223372036854775807", "9223372036854775808");
  values.push("12.5", "1e3", "", "abc", " ", "٣", true, null);
  const next = rng(3);
  for (let i = 0; i < 3000; i++) {
    const n = Math.floor(next() * 2 ** 31) * (next() < 0.3 ? -1 : 1);
    values.push(n, String(n));
  }
  for (const v of values) {
    assert.deepEqual(
      outcome(() => mine(v, { get: () => null })),
      outcome(() =>
        ref(v, {
          get: () => null,
        })
      ),
      String(v),
    );
  }
});

Deno.test("mask's CSV cells are the bytes they were (quoting, edge spaces, UTF-8)", () => {
  const enc = new TextEncoder();
  for (const batch of [HOSTILE, ...[1, 2, 3].map((s) => randomValues(2000, s))]) {
    const w = new ByteWriter(16);
    for (const v of batch) {
      writeCsvCell(w, v);
      w.byte(44);
    }
    const want = enc.encode(batch.map((v) => refCsvCell(v) + ",").join(""));
    assert.deepEqual(w.take(), want);
  }
});

Deno.test("mask rules that remember recent images give the same image on every repeat", () => {
  const next = rng(11);
  const pool = randomValues(300, 5);
  const repeats = Array.from({ length: 5000 }, () => pool[Math.floor(next() * pool.length)]!);
  for (let i = 0; i < 70_000; i += 7) repeats.push(String(i), String(i % 1000));
  same({ hash: { length: 16, preserve: false, domain: "default" } }, repeats);
  same({ hash: { length: 64, preserve: true, domain: "default" } }, repeats.slice(0, 3000));
  same({ fake: { method: "person.lastName", locale: "en", domain: "n" } }, repeats.slice(0, 3000));
});
