/**
 * Which of fabricate's own plugin modules a scenario may need, read from
 * its text alone, so that planning imports those and not all of them (the
 * imports are most of the time a small run takes). A built-in module is
 * `plugins/<kind>s/<name>.ts`; it is needed when `<name>` appears in the
 * scenario as a key or a string (a generator, a `validate:` rule, a format
 * or its options). A guess that misses a plugin fails to compile, and
 * planning then loads every built-in: the plan is the same either way.
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import type { Scenario } from "./scenario_schema.ts";
import type { PlanOptions } from "./compile.ts";

/** Always loaded: a field given as a bare value is a `constant`. */
const ALWAYS = new Set(["constant"]);

/**
 * The built-in plugin modules (as deno.json lists them) whose names the
 * scenario or the options mention.
 *
 * @param scenario The loaded scenario.
 * @param options The plan options (formats and their options).
 * @returns Module paths, in deno.json's order.
 * @example
 * ```ts
 * import { neededBuiltins } from "./needed_builtins.ts";
 * import { loadScenario } from "./load_scenario.ts";
 * const { scenario } = await loadScenario("quickstart");
 * neededBuiltins(scenario, { formats: ["jsonl"] }).includes("./plugins/formatters/jsonl.ts"); // true
 * ```
 */
export function neededBuiltins(scenario: Scenario, options: PlanOptions): string[] {
  const words = new Set(ALWAYS);
  const collect = (value: unknown): void => {
    if (typeof value === "string") words.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        words.add(k);
        collect(v);
      }
    }
  };
  collect(scenario.entities);
  collect(scenario.output);
  collect(options.formats ?? []);
  collect(options.formatOptions ?? {});
  // With no format named, the default is JSON.
  words.add("json");
  return config.fabricate.plugins.filter((path) => {
    const stem = path.slice(path.lastIndexOf("/") + 1).replace(/\.ts$/, "");
    return words.has(stem);
  });
}
