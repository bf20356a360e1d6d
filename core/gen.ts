/**
 * A whole generation run, as `fabricate gen` does it: load and compile the
 * scenario, stream every entity's batches through the validators and the
 * formatters into files, write the manifest and make the output visible
 * atomically.
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };
import {
  compile,
  type CompiledEntity,
  type CompiledFormat,
  type Plan,
  type PlanOptions,
} from "./compile.ts";
import { ENGINE_VERSION, World } from "./engine.ts";
import { FabricateError, PluginError, ScenarioError, UsageError } from "./errors.ts";
import { loadScenario, locateAll } from "./load_scenario.ts";
import {
  type FileSink,
  folderTarget,
  type OutputTarget,
  stdoutTarget,
  type WrittenFile,
} from "./output.ts";
import { compressedSink, type Compression, compressionSuffix } from "./compress.ts";
import { type Registry, registryFor } from "./registry.ts";
import { type PluginPolicy, scenarioPluginIssues } from "./sandbox/policy.ts";
import type {
  Batch,
  Chunk,
  EntitySchema,
  FormatterSetup,
  FormatterStream,
  MaybeChunk,
} from "./types.ts";
import { Validation, type ValidationSummary } from "./validation.ts";
import { entityBatches, entitySchemaOf } from "./batches.ts";
import { didYouMean } from "./did_you_mean.ts";
import { ReportCollector } from "./report/collect_report.ts";

/** Hears about progress, per entity. */
export interface ProgressListener {
  /** An entity starts. */
  start?(entity: string, total: number): void;
  /** `done` rows of the entity are written. */
  advance?(entity: string, done: number): void;
  /** The entity is finished. */
  end?(entity: string, rows: number, ms: number): void;
}

/** Options for loading and planning a scenario. */
export interface PrepareOptions extends PlanOptions {
  /** Folder relative paths resolve against (default: the current one). */
  cwd?: string;
  /** Plugins to use instead of the built-ins plus configured ones (the caller closes it). */
  registry?: Registry;
  /** What plugins may do (trust, grants, time limit), on top of the project's deno.json. */
  policy?: PluginPolicy;
}

/** Options of a generation run. */
export interface GenOptions extends PrepareOptions {
  /** Output folder, or `-` for stdout. Default `./out/<scenario>-<UTC timestamp>`. */
  out?: string;
  /** Replace an existing output folder. */
  force?: boolean;
  /** Fail the run (exit 1) when a validator reports a failure. */
  strict?: boolean;
  /** Write only these entities. */
  only?: string[];
  /** Progress events. */
  progress?: ProgressListener;
  /** Aborts the run; nothing is left at the output path. */
  signal?: AbortSignal;
  /**
   * Compress every file of a text format (`customers.csv.gz`); binary
   * formats (parquet, xlsx) are refused: they compress themselves.
   */
  compress?: { type: Compression; level?: number };
  /**
   * Also write report.html and report.json (the quality report, collected
   * while streaming; see docs/report.md). Needs an output folder.
   */
  report?: boolean;
}

/** What a run wrote, per entity. */
export interface EntityResult {
  /** The entity. */
  name: string;
  /** Rows written. */
  rows: number;
  /** Milliseconds spent on it. */
  ms: number;
  /** Files written (with format). */
  files: (WrittenFile & { format: string })[];
}

/** The manifest written beside the data. */
export interface Manifest {
  fabricate: string;
  /** The engine version: the same scenario, seed and engine give the same bytes. */
  engine: string;
  scenario: { name: string; source: string; extends: string[]; sha256: string };
  seed: number | string;
  reference_date: string;
  formats: string[];
  layout: string;
  /** Set when files are compressed (`--compress`). */
  compression?: Compression;
  plugins: { name: string; kind: string; version: string; source: string }[];
  entities: Record<string, { rows: number; files: (WrittenFile & { format: string })[] }>;
  /** Files holding several entities (layout single). */
  files?: (WrittenFile & { format: string })[];
  /** The period timelines spread rows over, when an entity follows one. */
  period?: { from: string; to: string };
  /** The quality report (`gen --report`): report.html and report.json. */
  report?: WrittenFile[];
  validation: ValidationSummary;
  started_at: string;
  duration_ms: number;
}

