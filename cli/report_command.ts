/**
 * `fabricate report <out dir>`: the quality report of a finished output
 * folder, read back from its files and manifest (report.html + report.json).
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import type { Plan } from "../core/compile.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { PLUGIN_FLAGS, PLUGIN_HELP, policyFromFlags } from "./plugin_flags.ts";
import { dataFilesIn, READABLE, singleFiles } from "./data_files.ts";
import { collectFiles, planFor, readManifest, writeReport } from "./report_files.ts";
import { printable, style } from "./style.ts";

const FLAGS: Record<string, FlagSpec> = {
  out: {
    type: "string",
    short: "o",
    value: "FILE",
    help: "Write FILE.html and FILE.json (default <dir>/report.html and <dir>/report.json)",
  },
  scenario: {
    type: "string",
    value: "S",
    help: "The scenario the folder was made from (default: the manifest's, when found)",
  },
  force: { type: "boolean", help: "Replace existing report files" },
  ...PLUGIN_FLAGS,
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate report <out dir> [options]

Write the quality report of an output folder made by fabricate gen: per field
null rate, distinct count, min/max/mean, top values and histograms; foreign-key
coverage and children per parent; rows per day against the timelines' shape;
anomaly rates against the configured ones; the validator results recorded in
the manifest. One self-contained HTML file (opens offline) and its JSON.
Reads every format gen writes (JSON Lines, Parquet, JSON, CSV, YAML, XML,
SQL, xlsx; compressed; any layout). See docs/report.md.

Options:
${flagsHelp(FLAGS)}

${PLUGIN_HELP}

Examples:
  fabricate report out/quickstart-20250101T120000Z
  fabricate report out/shop --out shop-report.html
`;

/**
 * Runs `report`.
 *
 * @param args The arguments after `report`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await reportCommand(["out/shop"]);
 * ```
 */
export default async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dir = positionals[0];
  if (!dir) throw new UsageError("Missing <out dir>", "fabricate report out/<scenario>-<time>");
  if (positionals.length > 1) {
    throw new UsageError(`Unexpected argument "${positionals[1]}"`, "report takes one folder");
  }
  const manifest = await readManifest(dir);
  if (!manifest) {
    throw new UsageError(
      `Cannot report on "${dir}": it has no manifest.json`,
      "point at a folder written by fabricate gen, or use fabricate check <dir> --scenario s.yaml",
    );
  }
  const notes: string[] = [];
  const scenario = (values.scenario as string | undefined) ?? await locateScenario(manifest);
  let plan: Plan | undefined;
  if (scenario) {
    const found = await planFor(scenario, manifest, policyFromFlags(values));
    plan = found.plan;
    if (!found.usesManifest) {
      notes.push(
        `The scenario "${plan.scenario.name}" is not the run's ("${manifest.scenario.name}"): seed and counts are the scenario's`,
      );
    } else if (plan.loaded.hash !== manifest.scenario.sha256) {
      notes.push(
        `The scenario ${scenario} differs from the one the run used (sha256): configured shapes and rates are today's`,
      );
    }
  } else {
    notes.push(
      `Scenario "${manifest.scenario.source}" not found: foreign keys, timelines, anomalies and field types need it (--scenario)`,
    );
  }
  try {
    const { files, unmatched } = await dataFilesIn(dir, Object.keys(manifest.entities));
    // --layout single: one document holds every entity.
    const without = Object.keys(manifest.entities).filter((n) =>
      !files.some((f) => f.entity === n)
    );
    files.push(...singleFiles(dir, manifest, without));
    for (const name of without) {
      if (!files.some((f) => f.entity === name)) notes.push(`${name}: no readable file`);
    }
    if (files.length === 0) {
      throw new UsageError(
        `Cannot report on "${dir}": none of its files can be read back (it holds ${
          manifest.formats.join(", ")
        })`,
        `report reads ${READABLE.join(", ")} (text formats compressed or not)`,
      );
    }
    const shown = new Set(manifest.files?.map((f) => f.path) ?? []);
    for (const u of unmatched) {
      if (!shown.has(u)) notes.push(`${u}: not an entity of the run, ignored`);
    }
    const { collector } = await collectFiles(plan, files, {
      validate: false,
      expectedRows: Object.fromEntries(
        Object.entries(manifest.entities).map(([n, e]) => [n, e.rows]),
      ),
    });
    for (const n of notes) collector.note(n);
    const report = collector.result({
      ...manifest.validation,
      source: "recorded in the manifest at generation",
    });
    // Without the scenario, the manifest still names the run.
    report.scenario ||= manifest.scenario.name;
    report.seed ??= manifest.seed;
    const html = (values.out as string | undefined) ?? `${dir}/report.html`;
    const paths = await writeReport(report, html, values.force === true);
    const s = style(Deno.stderr);
    const failed = report.checks.reduce((n, c) => n + c.failures, 0) +
      report.validation!.failures;
    console.error(
      `${s.green("✔")} report → ${paths.map((p) => printable(p)).join(", ")}` +
        (failed ? s.yellow(` (${failed} failure${failed === 1 ? "" : "s"})`) : ""),
    );
    return 0;
  } finally {
    plan?.registry.close();
  }
}

/** The manifest's scenario: the file if it still exists, else a built-in of that path. */
async function locateScenario(
  manifest: { scenario: { source: string } },
): Promise<string | undefined> {
  const source = manifest.scenario.source;
  try {
    if ((await Deno.stat(source)).isFile) return source;
  } catch { /* not here */ }
  const m = source.match(/(?:^|\/)scenarios\/(.+)\.ya?ml$/);
  if (m) {
    const { builtinScenarioNames } = await import("../core/builtin_scenarios.ts");
    if ((await builtinScenarioNames()).includes(m[1]!)) return m[1]!;
  }
  return undefined;
}
