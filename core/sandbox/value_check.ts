/**
 * The checks a value from a sandboxed generator must pass: its declared type,
 * null only when declared nullable, JSON otherwise. They run on the host, on
 * every value that comes back (the Worker runs them too, for a quicker error
 * in the plugin's own terms, but a plugin can tamper with anything on its own
 * side, `postMessage` included).
 *
 * @module
 */
import type { FieldType } from "../types.ts";

const STRINGS: readonly FieldType[] = ["string", "uuid", "date", "datetime"];

/**
 * Why a generated value may not cross the boundary, or undefined when it may.
 *
 * @param v The value.
 * @param type The generator's declared type.
 * @param nullable Whether it declared `nullable: true`.
 * @returns The problem, or undefined.
 * @example
 * ```ts
 * import { valueProblem } from "./value_check.ts";
 * valueProblem("x", "integer", false); // 'returned a string ("x"), but the generator\'s type is "integer" (whole numbers)'
 * ```
 */
export function valueProblem(v: unknown, type: FieldType, nullable: boolean): string | undefined {
  if (v === undefined) return "returned undefined";
  if (v === null) {
    return nullable
      ? undefined
      : "returned null, but the generator does not declare nullable: true";
  }
  const wrong = (what: string) =>
    `returned ${describeValue(v)}, but the generator's type is "${type}" (${what})`;
  if (STRINGS.includes(type)) return typeof v === "string" ? undefined : wrong("strings");
  if (type === "integer") {
    return Number.isInteger(v) ? undefined : wrong("whole numbers");
  }
  if (type === "number") return typeof v === "number" ? undefined : wrong("numbers");
  if (type === "boolean") return typeof v === "boolean" ? undefined : wrong("true or false");
  return isJson(v, 0) ? undefined : `returned ${describeValue(v)}, which is not a JSON value`;
}

/** The first value of a column that may not cross the boundary, and why. */
export interface ColumnProblem {
  /** Its position in the column. */
  readonly index: number;
  /** What is wrong with it, as {@linkcode valueProblem} says. */
  readonly problem: string;
}

/**
 * A check of whole columns for one generator: exactly {@linkcode valueProblem}
 * on every value, with the declared type looked at once rather than per value
 * (the host runs it on every value a sandboxed generator sends back).
 *
 * @param type The generator's declared type.
 * @param nullable Whether it declared `nullable: true`.
 * @returns A function giving a column's first problem, or undefined.
 * @example
 * ```ts
 * import { columnChecker } from "./value_check.ts";
 * const check = columnChecker("integer", false);
 * check([1, 2, 3]); // undefined
 * check([1, 2.5])?.index; // 1
 * ```
 */
export function columnChecker(
  type: FieldType,
  nullable: boolean,
): (values: readonly unknown[]) => ColumnProblem | undefined {
  // Accepts only what valueProblem accepts; anything else is asked of it.
  const fits: (v: unknown) => boolean = STRINGS.includes(type)
    ? (v) => typeof v === "string"
    : type === "integer"
    ? (v) => Number.isInteger(v)
    : type === "number"
    ? (v) => typeof v === "number"
    : type === "boolean"
    ? (v) => typeof v === "boolean"
    : (v) => v !== undefined && isJson(v, 0);
  return (values) => {
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v === null ? nullable : fits(v)) continue;
      const problem = valueProblem(v, type, nullable);
      if (problem) return { index: k, problem };
    }
    return undefined;
  };
}

/**
 * Whether a value is plain JSON (finite numbers, plain objects), at most 64 deep.
 *
 * @param v The value.
 * @param depth How deep it already is (0 at the top).
 * @returns True when it is.
 * @example
 * ```ts
 * import { isJson } from "./value_check.ts";
 * isJson({ a: [1, "b"] }, 0); // true
 * ```
 */
export function isJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (depth > 64 || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v).every((x) => isJson(x, depth + 1));
}

/**
 * A short description of a value for messages.
 *
 * @param v The value.
 * @returns E.g. `a string ("abc")`.
 * @example
 * ```ts
 * import { describeValue } from "./value_check.ts";
 * describeValue(42); // "a number (42)"
 * ```
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return `a string (${JSON.stringify(v.slice(0, 40))})`;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") {
    return `a ${typeof v} (${String(v)})`;
  }
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return "a list";
  const name = (v as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : `an ${typeof v}`;
}
