/**
 * The `transform` modifier: string functions applied to a field's value
 * after it is generated (and before `unique` is checked).
 *
 * @module
 */

/** A value-to-value function applied to strings; other values pass through. */
export type Transform = (value: string) => string;

/** Text that `ascii` leaves as it is (most generated text): skips `normalize`. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The transforms a scenario may name. */
export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  trim: (s) => s.trim(),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1),
  title: (s) => s.toLowerCase().replace(/(^|[\s\-'])(\p{L})/gu, (_m, p, c) => p + c.toUpperCase()),
  ascii: (s) =>
    PRINTABLE_ASCII.test(s)
      ? s
      : s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, ""),
  slug: (s) =>
    s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""),
  snake: (s) =>
    s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, ""),
  digits: (s) => s.replace(/\D+/g, ""),
  nospace: (s) => s.replace(/\s+/g, ""),
};

/**
 * A transform as a scenario writes it: a name, or `{ truncate: n }`.
 *
 * @example
 * ```ts
 * import type { TransformSpec } from "./transforms.ts";
 * const specs: TransformSpec[] = ["trim", { truncate: 40 }];
 * ```
 */
export type TransformSpec = string | { readonly truncate: number };

/**
 * Cuts a string to at most `max` code points (a surrogate pair is never
 * split), then drops the whitespace the cut leaves at the end: a
 * `VARCHAR(max)` column always holds the result.
 *
 * @param max The longest result, in code points.
 * @returns The transform.
 * @example
 * ```ts
 * import { truncateTo } from "./transforms.ts";
 * truncateTo(8)("Ana Lopez Garcia"); // "Ana Lope"
 * truncateTo(4)("Ana Lopez"); // "Ana" (no trailing space)
 * ```
 */
export function truncateTo(max: number): Transform {
  return (s) => {
    if (s.length <= max) return s;
    let units = 0;
    for (let n = 0; n < max && units < s.length; n++) {
      const c = s.charCodeAt(units);
      units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length ? 2 : 1;
    }
    return units >= s.length ? s : s.slice(0, units).trimEnd();
  };
}

/**
 * Composes transforms into one function applied left to right.
 * Non-string values (numbers, null) pass through untouched.
 *
 * @param names Transforms, e.g. `["trim", "lower"]` or `["trim", { truncate: 40 }]`.
 * @returns The composed function.
 * @example
 * ```ts
 * import { composeTransforms } from "./transforms.ts";
 * composeTransforms(["trim", "lower"])("  Ana.Lopez@Example.COM "); // "ana.lopez@example.com"
 * ```
 */
export function composeTransforms(names: readonly TransformSpec[]): (value: unknown) => unknown {
  const fns = names.map((n) => {
    if (typeof n !== "string") return truncateTo(n.truncate);
    const fn = TRANSFORMS[n];
    if (!fn) throw new Error(`Unknown transform "${n}"`);
    return fn;
  });
  if (fns.length === 1) {
    const fn = fns[0]!;
    return (v) => (typeof v === "string" ? fn(v) : v);
  }
  return (v) => {
    if (typeof v !== "string") return v;
    let s = v;
    for (const fn of fns) s = fn(s);
    return s;
  };
}