/** The outcome of a run. */
export interface GenResult {
  /** The output folder (absent for stdout). */
  dir?: string;
  /** The plan that ran. */
  plan: Plan;
  /** Per entity. */
  entities: EntityResult[];
  /** Validator outcomes. */
  validation: ValidationSummary;
  /** The manifest (also written as manifest.json). */
  manifest: Manifest;
  /** Wall time in milliseconds. */
  durationMs: number;
}

/** fabricate's version, from deno.json. */
export const VERSION: string = config.version;

/**
 * Loads, validates and plans a scenario without generating anything. When
 * the registry was made here and the scenario or project lists sandboxed
 * plugins, call `plan.registry.close()` once done: their Workers keep the
 * process alive.
 *
 * @param input A path, a built-in name or a scenario object.
 * @param options Overrides and the folder to resolve paths against.
 * @returns The plan.
 * @example
 * ```ts
 * import { prepare } from "./gen.ts";
 * const plan = await prepare("quickstart", { multiplier: 2 });
 * plan.entities.map((e) => `${e.name}: ${e.count}`);
 * ```
 */
export async function prepare(
  input: string | Record<string, unknown>,
  options: PrepareOptions = {},
): Promise<Plan> {
  const cwd = options.cwd ?? Deno.cwd();
  const loaded = await loadScenario(input, { cwd }).catch((e) => alsoCheckRest(e, options, cwd));
  // Only the user may trust a plugin or grant it permissions, never a scenario.
  const refused = scenarioPluginIssues(loaded.scenario.plugins, loaded.baseUrl, cwd);
  if (refused.length) throw new ScenarioError(locateAll(refused, loaded.locate));
  const registry = options.registry ??
    await registryFor(loaded.scenario.plugins, loaded.baseUrl, cwd, {
      ...(options.policy ? { policy: options.policy } : {}),
    });
  try {
    return await compile(loaded, registry, options);
  } catch (e) {
    if (!options.registry) registry.close();
    throw e;
  }
}

/**
 * Runs a scenario and writes its output.
 *
 * @param input A path, a built-in name or a scenario object.
 * @param options Output folder, overrides, strictness.
 * @returns What was written.
 * @throws {FabricateError} Exit code 2 for bad input, 1 for a failed run;
 *   nothing is left at the output path either way.
 * @example
 * ```ts
 * import { gen } from "./gen.ts";
 * const dir = await Deno.makeTempDir();
 * const result = await gen("quickstart", { out: `${dir}/shop`, counts: { orders: 50 } });
 * result.entities.map((e) => `${e.name}: ${e.rows}`);
 * ```
 */
export async function gen(
  input: string | Record<string, unknown>,
  options: GenOptions = {},
): Promise<GenResult> {
  const started = new Date();
  const t0 = performance.now();
  const plan = await prepare(input, options);
  try {
    return await run(plan, options, started, t0);
  } finally {
    // Sandboxed plugins' Workers would keep the process alive.
    if (!options.registry) plan.registry.close();
  }
}

/**
 * A scenario whose only schema problems are bad counts: compile the rest
 * too (counts as 0) and report every problem at once.
 */
async function alsoCheckRest(e: unknown, options: PrepareOptions, cwd: string): Promise<never> {
  const rest = (e as { rest?: Awaited<ReturnType<typeof loadScenario>> }).rest;
  if (!(e instanceof ScenarioError) || !rest) throw e;
  if (scenarioPluginIssues(rest.scenario.plugins, rest.baseUrl, cwd).length) throw e;
  let more: ScenarioError["issues"] = [];
  try {
    const registry = options.registry ??
      await registryFor(rest.scenario.plugins, rest.baseUrl, cwd, {
        ...(options.policy ? { policy: options.policy } : {}),
      });
    try {
      await compile(rest, registry, options);
    } finally {
      if (!options.registry) registry.close();
    }
  } catch (again) {
    if (again instanceof ScenarioError) more = again.issues;
  }
  throw new ScenarioError([...e.issues, ...more]);
}

