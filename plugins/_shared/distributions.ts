/**
 * Probability distributions for the `integer` and `number` generators and
 * for `ref`: the option schemas, samplers that stay inside a range, and an
 * O(1)-memory Zipf sampler that also picks popular parents for foreign keys.
 *
 * Every sampler draws only from the {@linkcode Random} it is handed, so a
 * value stays a pure function of the row.
 *
 * @module
 */
import { z } from "zod";
import { PluginInputError } from "../../core/errors.ts";
import type { Random } from "../../core/random.ts";
import { didYouMean } from "../../core/did_you_mean.ts";

/** The distribution names, as written in the shorthand (`distribution: normal`). */
export const DISTRIBUTIONS = [
  "uniform",
  "normal",
  "lognormal",
  "exponential",
  "zipf",
  "poisson",
] as const;

/** One distribution's name. */
export type DistributionName = (typeof DISTRIBUTIONS)[number];

const positive = z.number().positive();

/** The default Zipf exponent. */
export const DEFAULT_ZIPF_S = 1;

/**
 * Options of a Zipf distribution: the exponent `s`, bare (`zipf: 1.1`) or as
 * `{ s: 1.1 }`.
 *
 * @example In a scenario
 * ```yaml
 * distribution: { zipf: 1.1 }
 * distribution: { zipf: { s: 1.1 } }
 * ```
 */
export const zipfOptions = z.union([
  positive.describe("The exponent s (> 0); larger is more skewed"),
  z.object({
    s: positive.default(DEFAULT_ZIPF_S).describe("The exponent s (> 0); larger is more skewed"),
  }).strict(),
]);

/**
 * A distribution written as a map with one key, `{ normal: { mean, sd } }`.
 * Every parameter has a default derived from the range.
 *
 * @example In a scenario
 * ```yaml
 * distribution: { normal: { mean: 40, sd: 12 } }
 * ```
 */
export const distributionMap = z.object({
  uniform: z.object({}).strict().optional().describe("Every value equally likely (the default)"),
  normal: z.object({
    mean: z.number().optional().describe("The mean (default: the middle of the range)"),
    sd: positive.optional().describe("The standard deviation (default: a sixth of the range)"),
  }).strict().optional().describe("Bell curve around a mean"),
  lognormal: z.object({
    mu: z.number().optional().describe(
      "Mean of the logarithm; e^mu is the median (default: a quarter into the range)",
    ),
    sigma: positive.optional().describe("Standard deviation of the logarithm (default 1)"),
  }).strict().optional().describe("Positive, right-skewed (prices, durations, amounts)"),
  exponential: z.object({
    rate: positive.optional().describe(
      "Events per unit; values are min + an exponential draw (default: mean a fifth of the range)",
    ),
  }).strict().optional().describe("Mostly near min, with a long tail"),
  zipf: zipfOptions.optional().describe(
    "Rank-frequency skew over the integers min..max: min is the most frequent",
  ),
  poisson: z.object({
    lambda: positive.optional().describe("The mean count (default: the middle of the range)"),
  }).strict().optional().describe("Counts of events with a mean of lambda"),
}).strict().refine((o) => Object.keys(o).length === 1, {
  message: `Expected exactly one distribution, e.g. { normal: { mean: 50, sd: 10 } }`,
});

/**
 * The `distribution` option: a name (`normal`, every parameter defaulted) or
 * a map with one key and its parameters.
 *
 * @example In a scenario
 * ```yaml
 * age:    { integer: { min: 18, max: 90, distribution: { normal: { mean: 42, sd: 15 } } } }
 * rank:   { integer: { min: 1, max: 1000, distribution: { zipf: 1.1 } } }
 * amount: { number: { min: 1, max: 5000, decimals: 2, distribution: lognormal } }
 * ```
 */
export const distributionOptions = z.union([
  // A plain string rather than an enum so that a misspelt name gets a
  // did-you-mean hint from resolveDistribution(); examples keep editors'
  // completion.
  z.string().meta({
    description: `A distribution name: ${DISTRIBUTIONS.join(", ")}`,
    examples: [...DISTRIBUTIONS],
  }),
  distributionMap,
]);

/** The `distribution` option as parsed. */
export type DistributionSpec = z.infer<typeof distributionOptions>;

/** A sampler that returns values within the range it was made for. */
export type RangeSampler = (random: Random) => number;

/** What a distribution is applied to. */
export interface RangeSpec {
  /** The smallest value allowed. */
  readonly min: number;
  /** The largest value allowed. */
  readonly max: number;
  /** Whether values must be integers (the `integer` generator). */
  readonly integer: boolean;
}

