/**
 * Timelines: an entity's rows spread over the scenario's period by a daily
 * rate shaped by weekly and monthly profiles, a trend and bursts. Per-day
 * counts and their prefix sums are computed once (one number per day), so
 * row *i*'s day and instant are found by binary search, without generating
 * the rows before it.
 *
 * @module
 */
import type { TimelineSpec } from "./scenario_schema.ts";
import type { TimelineInfo } from "./types.ts";
import { hashKey, Random, unitAt } from "./random.ts";
import { groupOf, prefixSums } from "./prefix_sums.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Intraday profiles, 24 hourly weights each. */
const INTRADAY: Record<string, number[]> = {
  flat: new Array(24).fill(1),
  // Working hours carry most of the traffic, with a lunch dip.
  business: [
    0.1,
    0.05,
    0.05,
    0.05,
    0.05,
    0.1,
    0.3,
    0.7,
    1.4,
    2,
    2.2,
    2.1,
    1.6,
    1.9,
    2.1,
    2,
    1.7,
    1.2,
    0.8,
    0.6,
    0.5,
    0.4,
    0.3,
    0.2,
  ],
  evening: [
    0.3,
    0.2,
    0.1,
    0.1,
    0.1,
    0.1,
    0.2,
    0.4,
    0.6,
    0.7,
    0.8,
    0.9,
    1,
    1,
    1,
    1.1,
    1.2,
    1.5,
    1.9,
    2.3,
    2.4,
    2.1,
    1.5,
    0.8,
  ],
};

/** A timeline, resolved: per-day counts and what generators read from it. */
export interface Timeline extends TimelineInfo {
  /** Total rows. */
  readonly count: number;
  /** Rows per day (for reports and tests). */
  readonly perDay: Float64Array;
  /** The configured daily rate before noise (profiles, trend, bursts), for reports. */
  readonly expected: Float64Array;
}

/**
 * Resolves a timeline over a period.
 *
 * @param spec The entity's timeline.
 * @param period The first and last day, inclusive (`YYYY-MM-DD`).
 * @param seedKey The scenario's seed key.
 * @param entity The entity's name (keys the day-to-day noise).
 * @param scale Multiplies the rate (`--multiplier`).
 * @param exact When set, the total row count (`--count`), spread by the same profile.
 * @returns The timeline.
 * @example
 * ```ts
 * import { resolveTimeline } from "./timeline.ts";
 * const t = resolveTimeline({ per_day: 50, weekly: [1, 1, 1, 1, 1, 0.3, 0.2] },
 *   { from: "2024-01-01", to: "2024-01-31" }, 1, "orders", 1);
 * new Date(t.timeAt(0)).toISOString(); // an instant on 2024-01-01
 * ```
 */
export function resolveTimeline(
  spec: TimelineSpec,
  period: { from: string; to: string },
  seedKey: number,
  entity: string,
  scale: number,
  exact?: number,
): Timeline {
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${period.to}T00:00:00Z`) - from) / DAY_MS) + 1;
  const rate = spec.per_day ??
    (spec.per_week !== undefined ? spec.per_week / 7 : spec.per_month! / 30);
  const weekly = normalise(spec.weekly ?? [1, 1, 1, 1, 1, 1, 1]);
  const monthly = normalise(spec.monthly ?? new Array(12).fill(1));
  const noise = spec.noise ?? 0.1;
  const bursts = (spec.bursts ?? []).map((b) => ({
    from: Math.round((Date.parse(`${b.from}T00:00:00Z`) - from) / DAY_MS),
    to: Math.round((Date.parse(`${b.to}T00:00:00Z`) - from) / DAY_MS),
    multiplier: b.multiplier,
  }));
  const start = new Date(from);
  const expected = new Float64Array(days);
  const weight = new Float64Array(days);
  const random = new Random();
  const noiseKey = hashKey(seedKey, entity, "timeline-noise");
  let total = 0;
  for (let d = 0; d < days; d++) {
    const date = new Date(from + d * DAY_MS);
    const dow = (date.getUTCDay() + 6) % 7; // Monday = 0
    const months = (date.getUTCFullYear() - start.getUTCFullYear()) * 12 +
      date.getUTCMonth() - start.getUTCMonth() + (date.getUTCDate() - 1) / 30;
    let lambda = rate * scale * weekly[dow]! * monthly[date.getUTCMonth()]! *
      Math.pow(1 + (spec.trend ?? 0), months);
    for (const b of bursts) if (d >= b.from && d <= b.to) lambda *= b.multiplier;
    expected[d] = lambda;
    total += lambda;
    random.reseed(noiseKey, d);
    weight[d] = lambda * Math.exp(noise * random.normal() - noise * noise / 2);
  }
  const count = exact ?? Math.round(total);
  const perDay = apportion(weight, count);
  const prefix = prefixSums(perDay);

  const hours = Array.isArray(spec.intraday)
    ? spec.intraday
    : INTRADAY[spec.intraday ?? "business"]!;
  const sum = hours.reduce((a, b) => a + b, 0);
  const cdf = new Float64Array(25);
  for (let h = 0; h < 24; h++) cdf[h + 1] = cdf[h]! + hours[h]! / sum;
  const jitterKey = hashKey(seedKey, entity, "timeline-jitter");

  const dayOf = (i: number) => groupOf(prefix, i);
  return {
    count,
    perDay,
    expected,
    from: new Date(from),
    to: new Date(from + days * DAY_MS),
    dayOf,
    timeAt(i) {
      const d = dayOf(i);
      const n = perDay[d]!;
      // Row k of the day's n rows falls in the k-th n-quantile of the
      // intraday profile, jittered inside it: random access, yet the
      // timestamps never go backwards.
      const u = (i - prefix[d]! + unitAt(jitterKey, i)) / n;
      let h = 0;
      while (h < 23 && cdf[h + 1]! <= u) h++;
      const within = (u - cdf[h]!) / (cdf[h + 1]! - cdf[h]!);
      return from + d * DAY_MS + Math.floor((h + Math.min(within, 0.999999)) * HOUR_MS);
    },
  };
}

function normalise(w: readonly number[]): number[] {
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.map((x) => x / mean);
}

/** Splits `total` into whole parts proportional to `weights` (largest remainder). */
function apportion(weights: Float64Array, total: number): Float64Array {
  const out = new Float64Array(weights.length);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return out;
  const rest: { d: number; r: number }[] = [];
  let given = 0;
  for (let d = 0; d < weights.length; d++) {
    const exact = (weights[d]! / sum) * total;
    out[d] = Math.floor(exact);
    given += out[d]!;
    rest.push({ d, r: exact - out[d]! });
  }
  rest.sort((a, b) => b.r - a.r || a.d - b.d);
  for (let k = 0; given < total; k++, given++) {
    const d = rest[k]!.d;
    out[d] = out[d]! + 1;
  }
  return out;
}