async function run(
  plan: Plan,
  options: GenOptions,
  started: Date,
  t0: number,
): Promise<GenResult> {
  const entities = selectEntities(plan, options.only);
  if (options.compress) refuseBinary(plan, options.compress.type);
  const toStdout = options.out === "-";
  let layout = plan.layout;
  if (toStdout) layout = stdoutLayout(plan, entities.length);
  if (toStdout && options.report) {
    throw new UsageError("Cannot write a report to stdout", "pick an output folder with --out");
  }
  const report = options.report
    ? new ReportCollector(plan, { source: "gen", version: VERSION })
    : undefined;
  const world = new World(plan);
  const validation = await Validation.create(plan, world);
  const target: OutputTarget = toStdout ? stdoutTarget() : await folderTarget({
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.force !== undefined ? { force: options.force } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    scenario: plan.scenario.name,
  });
  const results: EntityResult[] = [];
  // Ctrl-C while a sandboxed plugin is busy (or stuck): stop its Worker now.
  const interrupt = () => plan.registry.interrupt();
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    const writer = new Writer(
      plan,
      layout,
      target,
      entities.map((e) => entitySchemaOf(plan, e)),
      options.compress,
    );
    await writer.open();
    for (const entity of entities) {
      const t = performance.now();
      const schema = entitySchemaOf(plan, entity);
      options.progress?.start?.(entity.name, entity.count);
      await writer.beginEntity(schema);
      report?.beginEntity(entity.name);
      const engine = world.engine(entity.name);
      for await (const { full, out } of entityBatches(engine, plan.batchSize)) {
        options.signal?.throwIfAborted();
        await validation.check(entity, full);
        await writer.write(out, schema);
        report?.add(out);
        options.progress?.advance?.(entity.name, out.start + out.length);
      }
      await validation.finish(entity);
      report?.endEntity(entity.name);
      const files = await writer.endEntity(schema);
      const ms = performance.now() - t;
      options.progress?.end?.(entity.name, entity.count, ms);
      results.push({ name: entity.name, rows: entity.count, ms, files });
    }
    const tail = await writer.close();
    const summary = validation.summary();
    if (options.strict && summary.failures > 0) {
      throw new FabricateError(
        `Validation failed: ${summary.failures} failure${
          summary.failures === 1 ? "" : "s"
        } (--strict)\n` +
          summary.results.filter((r) => r.failures > 0).map((r) =>
            `  ${r.entity}${
              r.field ? "." + r.field : ""
            } ${r.rule}: ${r.failures} of ${r.checked} rows, e.g. row ${r.examples[0]?.row}: ${
              r.examples[0]?.message
            }`
          ).join("\n"),
        1,
      );
    }
    const reportFiles: WrittenFile[] = [];
    if (report) {
      const { reportHtml } = await import("./report/report_html.ts");
      const data = report.result({ ...summary, source: "validators, while generating" });
      for (
        const [path, text] of [
          ["report.json", JSON.stringify(data, null, 2) + "\n"],
          ["report.html", reportHtml(data)],
        ]
      ) {
        const file = await target.open(path!);
        await file.write(text!);
        reportFiles.push(await file.close());
      }
    }
    const durationMs = performance.now() - t0;
    const manifest = buildManifest(plan, layout, results, summary, started, durationMs, tail);
    if (options.compress) manifest.compression = options.compress.type;
    if (reportFiles.length) manifest.report = reportFiles;
    if (!toStdout) {
      const file = await target.open("manifest.json");
      await file.write(JSON.stringify(manifest, null, 2) + "\n");
      await file.close();
    }
    await target.commit();
    return {
      ...(target.dir ? { dir: target.dir } : {}),
      plan,
      entities: results,
      validation: summary,
      manifest,
      durationMs,
    };
  } catch (e) {
    await target.abort();
    if ((e instanceof DOMException && e.name === "AbortError") || options.signal?.aborted) {
      const site = e instanceof PluginError ? e.site : undefined;
      const busy = site?.row !== undefined
        ? ` while plugin "${site.plugin}" was working on ${site.entity}.${site.field} row ${site.row} (stopped)`
        : "";
      // The CLI aborts with the signal's name as the reason's message: exit 128 + its number.
      const reason = options.signal?.reason;
      const signal = reason instanceof DOMException ? reason.message : "";
      const code = ({ SIGHUP: 129, SIGTERM: 143 } as Record<string, number>)[signal] ?? 130;
      const by = code === 130 ? "" : ` by ${signal}`;
      throw new FabricateError(
        `Interrupted${by}${busy}: nothing was written to the output path`,
        code,
      );
    }
    throw e;
  } finally {
    options.signal?.removeEventListener("abort", interrupt);
  }
}