/** How many times an out-of-range draw is redrawn before it is clamped. */
export const RESAMPLES = 8;

/**
 * Splits a `distribution` option into its name and parameters, checking the
 * name.
 *
 * @param spec The option as parsed (undefined means uniform).
 * @returns The name and its parameters (an empty map when defaulted).
 * @throws {PluginInputError} For an unknown name, with a did-you-mean hint.
 * @example
 * ```ts
 * import { distributionParts } from "./distributions.ts";
 * distributionParts({ zipf: 1.1 }); // { name: "zipf", params: 1.1 }
 * ```
 */
export function distributionParts(
  spec: DistributionSpec | undefined,
): { name: DistributionName; params: unknown } {
  if (spec === undefined) return { name: "uniform", params: {} };
  if (typeof spec === "string") {
    if (!(DISTRIBUTIONS as readonly string[]).includes(spec)) {
      throw new PluginInputError(`Unknown distribution "${spec}"`, {
        expected: `one of ${DISTRIBUTIONS.join(", ")}`,
        hint: didYouMean(spec, DISTRIBUTIONS, "distributions"),
        path: ["distribution"],
      });
    }
    return { name: spec as DistributionName, params: {} };
  }
  const [name, params] = Object.entries(spec)[0]! as [DistributionName, unknown];
  return { name, params: params ?? {} };
}

/**
 * The Zipf exponent of a `zipf` option (`1.1` or `{ s: 1.1 }`).
 *
 * @param params The option's value.
 * @returns The exponent.
 * @example
 * ```ts
 * import { zipfExponent } from "./distributions.ts";
 * zipfExponent({ s: 2 }); // 2
 * ```
 */
export function zipfExponent(params: unknown): number {
  if (typeof params === "number") return params;
  const s = (params as { s?: number } | undefined)?.s;
  return s ?? DEFAULT_ZIPF_S;
}

/**
 * Makes a sampler for a distribution over `[min, max]`. Draws that fall
 * outside are redrawn up to {@linkcode RESAMPLES} times, then clamped.
 * Integer ranges round continuous draws to the nearest integer, except the
 * exponential one which is floored (a geometric distribution from min).
 * Zipf and Poisson always give integers.
 *
 * @param spec The `distribution` option (undefined: uniform).
 * @param range The range and whether values are integers.
 * @returns A sampler of values within the range.
 * @throws {PluginInputError} When the distribution cannot produce values in
 *   the range (a Zipf over a range with no integer, a lognormal below 0).
 * @example Ages around 40
 * ```ts
 * import { rangeSampler } from "./distributions.ts";
 * import { Random } from "../../core/random.ts";
 * const sample = rangeSampler({ normal: { mean: 40, sd: 10 } }, { min: 18, max: 90, integer: true });
 * const random = new Random();
 * random.reseed(1, 0);
 * const age = sample(random); // an integer in [18, 90]
 * ```
 */
export function rangeSampler(spec: DistributionSpec | undefined, range: RangeSpec): RangeSampler {
  const { min, max, integer } = range;
  const { name, params } = distributionParts(spec);
  const width = max - min;
  const p = params as Record<string, number | undefined>;
  switch (name) {
    case "uniform":
      return integer ? (r) => r.int(min, max) : width === 0 ? () => min : (r) => r.float(min, max);
    case "normal": {
      const mean = p.mean ?? (min + max) / 2;
      const sd = p.sd ?? (width > 0 ? width / 6 : 1);
      return bounded(
        range,
        integer ? (r) => Math.round(r.normal(mean, sd)) : (r) => r.normal(mean, sd),
      );
    }
    case "lognormal": {
      if (max <= 0) {
        throw new PluginInputError(
          `Cannot use a lognormal distribution between ${min} and ${max}: its values are above 0`,
          { hint: "raise max above 0, or use a normal distribution", path: ["distribution"] },
        );
      }
      const low = Math.max(min, 0);
      const mu = p.mu ?? Math.log(low + (max - low) / 4);
      const sigma = p.sigma ?? 1;
      const draw = (r: Random) => Math.exp(r.normal(mu, sigma));
      return bounded(range, integer ? (r) => Math.round(draw(r)) : draw);
    }
    case "exponential": {
      const rate = p.rate ?? (width > 0 ? 5 / width : 1);
      const draw = (r: Random) => -Math.log(1 - r.double()) / rate;
      return bounded(range, integer ? (r) => min + Math.floor(draw(r)) : (r) => min + draw(r));
    }
    case "poisson": {
      if (max < 0) {
        throw new PluginInputError(
          `Cannot use a Poisson distribution between ${min} and ${max}: its values are counts (0 or more)`,
          { hint: "raise max to 0 or more", path: ["distribution"] },
        );
      }
      const lambda = p.lambda ?? Math.max((Math.max(min, 0) + max) / 2, 1);
      const draw = poissonSampler(lambda);
      return bounded(range, draw);
    }
    case "zipf": {
      const lo = Math.ceil(min), hi = Math.floor(max);
      if (hi < lo) {
        throw new PluginInputError(
          `Cannot use a Zipf distribution between ${min} and ${max}: it ranks integers and the range holds none`,
          { hint: "widen the range to include at least one integer", path: ["distribution"] },
        );
      }
      const zipf = new ZipfSampler(hi - lo + 1, zipfExponent(params));
      return (r) => lo - 1 + zipf.sample(r);
    }
  }
}

