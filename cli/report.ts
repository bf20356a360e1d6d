/**
 * What `gen` prints: the summary table after a run, the plan of a dry run
 * and the rows of a preview.
 *
 * @module
 */
import type { GenResult } from "../core/gen.ts";
import type { Plan } from "../core/compile.ts";
import { World } from "../core/engine.ts";
import { entityBatches } from "../core/batches.ts";
import { printable, style } from "./style.ts";

/**
 * Formats rows as an aligned text table.
 *
 * @param header Column names.
 * @param rows Cell texts.
 * @param align Per column: right-align when true.
 * @returns The table.
 * @example
 * ```ts
 * import { table } from "./report.ts";
 * table(["a", "b"], [["1", "x"]]); // "a  b\n1  x"
 * ```
 */
export function table(header: string[], rows: string[][], align: boolean[] = []): string {
  // Names, descriptions and values may come from untrusted scenarios or plugins.
  header = header.map((h) => printable(h, true));
  rows = rows.map((r) => r.map((cell) => printable(cell, true)));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (align[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(
      "  ",
    )
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * A byte count for people: `1.2 MB`.
 *
 * @param n Bytes.
 * @returns Text.
 * @example
 * ```ts
 * import { bytes } from "./report.ts";
 * bytes(1536); // "1.5 KB"
 * ```
 */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Prints the end-of-run summary to stderr.
 *
 * @param result The run's result.
 * @example
 * ```ts ignore
 * printSummary(await gen("quickstart"));
 * ```
 */
export function printSummary(result: GenResult): void {
  const s = style(Deno.stderr);
  const where = result.dir ? relative(result.dir) : "stdout";
  // Layout single: the entities share files the manifest lists apart.
  const shared = result.manifest.files ?? [];
  const sharedName = shared.length === 1 ? shared[0]!.path : `${shared.length} files`;
  const rows = result.entities.map((e) => [
    e.name,
    fmt(e.rows),
    e.files.length === 0 && shared.length
      ? sharedName
      : e.files.length === 1
      ? e.files[0]!.path
      : `${e.files.length} files`,
    e.files.length === 0 && shared.length
      ? "shared"
      : bytes(e.files.reduce((n, f) => n + f.bytes, 0)),
    `${(e.ms / 1000).toFixed(2)}s`,
    fmt(e.ms > 0 ? e.rows / (e.ms / 1000) : 0),
  ]);
  const total = result.entities.reduce((n, e) => n + e.rows, 0);
  console.error(
    `${s.green("✔")} ${
      s.bold(result.plan.scenario.name)
    } → ${where}  (seed ${result.plan.seed})\n` +
      table(["entity", "rows", "file", "size", "time", "rows/s"], rows, [
        false,
        true,
        false,
        true,
        true,
        true,
      ]) +
      shared.map((f) => `\n${f.path}: ${bytes(f.bytes)} (all entities)`).join("") +
      `\n${fmt(total)} rows in ${(result.durationMs / 1000).toFixed(2)}s` +
      (result.workers > 1 ? ` (${result.workers} workers)` : "") +
      result.notes.map((n) => `\n${s.dim("note:")} ${n}`).join(""),
  );
  const v = result.validation;
  if (v.rules > 0) {
    const line = `validation: ${v.rules} rule${v.rules === 1 ? "" : "s"}, ${v.failures} failure${
      v.failures === 1 ? "" : "s"
    }`;
    console.error(v.failures ? s.yellow(line) : line);
    for (const r of v.results.filter((r) => r.failures > 0)) {
      const ex = r.examples[0];
      console.error(
        `  ${r.entity}${r.field ? "." + r.field : ""} ${r.rule}: ${fmt(r.failures)} of ${
          fmt(r.checked)
        } rows` +
          (ex ? `, e.g. row ${ex.row}: ${printable(ex.message, true)}` : ""),
      );
    }
  }
}

/**
 * Prints a dry run's plan to stderr: entities in order, counts, fields and
 * the files that would be written.
 *
 * @param plan The plan.
 * @param out The --out value, if any.
 * @example
 * ```ts ignore
 * printDryRun(await prepare("quickstart"), undefined);
 * ```
 */
export function printDryRun(plan: Plan, out: string | undefined): void {
  const s = style(Deno.stderr);
  console.error(
    `${
      s.bold(plan.scenario.name)
    }: valid. Plan (seed ${plan.seed}, layout ${plan.layout}, formats ${
      plan.formats.map((f) => f.plugin.name).join(", ")
    }):`,
  );
  for (const e of plan.entities) {
    console.error(`  ${s.bold(e.name)}  ${fmt(e.count)} rows`);
    for (const f of e.declared) {
      const extra = [
        f.ref ? `→ ${f.ref.entity}.${f.ref.field}` : "",
        f.nullable ? `nullable ${f.nullable}` : "",
        f.unique ? "unique" : "",
        f.hidden ? "hidden" : "",
      ].filter(Boolean).join(", ");
      console.error(
        `    ${f.name.padEnd(18)} ${f.plugin.name}${extra ? s.dim(`  (${extra})`) : ""}`,
      );
    }
  }
  console.error(
    `Would write to ${out ?? `./out/${plan.scenario.name}-<UTC timestamp>/`}; nothing was written.`,
  );
}

/**
 * Prints the first rows of each entity to stdout as aligned tables.
 *
 * @param plan The plan.
 * @param n Rows per entity.
 * @param only Entities to show (all when absent).
 * @example
 * ```ts ignore
 * printPreview(await prepare("quickstart"), 5, undefined);
 * ```
 */
export async function printPreview(
  plan: Plan,
  n: number,
  only: string[] | undefined,
): Promise<void> {
  const world = new World(plan);
  for (const entity of plan.entities) {
    if (only?.length && !only.includes(entity.name)) continue;
    const count = Math.min(n, entity.count);
    const rows: string[][] = [];
    for await (const { out } of entityBatches(world.engine(entity.name), count, 0, count)) {
      for (let k = 0; k < out.length; k++) rows.push(out.columns.map((c) => cellText(c[k])));
    }
    console.log(`# ${entity.name} (${fmt(count)} of ${fmt(entity.count)} rows)`);
    console.log(table(entity.outputs.map((f) => f.name), rows));
    console.log();
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "∅";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  const flat = printable(s.replace(/\s+/g, " "), true);
  return flat.length > 40 ? flat.slice(0, 39) + "…" : flat;
}

function relative(dir: string): string {
  const cwd = Deno.cwd();
  return dir.startsWith(cwd + "/") ? dir.slice(cwd.length + 1) : dir;
}
