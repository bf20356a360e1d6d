/**
 * Turns zod validation errors into {@linkcode ScenarioIssue}s with plain
 * messages, what was expected and did-you-mean hints for unknown keys.
 *
 * @module
 */
import type { z } from "zod";
import type { DocPath, ScenarioIssue } from "./errors.ts";
import { didYouMean } from "./did_you_mean.ts";

/** A scenario issue that may ask to be located at its map key. */
export type LocatableIssue = ScenarioIssue & { atKey?: boolean };

// deno-lint-ignore no-explicit-any
type AnyIssue = z.core.$ZodIssue & Record<string, any>;

/**
 * Converts a zod error into issues.
 *
 * @param error The zod error.
 * @param input The value that was validated (to show what was received).
 * @param base The document path of `input`.
 * @param schema The schema, to list the keys an object accepts.
 * @returns One issue per problem.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { issuesFromZod } from "./zod_issues.ts";
 * const schema = z.object({ min: z.number() }).strict();
 * const r = schema.safeParse({ mni: 1 });
 * if (!r.success) issuesFromZod(r.error, { mni: 1 }, ["options"], schema);
 * // [{ path: ["options", "mni"], message: 'Unknown key "mni"', hint: 'did you mean "min"?', ... }]
 * ```
 */
export function issuesFromZod(
  error: z.ZodError,
  input: unknown,
  base: DocPath,
  schema?: z.ZodType,
): LocatableIssue[] {
  const out: LocatableIssue[] = [];
  for (const issue of error.issues as AnyIssue[]) {
    convert(issue, [], input, base, schema, out);
  }
  return out;
}

function convert(
  issue: AnyIssue,
  prefix: DocPath,
  input: unknown,
  base: DocPath,
  schema: z.ZodType | undefined,
  out: LocatableIssue[],
): void {
  const rel = [...prefix, ...(issue.path as (string | number)[])];
  const path = [...base, ...rel];
  const value = valueAt(input, rel);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = schema ? keysAt(schema, rel) : [];
      for (const key of issue.keys as string[]) {
        out.push({
          path: [...path, key],
          atKey: true,
          message: `Unknown key "${key}"`,
          ...(known.length ? { expected: `one of ${known.join(", ")}` } : {}),
          ...(known.length ? { hint: didYouMean(key, known, "keys") } : {}),
        });
      }
      return;
    }
    case "invalid_type": {
      if (value === undefined) {
        out.push({
          path,
          atKey: true,
          message: `Missing required "${String(path.at(-1) ?? "value")}"`,
          expected: article(String(issue.expected)),
        });
      } else {
        out.push({
          path,
          message: `Expected ${article(String(issue.expected))}, got ${describe(value)}`,
          expected: article(String(issue.expected)),
        });
      }
      return;
    }
    case "invalid_value": {
      const values = (issue.values as unknown[]).map((v) => String(v));
      out.push({
        path,
        message: `Expected one of ${values.join(", ")}, got ${describe(value)}`,
        expected: `one of ${values.join(", ")}`,
        ...(typeof value === "string" ? { hint: didYouMean(value, values, "values") } : {}),
      });
      return;
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small"
        ? (issue.inclusive === false ? ">" : "≥")
        : (issue.inclusive === false ? "<" : "≤");
      const what = issue.origin === "array"
        ? "number of items"
        : issue.origin === "string"
        ? "length"
        : "value";
      out.push({
        path,
        message: `Expected a ${what} ${op} ${bound}, got ${describe(value)}`,
        expected: `${what} ${op} ${bound}`,
      });
      return;
    }
    case "invalid_union": {
      const branches = issue.errors as AnyIssue[][];
      // The branch that got furthest (longest error path) is the one the
      // user meant; report its problems rather than every alternative.
      let best: AnyIssue[] | undefined;
      let depth = -1;
      for (const branch of branches) {
        const d = Math.max(...branch.map((i) => (i.path as unknown[]).length));
        if (d > depth) {
          depth = d;
          best = branch;
        }
      }
      if (best && depth > 0) {
        for (const sub of best) convert(sub, rel, input, base, schema, out);
        return;
      }
      const expected = branches
        .flatMap((b) => b.filter((i) => i.code === "invalid_type").map((i) => String(i.expected)));
      out.push({
        path,
        message: expected.length
          ? `Expected ${unique(expected).map(article).join(" or ")}, got ${describe(value)}`
          : issue.message,
        ...(expected.length ? { expected: unique(expected).join(" or ") } : {}),
      });
      return;
    }
    case "custom": {
      // Already in our words (a sandboxed plugin's own schema, see core/sandbox/): keep its details.
      const found = issue.params?.fabricate as Omit<LocatableIssue, "path"> | undefined;
      if (found) {
        out.push({
          path,
          message: found.message,
          ...(found.expected ? { expected: found.expected } : {}),
          ...(found.hint ? { hint: found.hint } : {}),
          ...(found.atKey ? { atKey: true } : {}),
        });
      } else out.push({ path, message: issue.message });
      return;
    }
    default:
      out.push({ path, message: issue.message });
  }
}

function valueAt(input: unknown, path: DocPath): unknown {
  let v = input;
  for (const seg of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function article(type: string): string {
  if (type === "object" || type === "record") return "a map";
  if (type === "array") return "a list";
  if (type === "int") return "a whole number";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Describes a received value briefly for messages.
 *
 * @param value Anything.
 * @returns e.g. `"abc"`, `-1`, `a list`, `nothing`.
 * @example
 * ```ts
 * import { describe } from "./zod_issues.ts";
 * describe([1]); // "a list"
 * ```
 */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  return String(value);
}

// deno-lint-ignore no-explicit-any
type Def = Record<string, any>;

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } })?._zod?.def;
}

/**
 * The keys an object schema accepts at a path (through optional, default,
 * record, array and union wrappers).
 *
 * @param schema A zod schema.
 * @param path A path into values of that schema.
 * @returns The accepted keys, sorted; empty when unknown.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { keysAt } from "./zod_issues.ts";
 * keysAt(z.object({ a: z.object({ b: z.number() }) }), ["a"]); // ["b"]
 * ```
 */
export function keysAt(schema: z.ZodType, path: DocPath): string[] {
  let nodes: unknown[] = [schema];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const n of nodes.flatMap(unwrap)) {
      const def = defOf(n);
      if (!def) continue;
      if (def.type === "object" && typeof seg === "string" && def.shape[seg]) {
        next.push(def.shape[seg]);
      } else if (def.type === "record") next.push(def.valueType);
      else if (def.type === "array") next.push(def.element);
    }
    nodes = next;
  }
  const keys = new Set<string>();
  for (const n of nodes.flatMap(unwrap)) {
    const def = defOf(n);
    if (def?.type === "object") Object.keys(def.shape).forEach((k) => keys.add(k));
  }
  return [...keys].sort();
}

function unwrap(schema: unknown): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return unwrap(def.innerType);
    case "pipe":
      return unwrap(def.in);
    case "lazy":
      return unwrap(def.getter());
    case "union":
      return (def.options as unknown[]).flatMap(unwrap);
    default:
      return [schema];
  }
}
