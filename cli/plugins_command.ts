/**
 * `fabricate plugins`: list the plugins a run would use, with their kind,
 * version and source.
 *
 * @module
 */
import { registryFor } from "../core/registry.ts";
import { loadScenario } from "../core/load_scenario.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { table } from "./report.ts";

const FLAGS: Record<string, FlagSpec> = {
  scenario: {
    type: "string",
    short: "s",
    value: "FILE",
    help: "Include the plugins this scenario lists",
  },
  json: { type: "boolean", help: "Print as JSON" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate plugins [--scenario FILE] [--json]

List the plugins available to a run: fabricate's built-ins, those listed in
./deno.json (fabricate.plugins) and, with --scenario, the scenario's own.

Options:
${flagsHelp(FLAGS)}
`;

/**
 * Runs `plugins`.
 *
 * @param args The arguments after `plugins`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await pluginsCommand(["--json"]);
 * ```
 */
export default async function pluginsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const cwd = Deno.cwd();
  let entries: Parameters<typeof registryFor>[0] = [];
  let base = new URL(`file://${cwd}/`);
  if (typeof values.scenario === "string") {
    const loaded = await loadScenario(values.scenario, { cwd });
    entries = loaded.scenario.plugins;
    base = loaded.baseUrl;
  }
  const registry = await registryFor(entries, base, cwd);
  const rows = registry.list().map((r) => ({
    name: r.plugin.name,
    kind: r.plugin.kind,
    version: r.plugin.version,
    source: r.source,
    builtin: r.builtin,
    description: r.plugin.description ?? "",
  }));
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const order = { generator: 0, validator: 1, formatter: 2 } as Record<string, number>;
  rows.sort((a, b) => order[a.kind]! - order[b.kind]! || a.name.localeCompare(b.name));
  console.log(table(
    ["kind", "name", "version", "source", "description"],
    rows.map((
      r,
    ) => [
      r.kind,
      r.name,
      r.version,
      r.builtin ? `built-in ${r.source.replace(/^\.\/plugins\//, "")}` : r.source,
      r.description,
    ]),
  ));
  return 0;
}