/**
 * The entities a run writes: all of them, or those named by `--only` (an
 * unknown name is a usage error with a did-you-mean).
 *
 * @param plan The compiled plan.
 * @param only The names given to `--only`, if any.
 * @returns The entities, in plan order.
 * @example
 * ```ts ignore
 * selectEntities(plan, ["customers"]).map((e) => e.name); // ["customers"]
 * ```
 */
export function selectEntities(
  plan: Plan,
  only: readonly string[] | undefined,
): readonly CompiledEntity[] {
  if (!only?.length) return plan.entities;
  const names = plan.entities.map((e) => e.name);
  for (const name of only) {
    if (!plan.byName.has(name)) {
      throw new UsageError(
        `Unknown entity "${name}" in --only`,
        didYouMean(name, names, "entities"),
      );
    }
  }
  return plan.entities.filter((e) => only.includes(e.name));
}

/** Compression is for text: a binary format (parquet, xlsx) compresses itself. */
function refuseBinary(plan: Plan, compression: Compression): void {
  const binary = plan.formats.filter((f) => f.plugin.binary).map((f) => f.plugin.name);
  if (binary.length === 0) return;
  throw new UsageError(
    `Cannot --compress ${compression} ${binary.join(" and ")}: ${
      binary.length === 1 ? "it is a binary format that compresses" : "they compress"
    } itself`,
    binary.includes("parquet")
      ? "drop --compress; parquet takes a codec in its options (output: { parquet: { compression: zstd } })"
      : "drop --compress, or write a text format (csv, jsonl, json, …)",
  );
}

function stdoutLayout(plan: Plan, entityCount: number): Plan["layout"] {
  if (plan.formats.length > 1) {
    throw new UsageError("Cannot write several formats to stdout", "pick one with --format");
  }
  if (plan.layout === "split") {
    throw new UsageError('Cannot write layout "split" to stdout', "pick a folder with --out");
  }
  const f = plan.formats[0]!.plugin;
  if (entityCount > 1) {
    if (!f.multiEntity) {
      throw new UsageError(
        `Cannot write ${entityCount} entities as ${f.name} to stdout: one ${f.name} stream holds one entity`,
        `pick one with --only <entity>, or use a format that holds several (json, yaml, sql)`,
      );
    }
    return "single";
  }
  return plan.layout;
}

/** Drives the formatters for a layout and records what was written. */
class Writer {
  readonly #open = new Map<
    CompiledFormat,
    { stream: FormatterStream; file: Awaited<ReturnType<OutputTarget["open"]>> }
  >();
  readonly #splitWidth: Map<string, number>;

