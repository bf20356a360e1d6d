/**
 * `fabricate check <data dir> --scenario s.yaml`: run a scenario's
 * validators and the report's checks (foreign keys, never-null fields, row
 * counts) over existing files; exit 1 when anything fails.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { PLUGIN_FLAGS, PLUGIN_HELP, policyFromFlags } from "./plugin_flags.ts";
import { dataFilesIn, singleFiles } from "./data_files.ts";
import { collectFiles, planFor, readManifest, writeReport } from "./report_files.ts";
import { printable, style } from "./style.ts";

const FLAGS: Record<string, FlagSpec> = {
  scenario: { type: "string", short: "s", value: "S", help: "The scenario (file or built-in)" },
  report: {
    type: "string",
    value: "FILE",
    help: "Also write the quality report: FILE.html and FILE.json",
  },
  force: { type: "boolean", help: "Replace existing report files" },
  ...PLUGIN_FLAGS,
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate check <data dir> --scenario <scenario> [options]

Check existing data files against a scenario: files named <entity>.jsonl,
.parquet, .json, .csv, .yaml, .xml, .sql or .xlsx are read (in that order of
preference when several; text formats also .gz/.zst), or <entity>/ folders of
--layout split files, or the manifest's --layout single document,
the scenario's validator rules run over their rows, and the report's checks
too: foreign keys point at parent rows in the files, fields that are never
null hold no null, and row counts match manifest.json when the folder has one
(its seed, counts and period are then used, like gen did). Every failure is
printed with its entity, field and rows. See docs/report.md.

Exit codes: 0 all passed, 1 failures, 2 bad input (folder, scenario, files).

Options:
${flagsHelp(FLAGS)}

${PLUGIN_HELP}

Examples:
  fabricate check out/shop --scenario shop.yaml
  fabricate check data/ --scenario quickstart --report data-report.html
`;

/**
 * Runs `check`.
 *
 * @param args The arguments after `check`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await checkCommand(["out/shop", "--scenario", "quickstart"]);
 * ```
 */
export default async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dir = positionals[0];
  if (!dir) throw new UsageError("Missing <data dir>", "fabricate check data/ --scenario s.yaml");
  if (positionals.length > 1) {
    throw new UsageError(`Unexpected argument "${positionals[1]}"`, "check takes one folder");
  }
  const scenario = values.scenario as string | undefined;
  if (!scenario) {
    throw new UsageError("Missing --scenario", "fabricate check data/ --scenario s.yaml");
  }
  const manifest = await readManifest(dir);
  const { plan, usesManifest } = await planFor(scenario, manifest, policyFromFlags(values));
  try {
    const names = plan.entities.map((e) => e.name);
    const { files, unmatched } = await dataFilesIn(dir, names);
    if (manifest && usesManifest) {
      // --layout single: one document holds every entity.
      files.push(
        ...singleFiles(dir, manifest, names.filter((n) => !files.some((f) => f.entity === n))),
      );
      files.sort((a, b) => names.indexOf(a.entity) - names.indexOf(b.entity));
    }
    if (files.length === 0) {
      throw new UsageError(
        `Cannot check "${dir}": no file is named after an entity of ${plan.scenario.name}`,
        `expected files like ${names.slice(0, 3).map((n) => `${n}.csv`).join(", ")}`,
      );
    }
    const { collector, validation, skipped } = await collectFiles(plan, files, {
      validate: true,
      ...(manifest && usesManifest
        ? {
          expectedRows: Object.fromEntries(
            Object.entries(manifest.entities).map(([n, e]) => [n, e.rows]),
          ),
        }
        : {}),
    });
    const missing = names.filter((n) => !files.some((f) => f.entity === n));
    if (missing.length) collector.note(`No file for ${missing.join(", ")}: not checked`);
    for (const u of unmatched) collector.note(`${u}: no entity of that name, ignored`);
    if (manifest && !usesManifest) {
      collector.note(
        `manifest.json is from scenario "${manifest.scenario.name}", not "${plan.scenario.name}": not used`,
      );
    }
    for (const s of skipped) collector.note(`Rule skipped: ${s}`);
    const report = collector.result({ ...validation!, source: "validators, run over the files" });

    const s = style(Deno.stderr);
    const out: string[] = [];
    for (const r of report.validation!.results) {
      if (!r.failures) continue;
      out.push(
        `  ${s.red("✘")} ${r.entity}${
          r.field ? "." + r.field : ""
        } ${r.rule}: ${r.failures} of ${r.checked} rows` +
          r.examples.map((x) => `\n      row ${x.row}: ${printable(x.message, true)}`).join(""),
      );
    }
    for (const c of report.checks) {
      out.push(
        `  ${s.red("✘")} ${c.entity}${c.field ? "." + c.field : ""} ${c.check}: ${c.message}` +
          c.examples.map((x) =>
            `\n      ${x.row !== undefined ? `row ${x.row}` : ""}${
              x.value !== undefined ? `: ${printable(x.value, true)}` : ""
            }`
          ).join(""),
      );
    }
    const rows = report.entities.reduce((n, e) => n + e.rows, 0);
    const failures = report.validation!.failures +
      report.checks.reduce((n, c) => n + c.failures, 0);
    console.error(
      `${failures ? s.red("✘") : s.green("✔")} ${
        printable(plan.scenario.name)
      }: ${files.length} file${files.length === 1 ? "" : "s"}, ${
        rows.toLocaleString("en-US")
      } rows, ${report.validation!.rules} rules, ${failures} failure${failures === 1 ? "" : "s"}`,
    );
    if (out.length) console.error(out.join("\n"));
    for (const n of report.notes) console.error(s.dim(`  note: ${printable(n, true)}`));
    if (values.report !== undefined) {
      const paths = await writeReport(report, values.report as string, values.force === true);
      console.error(`report → ${paths.map((p) => printable(p)).join(", ")}`);
    }
    return failures ? 1 : 0;
  } finally {
    plan.registry.close();
  }
}
