/**
 * `fabricate scenarios`: list the built-in scenarios with their description
 * and the scenario each extends.
 *
 * @module
 */
import { builtinScenarioNames, builtinScenarioUrl } from "../core/builtin_scenarios.ts";
import { parseSource } from "../core/source.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { table } from "./report.ts";

const FLAGS: Record<string, FlagSpec> = {
  json: { type: "boolean", help: "Print as JSON" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate scenarios [--json]

List the built-in scenarios. Run one with: fabricate gen <name>

Options:
${flagsHelp(FLAGS)}
`;

/** One built-in scenario as listed. */
export interface ScenarioListing {
  name: string;
  description: string;
  extends: string[];
  entities: string[];
}

/**
 * Reads the built-in scenarios' headers (without validating them).
 *
 * @returns One listing per built-in.
 * @example
 * ```ts
 * import { listScenarios } from "./scenarios_command.ts";
 * (await listScenarios()).find((s) => s.name === "quickstart")?.description;
 * ```
 */
export async function listScenarios(): Promise<ScenarioListing[]> {
  const out: ScenarioListing[] = [];
  for (const name of await builtinScenarioNames()) {
    const url = builtinScenarioUrl(name);
    const text = url.protocol === "file:"
      ? await Deno.readTextFile(url)
      : await (await fetch(url)).text();
    const value = parseSource(name, text).value as Record<string, unknown>;
    const ext = value.extends;
    out.push({
      name,
      description: typeof value.description === "string" ? value.description : "",
      extends: typeof ext === "string" ? [ext] : Array.isArray(ext) ? ext.map(String) : [],
      entities: Object.keys((value.entities ?? {}) as object),
    });
  }
  return out;
}

/**
 * Runs `scenarios`.
 *
 * @param args The arguments after `scenarios`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await scenariosCommand([]);
 * ```
 */
export default async function scenariosCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const list = await listScenarios();
  if (values.json) {
    console.log(JSON.stringify(list, null, 2));
    return 0;
  }
  console.log(table(
    ["name", "extends", "description"],
    list.map((s) => [s.name, s.extends.join(", ") || "—", s.description]),
  ));
  return 0;
}