  constructor(
    readonly plan: Plan,
    readonly layout: Plan["layout"],
    readonly target: OutputTarget,
    readonly schemas: EntitySchema[],
    readonly compress?: { type: Compression; level?: number },
  ) {
    this.#splitWidth = new Map(schemas.map((s) => [s.name, Math.max(4, String(s.count).length)]));
  }

  async open(): Promise<void> {
    if (this.layout !== "single") return;
    for (const format of this.plan.formats) {
      await this.#start(
        format,
        `${this.plan.scenario.name}.${format.plugin.extension}`,
        this.schemas,
      );
    }
  }

  async beginEntity(schema: EntitySchema): Promise<void> {
    if (this.layout === "split") return;
    if (this.layout === "per-entity") {
      for (const format of this.plan.formats) {
        await this.#start(format, `${schema.name}.${format.plugin.extension}`, [schema]);
      }
    }
    for (const [format, { stream, file }] of this.#open) {
      await this.#emit(
        file,
        format,
        "beginEntity",
        schema.name,
        () => stream.beginEntity?.(schema),
      );
    }
  }

  async write(batch: Batch, schema: EntitySchema): Promise<void> {
    if (this.layout === "split") return this.#writeSplit(batch, schema);
    for (const [format, { stream, file }] of this.#open) {
      await this.#emit(
        file,
        format,
        "write",
        schema.name,
        () => stream.write(batch, schema),
        batch.start,
      );
    }
  }

  async endEntity(schema: EntitySchema): Promise<(WrittenFile & { format: string })[]> {
    if (this.layout === "split") {
      const files = this.#splitFiles;
      this.#splitFiles = [];
      return files;
    }
    for (const [format, { stream, file }] of this.#open) {
      await this.#emit(file, format, "endEntity", schema.name, () => stream.endEntity?.(schema));
    }
    if (this.layout === "per-entity") return await this.#finishAll();
    return [];
  }

  async close(): Promise<(WrittenFile & { format: string })[]> {
    if (this.layout !== "single") return [];
    return await this.#finishAll();
  }

  #splitFiles: (WrittenFile & { format: string })[] = [];

  async #writeSplit(batch: Batch, schema: EntitySchema): Promise<void> {
    const width = this.#splitWidth.get(schema.name)!;
    for (let k = 0; k < batch.length; k++) {
      const row: Batch = {
        entity: batch.entity,
        start: batch.start + k,
        length: 1,
        fields: batch.fields,
        columns: batch.columns.map((c) => [c[k]]),
      };
      const n = String(batch.start + k + 1).padStart(width, "0");
      for (const format of this.plan.formats) {
        const path = `${schema.name}/${schema.name}-${n}.${format.plugin.extension}`;
        const file = await this.#openFile(path);
        const stream = await this.#create(format, [schema], schema.name);
        await this.#emit(file, format, "start", schema.name, () => stream.start?.());
        await this.#emit(
          file,
          format,
          "beginEntity",
          schema.name,
          () => stream.beginEntity?.(schema),
        );
        await this.#emit(
          file,
          format,
          "write",
          schema.name,
          () => stream.write(row, schema),
          row.start,
        );
        await this.#emit(file, format, "endEntity", schema.name, () => stream.endEntity?.(schema));
        await this.#emit(file, format, "finish", schema.name, () => stream.finish?.());
        this.#splitFiles.push({ ...(await file.close()), format: format.plugin.name });
      }
    }
  }

  /** Opens a file, compressed (and its name suffixed) with `--compress`. */
  async #openFile(path: string): Promise<FileSink> {
    if (!this.compress) return await this.target.open(path);
    const { type, level } = this.compress;
    const file = await this.target.open(path + compressionSuffix(type));
    return compressedSink(file, type, level);
  }

  async #start(format: CompiledFormat, path: string, schemas: EntitySchema[]): Promise<void> {
    const file = await this.#openFile(path);
    const stream = await this.#create(
      format,
      schemas,
      schemas.length === 1 ? schemas[0]!.name : undefined,
    );
    this.#open.set(format, { stream, file });
    await this.#emit(file, format, "start", undefined, () => stream.start?.());
  }

  async #create(
    format: CompiledFormat,
    schemas: EntitySchema[],
    entity: string | undefined,
  ): Promise<FormatterStream> {
    const setup: FormatterSetup = {
      scenario: this.plan.scenario.name,
      layout: this.layout,
      entities: schemas,
    };
    try {
      const stream = await format.plugin.create(format.options, setup);
      if (typeof stream?.write !== "function") {
        throw new Error("create() must return an object with write()");
      }
      return stream;
    } catch (e) {
      throw new PluginError({
        plugin: format.plugin.name,
        hook: "create",
        ...(entity ? { entity } : {}),
      }, e);
    }
  }

  async #finishAll(): Promise<(WrittenFile & { format: string })[]> {
    const files: (WrittenFile & { format: string })[] = [];
    for (const [format, { stream, file }] of this.#open) {
      await this.#emit(file, format, "finish", undefined, () => stream.finish?.());
      files.push({ ...(await file.close()), format: format.plugin.name });
    }
    this.#open.clear();
    return files;
  }

  async #emit(
    file: Awaited<ReturnType<OutputTarget["open"]>>,
    format: CompiledFormat,
    hook: string,
    entity: string | undefined,
    call: () => MaybeChunk | undefined,
    row?: number,
  ): Promise<void> {
    let chunk: Chunk | void;
    try {
      chunk = await call();
      if (chunk !== undefined && typeof chunk !== "string" && !(chunk instanceof Uint8Array)) {
        throw new Error(`${hook}() returned ${typeof chunk}; expected a string or Uint8Array`);
      }
    } catch (e) {
      // Already placed (a sandboxed formatter names the batch that failed): keep it.
      if (e instanceof PluginError) throw e;
      throw new PluginError({
        plugin: format.plugin.name,
        hook,
        ...(entity ? { entity } : {}),
        ...(row !== undefined ? { row } : {}),
      }, e);
    }
    if (chunk !== undefined) await file.write(chunk);
  }
}