function bounded(range: RangeSpec, draw: RangeSampler): RangeSampler {
  const { min, max } = range;
  return (r) => {
    let v = draw(r);
    for (let i = 0; i < RESAMPLES && !(v >= min && v <= max); i++) v = draw(r);
    return v < min ? min : v > max ? max : v;
  };
}

/**
 * Zipf-distributed ranks 1..n, P(k) ∝ 1 / k^s, by rejection-inversion
 * (Hörmann & Derflinger 1996, as in Apache Commons RNG's
 * `RejectionInversionZipfSampler`): O(1) memory and time whatever n, for any
 * exponent s > 0.
 *
 * @example Draw a rank among a million
 * ```ts
 * import { ZipfSampler } from "./distributions.ts";
 * import { Random } from "../../core/random.ts";
 * const zipf = new ZipfSampler(1_000_000, 1.1);
 * const random = new Random();
 * random.reseed(7, 0);
 * const rank = zipf.sample(random); // 1 is the most likely
 * ```
 */
export class ZipfSampler {
  readonly #n: number;
  readonly #s: number;
  readonly #hX1: number;
  readonly #hN: number;
  readonly #cut: number;

  /**
   * @param n The number of ranks (≥ 1).
   * @param s The exponent (> 0).
   */
  constructor(n: number, s: number) {
    if (!(n >= 1) || !(s > 0)) {
      throw new RangeError(`Zipf needs n ≥ 1 and s > 0 (got n ${n}, s ${s})`);
    }
    this.#n = n;
    this.#s = s;
    this.#hX1 = this.#hIntegral(1.5) - 1;
    this.#hN = this.#hIntegral(n + 0.5);
    this.#cut = 2 - this.#hIntegralInverse(this.#hIntegral(2.5) - this.#h(2));
  }

  /**
   * Draws a rank.
   *
   * @param random The row's stream.
   * @returns An integer in [1, n].
   */
  sample(random: Random): number {
    const n = this.#n, hN = this.#hN, span = this.#hX1 - hN;
    for (;;) {
      // u is uniform in (hX1, hN]; its inverse image x is near the rank.
      const u = hN + random.double() * span;
      const x = this.#hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= this.#cut || u >= this.#hIntegral(k + 0.5) - this.#h(k)) return k;
    }
  }

  #h(x: number): number {
    return Math.exp(-this.#s * Math.log(x));
  }

  #hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.#s) * logX) * logX;
  }

  #hIntegralInverse(x: number): number {
    let t = x * (1 - this.#s);
    if (t < -1) t = -1; // rounding can push it just below
    return Math.exp(log1pOverX(t) * x);
  }
}

function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

/**
 * A Poisson sampler: multiplication of uniforms for small means, Hörmann's
 * transformed rejection (PTRS, 1993) from a mean of 10, so the cost stays
 * flat for large means.
 *
 * @param lambda The mean (> 0).
 * @returns A sampler of non-negative integers.
 * @example Orders per customer
 * ```ts
 * import { poissonSampler } from "./distributions.ts";
 * import { Random } from "../../core/random.ts";
 * const orders = poissonSampler(3);
 * const random = new Random();
 * random.reseed(3, 0);
 * orders(random); // 0, 1, 2, 3… around 3
 * ```
 */
export function poissonSampler(lambda: number): RangeSampler {
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    return (r) => {
      let k = 0, prod = r.next();
      while (prod > limit) {
        k++;
        prod *= r.next();
      }
      return k;
    };
  }
  const slam = Math.sqrt(lambda), loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  return (r) => {
    for (;;) {
      const u = r.double() - 0.5;
      const v = r.double();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
          -lambda + k * loglam - logGamma(k + 1)
      ) {
        return k;
      }
    }
  };
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x ≥ 0.5 (Lanczos, g = 7). */
function logGamma(x: number): number {
  x -= 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}
