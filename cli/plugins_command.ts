/**
 * `fabricate plugins`: list the plugins a run would use, with their kind,
 * version and source, whether each runs in-process or sandboxed, and what
 * it declares, is granted and may effectively touch.
 *
 * @module
 */
import { registryFor } from "../core/registry.ts";
import { loadScenario } from "../core/load_scenario.ts";
import { describePermissions, type PluginAccess } from "../core/sandbox/permissions.ts";
import type { PermissionLists } from "../core/sandbox/protocol.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { PLUGIN_FLAGS, PLUGIN_HELP, policyFromFlags } from "./plugin_flags.ts";
import { table } from "./report.ts";
import { printable } from "./style.ts";

const FLAGS: Record<string, FlagSpec> = {
  scenario: {
    type: "string",
    short: "s",
    value: "FILE",
    help: "Include the plugins this scenario lists",
  },
  json: { type: "boolean", help: "Print as JSON" },
  ...PLUGIN_FLAGS,
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate plugins [--scenario FILE] [--json] [grant options]

List the plugins available to a run: fabricate's built-ins, those listed in
./deno.json (fabricate.plugins) and, with --scenario, the scenario's own. For
each: where it runs (in-process or sandboxed) and what it may touch: the
permissions it declares, those you grant, and the effective ones (both).

Options:
${flagsHelp(FLAGS)}

${PLUGIN_HELP}
`;

/** One line of the listing (also the shape of `--json` output). */
interface Row {
  name: string;
  kind: string;
  version: string;
  source: string;
  builtin: boolean;
  runs: "in-process" | "sandboxed" | "refused";
  description: string;
  /** Declared, granted and effective permissions; `"all"`: whatever fabricate may do. */
  permissions: {
    declared: PermissionLists;
    granted: PermissionLists | "all";
    effective: PermissionLists | "all";
  };
  /** Why a refused plugin may not run. */
  refused?: string;
  /** Sandboxed: the files of its own code it may read (symlinks resolved). */
  modules?: string[];
}

function permissionsOf(access: PluginAccess | undefined, sandboxed: boolean): Row["permissions"] {
  const none = { read: [], net: [], env: [] };
  return {
    declared: access?.declared ?? none,
    granted: sandboxed ? access?.granted ?? none : "all",
    effective: sandboxed ? access?.effective ?? none : "all",
  };
}

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
  const policy = policyFromFlags(values);
  const cwd = Deno.cwd();
  let entries: Parameters<typeof registryFor>[0] = [];
  let base = new URL(`file://${cwd}/`);
  if (typeof values.scenario === "string") {
    const loaded = await loadScenario(values.scenario, { cwd });
    entries = loaded.scenario.plugins;
    base = loaded.baseUrl;
  }
  // A scenario's own trusted/grants keys are never honoured; listing shows the plugins as sandboxed.
  entries = entries.map((e) => (typeof e === "string" ? e : e.source));
  const registry = await registryFor(entries, base, cwd, { policy, list: true });
  registry.close();
  const rows: Row[] = registry.list().map((r) => ({
    name: r.plugin.name,
    kind: r.plugin.kind,
    version: r.plugin.version,
    source: r.source,
    builtin: r.builtin,
    runs: r.runs,
    description: r.plugin.description ?? "",
    permissions: permissionsOf(r.access, r.runs === "sandboxed"),
    ...(r.modules ? { modules: [...r.modules] } : {}),
  }));
  for (const refused of registry.refused()) {
    for (const p of refused.plugins) {
      rows.push({
        name: p.name,
        kind: p.kind,
        version: p.version,
        source: refused.source,
        builtin: false,
        runs: "refused",
        description: "",
        permissions: permissionsOf(p.access, true),
        refused: refused.reason,
      });
    }
  }
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const order = { generator: 0, validator: 1, formatter: 2 } as Record<string, number>;
  rows.sort((a, b) => order[a.kind]! - order[b.kind]! || a.name.localeCompare(b.name));
  const touch = (r: Row) => {
    const p = r.permissions;
    if (p.effective === "all") return "anything fabricate may";
    const eff = describePermissions(p.effective);
    if (r.runs === "refused") {
      return `refused: declares ${describePermissions(p.declared)}, granted ${
        describePermissions(p.granted as PermissionLists)
      }`;
    }
    const declared = describePermissions(p.declared);
    return declared === eff ? eff : `${eff} (declares ${declared})`;
  };
  console.log(table(
    ["kind", "name", "version", "runs", "may touch", "source", "description"],
    rows.map((r) => [
      r.kind,
      r.name,
      r.version,
      r.runs,
      touch(r),
      r.builtin ? `built-in ${r.source.replace(/^\.\/plugins\//, "")}` : r.source,
      r.description,
    ]),
  ));
  const refusals = registry.refused();
  for (const r of refusals) console.error(`\n${printable(r.reason)}`);
  return 0;
}
