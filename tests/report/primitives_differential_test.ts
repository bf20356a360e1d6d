/**
 * Differential test of the report's hot primitives: the shipped
 * StreamingHistogram (dense bins), SpaceSaving (typed open-addressing
 * table), isoInstant and ColumnStats (kind bits) against the implementations
 * they replaced, kept here as the reference, on hostile and random values in
 * many orders and batch sizes. Results must be identical, byte for byte.
 */
import assert from "node:assert/strict";
import { hash32, HyperLogLog } from "../../core/report/hyperloglog.ts";
import { SpaceSaving } from "../../core/report/top_values.ts";
import { StreamingHistogram } from "../../core/report/histogram.ts";
import { isoInstant } from "../../core/report/iso_instant.ts";
import {
  type ColumnKind,
  type ColumnReport,
  ColumnStats,
  DAY_CAP,
  EXACT_DISTINCT_CAP,
  TOP_LISTED,
  TOP_SLOTS,
} from "../../core/report/column_stats.ts";

// ---- The reference: the report's primitives before they were made faster. ----

class RefHistogram {
  #bins = new Map<number, number>();
  #width = 2 ** -20;
  #lo = Infinity;
  #hi = -Infinity;
  constructor(readonly maxBins = 64) {}
  add(v: number): void {
    if (!Number.isFinite(v)) return;
    const k = Math.floor(v / this.#width);
    this.#bins.set(k, (this.#bins.get(k) ?? 0) + 1);
    if (k < this.#lo) this.#lo = k;
    if (k > this.#hi) this.#hi = k;
    while (this.#hi - this.#lo + 1 > this.maxBins) this.#double();
  }
  #double(): void {
    const next = new Map<number, number>();
    for (const [k, n] of this.#bins) {
      const j = Math.floor(k / 2);
      next.set(j, (next.get(j) ?? 0) + n);
    }
    this.#bins = next;
    this.#width *= 2;
    this.#lo = Math.floor(this.#lo / 2);
    this.#hi = Math.floor(this.#hi / 2);
  }
  result(minWidth = 0): { start: number; width: number; counts: number[] } | undefined {
    if (this.#bins.size === 0) return undefined;
    while (this.#width < minWidth) this.#double();
    const counts: number[] = [];
    for (let k = this.#lo; k <= this.#hi; k++) counts.push(this.#bins.get(k) ?? 0);
    return { start: this.#lo * this.#width, width: this.#width, counts };
  }
}

class RefSpaceSaving {
  #counts = new Map<number, number>();
  #names = new Map<number, string>();
  #floor = 0;
  constructor(readonly slots: number) {}
  add(value: string, n = 1, hash: number = hash32(value)): void {
    const key = hash | 0;
    const c = this.#counts.get(key);
    if (c !== undefined) {
      this.#counts.set(key, c + n);
      return;
    }
    this.#counts.set(key, this.#floor + n);
    this.#names.set(key, value);
    if (this.#counts.size >= 4 * this.slots) this.#evict();
  }
  #evict(): void {
    const byCount = new Map<number, number>();
    for (const c of this.#counts.values()) byCount.set(c, (byCount.get(c) ?? 0) + 1);
    const desc = [...byCount.keys()].sort((a, b) => b - a);
    let kept = 0;
    let threshold = 0;
    for (const c of desc) {
      kept += byCount.get(c)!;
      threshold = c;
      if (kept >= this.slots) break;
    }
    const counts = new Map<number, number>();
    const names = new Map<number, string>();
    let room = this.slots - (kept - byCount.get(threshold)!);
    for (const [k, c] of this.#counts) {
      if (c > threshold || (c === threshold && room-- > 0)) {
        counts.set(k, c);
        names.set(k, this.#names.get(k)!);
      } else if (c > this.#floor) this.#floor = c;
    }
    this.#counts = counts;
    this.#names = names;
  }
  top(n: number): { value: string; count: number }[] {
    return [...this.#counts].map(([k, count]) => ({ value: this.#names.get(k)!, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, n);
  }
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function refInstant(v: string): number {
  return ISO_DATE.test(v) ? Date.parse(v.length === 10 ? v + "T00:00:00Z" : v) : NaN;
}

const KEY_MAX = 200;

const DAY_MS = 86_400_000;

/** main's ColumnStats, on the reference primitives. */
class RefColumnStats {
  #count = 0;
  #nulls = 0;
  #kinds = new Set<ColumnKind>();
  // Numbers.
  #numbers = 0;
  #sum = 0;
  #comp = 0;
  #min = Infinity;
  #max = -Infinity;
  #numHist = new RefHistogram();
  #integers = true;
  // Dates.
  #dates = 0;
  #dmin = Infinity;
  #dmax = -Infinity;
  #dminText = "";
  #dmaxText = "";
  #dateHist = new RefHistogram();
  #days: Map<number, number> | undefined = new Map();
  // Strings.
  #strings = 0;
  #lenSum = 0;
  #lenMin = Infinity;
  #lenMax = 0;
  // Distinct and top.
  #exact: Map<string, number> | undefined = new Map();
  #hll: HyperLogLog | undefined;
  #top: RefSpaceSaving | undefined;

  /** @param name The column. */
  constructor(readonly name: string) {}

  /**
   * Counts one value.
   *
   * @param v The value (null and undefined are nulls).
   */
  add(v: unknown): void {
    this.#count++;
    if (v === null || v === undefined) {
      this.#nulls++;
      return;
    }
    let key: string;
    if (typeof v === "number" || typeof v === "bigint") {
      const n = Number(v);
      this.#kinds.add("number");
      key = String(v);
      if (Number.isFinite(n)) {
        this.#numbers++;
        if (!Number.isInteger(n)) this.#integers = false;
        // Kahan summation: the mean of a million prices stays exact to the cent.
        const y = n - this.#comp;
        const t = this.#sum + y;
        this.#comp = (t - this.#sum) - y;
        this.#sum = t;
        if (n < this.#min) this.#min = n;
        if (n > this.#max) this.#max = n;
        this.#numHist.add(n);
      }
    } else if (typeof v === "boolean") {
      this.#kinds.add("boolean");
      key = v ? "true" : "false";
    } else if (typeof v === "string") {
      key = v;
      const t = ISO_DATE.test(v) ? Date.parse(v.length === 10 ? v + "T00:00:00Z" : v) : NaN;
      if (!Number.isNaN(t)) {
        this.#kinds.add("date");
        this.#addDate(t, v);
      } else {
        this.#kinds.add("string");
      }
      this.#strings++;
      this.#lenSum += v.length;
      if (v.length < this.#lenMin) this.#lenMin = v.length;
      if (v.length > this.#lenMax) this.#lenMax = v.length;
    } else {
      this.#kinds.add("json");
      key = v instanceof Date ? v.toISOString() : JSON.stringify(v) ?? String(v);
    }
    this.#count_(key.length > KEY_MAX ? `${key.slice(0, KEY_MAX)}…#${hash32(key)}` : key);
  }

  #addDate(t: number, text: string): void {
    this.#dates++;
    if (t < this.#dmin) {
      this.#dmin = t;
      this.#dminText = text;
    }
    if (t > this.#dmax) {
      this.#dmax = t;
      this.#dmaxText = text;
    }
    this.#dateHist.add(t);
    if (this.#days) {
      const d = Math.floor(t / DAY_MS);
      this.#days.set(d, (this.#days.get(d) ?? 0) + 1);
      if (this.#days.size > DAY_CAP) this.#days = undefined;
    }
  }

  #count_(key: string): void {
    if (this.#exact) {
      this.#exact.set(key, (this.#exact.get(key) ?? 0) + 1);
      if (this.#exact.size <= EXACT_DISTINCT_CAP) return;
      // Past the cap: estimate from here on, seeded with everything seen so far.
      this.#hll = new HyperLogLog();
      this.#top = new RefSpaceSaving(TOP_SLOTS);
      const heaviest = [...this.#exact].sort((a, b) => b[1] - a[1]);
      for (const [k] of heaviest) this.#hll.add(k);
      for (const [k, n] of heaviest.slice(0, TOP_SLOTS)) this.#top.add(k, n);
      this.#exact = undefined;
      return;
    }
    const h = hash32(key);
    this.#hll!.addHash(h);
    this.#top!.add(key, 1, h);
  }

  /** @returns The column's report. */
  result(): ColumnReport {
    const kinds = [...this.#kinds];
    const kind: ColumnKind = kinds.length === 0
      ? "empty"
      : kinds.length === 1
      ? kinds[0]!
      : "mixed";
    const out: ColumnReport = {
      name: this.name,
      kind,
      count: this.#count,
      nulls: this.#nulls,
      null_rate: this.#count ? this.#nulls / this.#count : 0,
      distinct: this.#exact
        ? { value: this.#exact.size, exact: true }
        : { value: this.#hll!.estimate(), exact: false, standard_error: this.#hll!.standardError },
      top: this.#exact
        ? {
          values: [...this.#exact].map(([value, count]) => ({ value, count }))
            .sort((a, b) =>
              b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
            )
            .slice(0, TOP_LISTED),
          exact: true,
        }
        : { values: this.#top!.top(TOP_LISTED), exact: false },
    };
    if (kind === "number" && this.#numbers > 0) {
      out.min = this.#min;
      out.max = this.#max;
      out.mean = this.#sum / this.#numbers;
      // Whole numbers get bins at least 1 wide (no empty bins between 1 and 2).
      const h = this.#numHist.result(this.#integers ? 1 : 0);
      if (h) out.histogram = h;
    }
    if (kind === "date" && this.#dates > 0) {
      out.min = this.#dminText;
      out.max = this.#dmaxText;
      const h = this.#dateHist.result();
      if (h) out.histogram = h;
      if (this.#days) {
        const days = [...this.#days].sort((a, b) => a[0] - b[0]);
        out.per_day = days.map(([d, count]) => ({ day: isoDay(d), count }));
        const weeks = new Map<number, number>();
        for (const [d, n] of days) {
          // Day 0 (1970-01-01) was a Thursday: Monday-based weeks start 3 days earlier.
          const w = d - ((d + 3) % 7 + 7) % 7;
          weeks.set(w, (weeks.get(w) ?? 0) + n);
        }
        out.per_week = [...weeks].map(([w, count]) => ({ week: isoDay(w), count }));
      }
    }
    if ((kind === "string" || kind === "mixed") && this.#strings > 0) {
      out.length = { min: this.#lenMin, max: this.#lenMax, mean: this.#lenSum / this.#strings };
    }
    return out;
  }
}

function isoDay(d: number): string {
  return new Date(d * DAY_MS).toISOString().slice(0, 10);
}

// ---- Values. ----

/** A seeded generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_TEXTS = [
  "",
  " ",
  '"quoted"',
  "back\\slash",
  "line\nbreak\r\n",
  "\u0000\u0001\u001f\u007f",
  "\ud800",
  "\udc00x",
  "😀",
  "𝄞 non-BMP",
  "é".repeat(3),
  "x".repeat(500),
  "😀".repeat(150),
  "2024-02-29",
  "2023-02-29",
  "2024-02-30",
  "2024-13-01",
  "2024-00-10",
  "0000-01-01",
  "9999-12-31",
  "1969-12-31T23:59:59Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T23:60:00Z",
  "2024-01-01T23:59:60Z",
  "2024-01-01T10:00:00z",
  "2024-01-01t10:00:00Z",
  "2024-01-01 10:00:00Z",
  "2024-01-01T10:00",
  "2024-01-01T10:00:00",
  "2024-01-01T10:00:00.5Z",
  "2024-01-01T10:00:00.123Z",
  "2024-01-01T10:00:00.123456Z",
  "2024-01-01T10:00:00+01:00",
  "2024-01-01T10:00:00-0530",
  "2024-01-01T10:00:00.123+01:00",
  "2024-01-01X10:00:00Z",
  "2024-01-01T10-00-00Z",
  "2024/01/01",
  "２０２４-01-01",
  "٢٠٢٤-٠١-٠١",
  "2024-1-01",
  "+02024-01-01",
  "-2024-01-01",
  "abcd-ef-gh",
  "2024-01-01T10:00:00.12aZ",
  "2024-01-01T1a:00:00Z",
  "true",
  "null",
  "1e5",
];

const HOSTILE: unknown[] = [
  ...HOSTILE_TEXTS,
  null,
  undefined,
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  1e300,
  -1e300,
  5e-324,
  -5e-324,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 60),
  0.1,
  1 / 3,
  -123.456,
  10n,
  -(2n ** 70n),
  2n ** 1100n,
  true,
  false,
  { a: 1, "b\n": [1, "x", null] },
  [1, [2, [3]]],
  [],
  {},
  new Date(0),
  new Date(Date.UTC(2024, 1, 29, 12)),
];

/** A random value of a kind: numbers, dates, date-times, texts or anything. */
function valueOf(next: () => number, kind: number, spread: number): unknown {
  const i = Math.floor(next() * spread);
  switch (kind) {
    case 0:
      return i;
    case 1:
      return Math.round((next() - 0.3) * spread * 100) / 100;
    case 2:
      return new Date(Date.UTC(1900, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    case 3:
      // With milliseconds, without (".000Z" → "Z") and with a space for the T.
      return new Date(Date.UTC(2020, 0, 1) + i * 997_000 + (next() < 0.5 ? 123 : 0))
        .toISOString().replace(".000Z", "Z").replace("T", next() < 0.1 ? " " : "T");
    case 4:
      return `user-${i}@example.com`;
    default:
      return next() < 0.3 ? HOSTILE[i % HOSTILE.length] : valueOf(next, i % 5, spread);
  }
}

// ---- Tests. ----

Deno.test("isoInstant gives what the pattern and Date.parse give", () => {
  const p2 = (x: number) => String(x).padStart(2, "0");
  for (const v of HOSTILE_TEXTS) assert.ok(Object.is(isoInstant(v), refInstant(v)), v);
  for (let y = 0; y <= 9999; y += y < 1890 ? 97 : y < 2110 ? 1 : 89) {
    for (let m = 0; m <= 13; m++) {
      for (const d of [0, 1, 9, 28, 29, 30, 31, 32, 99]) {
        const day = `${String(y).padStart(4, "0")}-${p2(m)}-${p2(d)}`;
        for (
          const v of [
            day,
            `${day}T00:00:00Z`,
            `${day}T23:59:59Z`,
            `${day}T24:00:00Z`,
            `${day}T07:60:09Z`,
            `${day}T07:08:61Z`,
            `${day}T07:08:09.000Z`,
            `${day}T07:08:09.999Z`,
            `${day} 07:08:09Z`,
            `${day}T07:08:09+01:00`,
            `${day}T07:08Z`,
          ]
        ) {
          assert.ok(Object.is(isoInstant(v), refInstant(v)), v);
        }
      }
    }
  }
});

Deno.test("StreamingHistogram bins like the Map-based one, whatever the values and order", () => {
  const next = random(7);
  const streams: number[][] = [
    [],
    [0, -0, 5e-324, -5e-324, 1e-300, 1e300, -1e300, NaN, Infinity, 0.5],
    Array.from({ length: 5000 }, (_, i) => i + 1),
    Array.from({ length: 5000 }, (_, i) => 5000 - i),
    Array.from({ length: 5000 }, () => (next() - 0.5) * 1e6),
    Array.from({ length: 5000 }, () => Math.round(next() * 10_000 * 100) / 100),
    Array.from({ length: 5000 }, () => Date.UTC(1935, 0, 1) + Math.floor(next() * 2.3e12)),
    Array.from({ length: 5000 }, () => next() < 0.01 ? (next() - 0.5) * 1e12 : next()),
    Array.from({ length: 5000 }, () => 2 ** Math.floor(next() * 120 - 60) * (next() - 0.5)),
    Array.from({ length: 3000 }, (_, i) => i % 3 === 0 ? 2 ** 60 + i * 2 ** 10 : i),
  ];
  for (const values of streams) {
    for (const bins of [2, 3, 8, 64]) {
      for (const minWidth of [0, 1, 2 ** 10]) {
        const a = new StreamingHistogram(bins);
        const b = new RefHistogram(bins);
        for (const v of values) {
          a.add(v);
          b.add(v);
        }
        const ra = a.result(minWidth);
        const rb = b.result(minWidth);
        assert.deepStrictEqual(ra, rb, `${bins} bins, ${values.length} values`);
        assert.ok(Object.is(ra?.start, rb?.start));
      }
    }
  }
});

Deno.test("SpaceSaving evicts and lists like the Map-based one", () => {
  for (const slots of [0, 1, 2, 5, 50, 200]) {
    for (const seed of [1, 2, 3]) {
      const next = random(seed * 100 + slots);
      const a = new SpaceSaving(slots);
      const b = new RefSpaceSaving(slots);
      for (let i = 0; i < 20_000; i++) {
        const r = next();
        // Skewed heavy hitters among many singletons; sometimes weighted; sometimes colliding hashes.
        const value = r < 0.4 ? `h${Math.floor(-Math.log(next()) * 5)}` : `s${i}`;
        const n = next() < 0.05 ? 1 + Math.floor(next() * 50) : 1;
        if (seed === 3) {
          const hash = hash32(value) & 0x3ff;
          a.add(value, n, hash);
          b.add(value, n, hash);
        } else {
          a.add(value, n);
          b.add(value, n);
        }
        if (i % 997 === 0) assert.deepStrictEqual(a.top(10), b.top(10));
      }
      for (const n of [0, 1, 10, 1000]) assert.deepStrictEqual(a.top(n), b.top(n));
    }
  }
});

Deno.test("ColumnStats reports like main's on hostile and random columns", () => {
  const columns: unknown[][] = [
    HOSTILE,
    [...HOSTILE].reverse(),
    Array.from({ length: 40 }, (_, i) => HOSTILE[(i * 7) % HOSTILE.length]),
  ];
  for (let kind = 0; kind <= 5; kind++) {
    const sizes: [number, number][] = [[2_000, 50], [30_000, 30_000], [30_000, 25_000]];
    for (const [length, spread] of sizes) {
      const next = random(kind * 31 + length + spread);
      columns.push(Array.from({ length }, () => valueOf(next, kind, spread)));
    }
  }
  for (const values of columns) {
    const a = new ColumnStats("c");
    const b = new RefColumnStats("c");
    for (const v of values) {
      a.add(v);
      b.add(v);
    }
    assert.strictEqual(JSON.stringify(a.result()), JSON.stringify(b.result()));
  }
});
