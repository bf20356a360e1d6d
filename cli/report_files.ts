/**
 * What `report` and `check` share: the plan a folder was generated from
 * (seed, counts and period from its manifest), reading its files through
 * the report collector (and the validators), and writing the report files
 * atomically without overwriting silently.
 *
 * @module
 */
import { FabricateError, UsageError } from "../core/errors.ts";
import { type Manifest, prepare, VERSION } from "../core/gen.ts";
import type { CompiledEntity, Plan } from "../core/compile.ts";
import type { PluginPolicy } from "../core/sandbox/policy.ts";
import { type Report, ReportCollector } from "../core/report/collect_report.ts";
import { World } from "../core/engine.ts";
import { Validation, type ValidationSummary } from "../core/validation.ts";
import type { Batch, FieldType } from "../core/types.ts";
import { type DataFile, readBatches } from "./data_files.ts";

/**
 * Reads `manifest.json` of an output folder, if there is one.
 *
 * @param dir The folder.
 * @returns The manifest, or undefined when the folder has none.
 * @throws {UsageError} A manifest that is not JSON.
 * @example
 * ```ts ignore
 * const manifest = await readManifest("out/shop");
 * ```
 */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/manifest.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`Cannot read ${dir}/manifest.json: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new UsageError(`Cannot read ${dir}/manifest.json: ${(e as Error).message}`);
  }
}

/**
 * Compiles a scenario with a manifest's seed, row counts and period, so
 * timelines, anomalies and ref validators match the run that wrote the files.
 * A manifest of another scenario (by name) is not used.
 *
 * @param scenario A scenario file or built-in name.
 * @param manifest The folder's manifest, if any.
 * @param policy Plugin policy from the command line.
 * @returns The plan (the caller closes its registry) and whether the manifest applied.
 * @example
 * ```ts ignore
 * const { plan } = await planFor("quickstart", await readManifest("out/shop"), {});
 * ```
 */
export async function planFor(
  scenario: string,
  manifest: Manifest | undefined,
  policy: PluginPolicy,
): Promise<{ plan: Plan; usesManifest: boolean }> {
  const plain = await prepare(scenario, { policy });
  if (!manifest || manifest.scenario.name !== plain.scenario.name) {
    return { plan: plain, usesManifest: false };
  }
  plain.registry.close();
  const known = new Set(plain.entities.map((e) => e.name));
  const plan = await prepare(scenario, {
    policy,
    seed: manifest.seed,
    counts: Object.fromEntries(
      Object.entries(manifest.entities).filter(([name]) => known.has(name))
        .map(([name, e]) => [name, e.rows]),
    ),
    ...(manifest.period ? { period: manifest.period } : {}),
  });
  return { plan, usesManifest: true };
}

/** Field types of an entity's output fields. */
function typesOf(entity: CompiledEntity | undefined): Map<string, FieldType> {
  return new Map(entity?.outputs.map((f) => [f.name, f.type]) ?? []);
}

/**
 * Streams files through the report collector (and the scenario's validators
 * when asked), entity by entity in the plan's order.
 *
 * @param plan The plan, or undefined when the scenario is unknown.
 * @param files The data files by entity.
 * @param options Validate too; expected row counts (manifest).
 * @returns The report collector and, when validating, the validators' summary.
 * @example
 * ```ts ignore
 * const { collector } = await collectFiles(plan, files, { validate: false });
 * ```
 */
export async function collectFiles(
  plan: Plan | undefined,
  files: DataFile[],
  options: { validate: boolean; expectedRows?: Record<string, number> },
): Promise<{ collector: ReportCollector; validation?: ValidationSummary; skipped: string[] }> {
  const collector = new ReportCollector(plan, {
    source: "files",
    version: VERSION,
    ...(options.expectedRows ? { expectedRows: options.expectedRows } : {}),
  });
  const skipped: string[] = [];
  let validation: Validation | undefined;
  if (options.validate && plan) {
    // Fields that are not written (hidden) cannot be checked from files.
    const present = new Map<string, Set<string>>();
    for (const e of plan.entities) present.set(e.name, new Set(e.outputs.map((f) => f.name)));
    const checked: Plan = {
      ...plan,
      entities: plan.entities.map((e) => ({
        ...e,
        rules: e.rules.filter((r) => {
          const ok = files.some((f) => f.entity === e.name) &&
            (r.field === undefined || present.get(e.name)!.has(r.field));
          if (!ok && files.some((f) => f.entity === e.name)) {
            skipped.push(`${e.name}.${r.field} ${r.plugin.name}: the field is not written`);
          }
          return ok;
        }),
      })),
    };
    validation = await Validation.create(checked, new World(plan));
  }
  const order = plan
    ? plan.entities.flatMap((e) => files.filter((f) => f.entity === e.name))
    : files;
  // The sql formatter's table prefix, to find an entity's table in a single-layout script.
  const sql = plan?.formats.find((f) => f.plugin.name === "sql")?.options as
    | { table_prefix?: string }
    | undefined;
  const read = sql?.table_prefix ? { tablePrefix: sql.table_prefix } : {};
  for (const file of order) {
    const entity = plan?.byName.get(file.entity);
    collector.beginEntity(file.entity);
    for await (const batch of readBatches(file, typesOf(entity), read)) {
      collector.add(batch);
      if (validation && entity) await validation.check(entity, withAllFields(batch, entity));
    }
    if (validation && entity) await validation.finish(entity);
    collector.endEntity(file.entity);
  }
  return { collector, ...(validation ? { validation: validation.summary() } : {}), skipped };
}

/** Every output field as a column (missing ones as nulls), so rules find their field. */
function withAllFields(batch: Batch, entity: CompiledEntity): Batch {
  const fields = [...batch.fields];
  const columns = [...batch.columns];
  for (const f of entity.outputs) {
    if (fields.includes(f.name)) continue;
    fields.push(f.name);
    columns.push(new Array(batch.length).fill(null));
  }
  return { ...batch, fields, columns };
}

/**
 * Writes report.html and report.json atomically (temporary name, then
 * rename); refuses to replace existing files unless `force`.
 *
 * @param report The report.
 * @param html Where the HTML goes; the JSON goes beside it (`.json`).
 * @param force Replace existing files.
 * @returns The two paths written.
 * @throws {UsageError} When a file exists and `force` is not set.
 * @example
 * ```ts ignore
 * await writeReport(report, "out/shop/report.html", false);
 * ```
 */
export async function writeReport(report: Report, html: string, force: boolean): Promise<string[]> {
  const json = html.replace(/\.html?$/i, "") + ".json";
  const paths = [html, json];
  if (!force) {
    for (const p of paths) {
      try {
        await Deno.lstat(p);
        throw new UsageError(
          `Cannot write ${p}: it already exists`,
          "pass --force to replace it, or --out another.html",
        );
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  const { reportHtml } = await import("../core/report/report_html.ts");
  const texts = [reportHtml(report), JSON.stringify(report, null, 2) + "\n"];
  const temps: string[] = [];
  try {
    for (let k = 0; k < 2; k++) {
      const tmp = `${paths[k]}.tmp-${crypto.randomUUID().slice(0, 8)}`;
      temps.push(tmp);
      await Deno.writeTextFile(tmp, texts[k]!, { createNew: true });
    }
    for (let k = 0; k < 2; k++) await Deno.rename(temps[k]!, paths[k]!);
  } catch (e) {
    for (const t of temps) await Deno.remove(t).catch(() => {});
    if (e instanceof FabricateError) throw e;
    throw new UsageError(`Cannot write the report: ${(e as Error).message}`);
  }
  return paths;
}
