/**
 * Statistics of one column, gathered value by value with bounded memory:
 * exact counts, nulls, min/max/mean and per-day counts; distinct values and
 * value counts exact up to a cap, then estimated (HyperLogLog, Space-Saving);
 * fixed-bin histograms. See docs/report.md for the bounds.
 *
 * @module
 */
import { hash32, HyperLogLog } from "./hyperloglog.ts";
import { SpaceSaving, type ValueCount } from "./top_values.ts";
import { type HistogramData, StreamingHistogram } from "./histogram.ts";
import { isoInstant } from "./iso_instant.ts";

/** Distinct values counted exactly (with their counts) before estimating. */
export const EXACT_DISTINCT_CAP = 10_000;
/** Slots of the Space-Saving counter once a column passes the cap. */
export const TOP_SLOTS = 200;
/** Values listed in `top`. */
export const TOP_LISTED = 10;
/** Distinct days counted per date column; past it per-day counts are dropped. */
export const DAY_CAP = 20_000;
/** Longer values are keyed by a prefix and a hash (in distinct counts and top lists). */
const KEY_MAX = 200;

const DAY_MS = 86_400_000;

// The kinds a column has seen, as bits (no Set per value).
const K_NUMBER = 1;
const K_BOOLEAN = 2;
const K_DATE = 4;
const K_STRING = 8;
const K_JSON = 16;
const KIND_NAMES: ColumnKind[] = ["number", "boolean", "date", "string", "json"];

/** What a column holds, from its non-null values. */
export type ColumnKind = "number" | "date" | "boolean" | "string" | "json" | "mixed" | "empty";

/** The report of one column. */
export interface ColumnReport {
  /** Column name. */
  name: string;
  /** What its non-null values are. */
  kind: ColumnKind;
  /** Values seen (rows). */
  count: number;
  /** Null (or missing) values. */
  nulls: number;
  /** nulls / count. */
  null_rate: number;
  /** Distinct non-null values: exact up to EXACT_DISTINCT_CAP, then a HyperLogLog estimate. */
  distinct: { value: number; exact: boolean; standard_error?: number };
  /** Numbers: smallest; dates: earliest (ISO). */
  min?: number | string;
  /** Numbers: largest; dates: latest (ISO). */
  max?: number | string;
  /** Numbers: mean. */
  mean?: number;
  /** Strings: length of the shortest, longest, and the mean length. */
  length?: { min: number; max: number; mean: number };
  /** Most frequent values: exact while distinct values stay under the cap. */
  top: { values: ValueCount[]; exact: boolean };
  /** Numbers (value) and dates (epoch ms): fixed power-of-two-width bins. */
  histogram?: HistogramData;
  /** Dates: rows per UTC day, sorted; absent past DAY_CAP distinct days. */
  per_day?: { day: string; count: number }[];
  /** Dates: rows per ISO week (Monday), sorted. */
  per_week?: { week: string; count: number }[];
}

/**
 * Collects one column's statistics.
 *
 * @example
 * ```ts
 * import { ColumnStats } from "./column_stats.ts";
 * const s = new ColumnStats("price");
 * for (const v of [1, 2, null, 3]) s.add(v);
 * const r = s.result(); // r.nulls === 1, r.mean === 2, r.distinct.value === 3
 * ```
 */
export class ColumnStats {
  #count = 0;
  #nulls = 0;
  /** The kinds seen, as K_* bits. */
  #kinds = 0;
  // Numbers.
  #numbers = 0;
  #sum = 0;
  #comp = 0;
  #min = Infinity;
  #max = -Infinity;
  #numHist = new StreamingHistogram();
  #integers = true;
  // Dates.
  #dates = 0;
  #dmin = Infinity;
  #dmax = -Infinity;
  #dminText = "";
  #dmaxText = "";
  #dateHist = new StreamingHistogram();
  #days: Map<number, number> | undefined = new Map();
  // Strings.
  #strings = 0;
  #lenSum = 0;
  #lenMin = Infinity;
  #lenMax = 0;
  // Distinct and top.
  #exact: Map<string, number> | undefined = new Map();
  #hll: HyperLogLog | undefined;
  #top: SpaceSaving | undefined;

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
      this.#kinds |= K_NUMBER;
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
      this.#kinds |= K_BOOLEAN;
      key = v ? "true" : "false";
    } else if (typeof v === "string") {
      key = v;
      const t = isoInstant(v);
      if (!Number.isNaN(t)) {
        this.#kinds |= K_DATE;
        this.#addDate(t, v);
      } else {
        this.#kinds |= K_STRING;
      }
      this.#strings++;
      this.#lenSum += v.length;
      if (v.length < this.#lenMin) this.#lenMin = v.length;
      if (v.length > this.#lenMax) this.#lenMax = v.length;
    } else {
      this.#kinds |= K_JSON;
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
      this.#top = new SpaceSaving(TOP_SLOTS);
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
    const kinds = this.#kinds;
    const kind: ColumnKind = kinds === 0
      ? "empty"
      : (kinds & (kinds - 1)) === 0
      ? KIND_NAMES[31 - Math.clz32(kinds)]!
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