function buildManifest(
  plan: Plan,
  layout: string,
  results: EntityResult[],
  validation: ValidationSummary,
  started: Date,
  durationMs: number,
  shared: (WrittenFile & { format: string })[],
): Manifest {
  const used = new Set<string>();
  for (const e of plan.entities) {
    for (const f of e.declared) used.add(`generator:${f.plugin.name}`);
    for (const r of e.rules) used.add(`validator:${r.plugin.name}`);
  }
  for (const f of plan.formats) used.add(`formatter:${f.plugin.name}`);
  return {
    fabricate: VERSION,
    engine: ENGINE_VERSION,
    scenario: {
      name: plan.scenario.name,
      source: plan.loaded.file,
      extends: plan.loaded.files.slice(1),
      sha256: plan.loaded.hash,
    },
    seed: plan.seed,
    reference_date: plan.scenario.reference_date,
    formats: plan.formats.map((f) => f.plugin.name),
    layout,
    plugins: plan.registry.list()
      .filter((r) => used.has(`${r.plugin.kind}:${r.plugin.name}`))
      .map((r) => ({
        name: r.plugin.name,
        kind: r.plugin.kind,
        version: r.plugin.version,
        source: r.source,
      })),
    entities: Object.fromEntries(results.map((r) => [r.name, {
      rows: r.rows,
      files: r.files,
    }])),
    ...(shared.length ? { files: shared } : {}),
    ...periodOf(plan),
    validation,
    started_at: started.toISOString(),
    duration_ms: Math.round(durationMs),
  };
}

function periodOf(plan: Plan): { period?: { from: string; to: string } } {
  const t = plan.entities.find((e) => e.timeline)?.timeline;
  if (!t) return {};
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { period: { from: day(t.from.getTime()), to: day(t.to.getTime() - 86_400_000) } };
}
