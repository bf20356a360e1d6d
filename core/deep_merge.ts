/**
 * The merge behind `extends`: objects merge key by key, arrays and scalars
 * replace, and `null` removes a key.
 *
 * @module
 */

/**
 * Deep-merges `override` onto `base` without changing either.
 *
 * @param base The base value.
 * @param override What the extending scenario says.
 * @returns The merged value.
 * @example
 * ```ts
 * import { deepMerge } from "./deep_merge.ts";
 * deepMerge({ a: { x: 1, y: 2 }, list: [1, 2] }, { a: { y: null, z: 3 }, list: [9] });
 * // { a: { x: 1, z: 3 }, list: [9] }
 * ```
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return override === undefined ? base : override;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = deepMerge(out[key], value);
    } else out[key] = value;
  }
  return out;
}

/**
 * True for `{}`-style objects (not arrays, not null).
 *
 * @param value Anything.
 * @returns Whether it is a plain object.
 * @example
 * ```ts
 * import { isPlainObject } from "./deep_merge.ts";
 * isPlainObject({}); // true
 * isPlainObject([]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
