/**
 * `definePlugin`: the one way to write a plugin, built-in or third-party.
 *
 * @module
 */
import type { FormatterPlugin, GeneratorPlugin, Plugin, ValidatorPlugin } from "./types.ts";

const NAME = /^[a-z][a-z0-9_-]*$/i;

/**
 * Defines a plugin. It returns the plugin unchanged but typed, so the
 * options a hook receives are inferred from the zod schema, and checks the
 * fields every plugin needs.
 *
 * @param plugin The plugin: `name`, `kind`, `version`, `options` and hooks.
 * @returns The same plugin.
 * @example A generator for dice rolls
 * ```ts
 * import { z } from "zod";
 * import { definePlugin } from "./define_plugin.ts";
 *
 * export default definePlugin({
 *   name: "dice",
 *   kind: "generator",
 *   version: "1.0.0",
 *   description: "A roll of an n-sided die",
 *   options: z.object({ sides: z.number().int().min(2).default(6) }),
 *   create: ({ sides }) => ({
 *     type: "integer",
 *     cardinality: sides,
 *     value: (row) => row.random.int(1, sides),
 *   }),
 * });
 * ```
 */
export function definePlugin<O>(plugin: GeneratorPlugin<O>): GeneratorPlugin<O>;
export function definePlugin<O>(plugin: ValidatorPlugin<O>): ValidatorPlugin<O>;
export function definePlugin<O>(plugin: FormatterPlugin<O>): FormatterPlugin<O>;
export function definePlugin(plugin: Plugin): Plugin {
  const problem = pluginProblem(plugin);
  if (problem) throw new TypeError(`Cannot define plugin: ${problem}`);
  return plugin;
}

/**
 * Checks that a value looks like a plugin, for values loaded from modules.
 *
 * @param value Anything.
 * @returns A description of what is missing, or `undefined` when it is fine.
 * @example
 * ```ts
 * import { pluginProblem } from "./define_plugin.ts";
 * pluginProblem({ name: "x" }); // 'plugin "x" has no kind ...'
 * ```
 */
export function pluginProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) {
    return "expected an object made with definePlugin()";
  }
  const p = value as Record<string, unknown>;
  if (typeof p.name !== "string" || !NAME.test(p.name)) {
    return `"name" must be a word of letters, digits, "-" or "_" (got ${JSON.stringify(p.name)})`;
  }
  const kinds = ["generator", "validator", "formatter"];
  if (typeof p.kind !== "string" || !kinds.includes(p.kind)) {
    return `plugin "${p.name}" has no kind (expected one of ${kinds.join(", ")})`;
  }
  if (typeof p.version !== "string") {
    return `plugin "${p.name}" has no version string`;
  }
  const options = p.options as { safeParse?: unknown } | undefined;
  if (typeof options?.safeParse !== "function") {
    return `plugin "${p.name}" has no zod "options" schema`;
  }
  if (typeof p.create !== "function") {
    return `plugin "${p.name}" has no create() function`;
  }
  if (p.kind === "formatter") {
    const problem = extensionProblem(p.name, p.extension);
    if (problem) return problem;
  }
  if (
    p.kind === "validator" &&
    !["field", "entity", "both"].includes(p.scope as string)
  ) {
    return `validator "${p.name}" needs scope "field", "entity" or "both"`;
  }
  return undefined;
}

/** What a formatter's file extension may be: it becomes part of file names, never of a path. */
export const EXTENSION = /^[a-z0-9]+(\.[a-z0-9]+)?$/;

/**
 * Why a formatter's `extension` may not be used, or undefined when it may.
 * Checked by fabricate for every formatter, trusted or sandboxed, because the
 * extension ends up in file names under `--out`: `"x/../../etc"` must never
 * shape a path.
 *
 * @param name The formatter's name.
 * @param extension Its declared extension.
 * @returns The problem, or undefined.
 * @example
 * ```ts
 * import { extensionProblem } from "./define_plugin.ts";
 * extensionProblem("tsv", "tsv"); // undefined
 * extensionProblem("evil", "x/../../tmp/a.sh"); // 'formatter "evil" has an invalid file extension ...'
 * ```
 */
export function extensionProblem(name: string, extension: unknown): string | undefined {
  if (typeof extension !== "string") return `formatter "${name}" has no file "extension"`;
  if (EXTENSION.test(extension)) return undefined;
  return `formatter "${name}" has an invalid file extension ${
    JSON.stringify(extension.slice(0, 80))
  }: expected lower-case letters and digits with at most one dot, like "csv" or "sql.gz" (${EXTENSION.source})`;
}
