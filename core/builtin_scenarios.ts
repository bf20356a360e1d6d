/**
 * Where the built-in scenarios live. They are listed in
 * `scenarios/index.json` so they can be found when fabricate runs from a
 * remote URL or a compiled binary, where folders cannot be listed.
 *
 * @module
 */
import index from "../scenarios/index.json" with { type: "json" };

/**
 * The URL of a built-in scenario file.
 *
 * @param name A built-in name, e.g. `quickstart` or `erp/normal-ops`.
 * @returns The URL of its YAML file.
 * @example
 * ```ts
 * import { builtinScenarioUrl } from "./builtin_scenarios.ts";
 * builtinScenarioUrl("quickstart").pathname.endsWith("/scenarios/quickstart.yaml"); // true
 * ```
 */
export function builtinScenarioUrl(name: string): URL {
  return new URL(`../scenarios/${name}.yaml`, import.meta.url);
}

/**
 * The names of all built-in scenarios.
 *
 * @returns Names such as `quickstart`, sorted.
 * @example
 * ```ts
 * import { builtinScenarioNames } from "./builtin_scenarios.ts";
 * (await builtinScenarioNames()).includes("quickstart"); // true
 * ```
 */
export function builtinScenarioNames(): Promise<string[]> {
  return Promise.resolve([...index.scenarios].sort());
}
