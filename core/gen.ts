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
import { type LoadedScenario, loadScenario, locateAll } from "./load_scenario.ts";
import {
  type FileSink,
  folderTarget,
  type OutputTarget,
  stdoutTarget,
  type WrittenFile,
} from "./output.ts";
import { compressedSink, type Compression, compressionSuffix } from "./compress.ts";
import { type Registry, registryFor } from "./registry.ts";
import { type PluginPolicy, projectConfig, scenarioPluginIssues } from "./sandbox/policy.ts";
import { neededBuiltins } from "./needed_builtins.ts";
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
import { GenWorkers } from "./gen_workers.ts";
import { TaskRunner } from "./gen_task.ts";
import { parallelBatches, type ReadyBatch } from "./parallel_batches.ts";
import { type Journal, readJournal, removeJournal, runKey, writeJournal } from "./journal.ts";
import { partName, type Shard, shardRange } from "./row_ranges.ts";
import { earlyWorkerCount, workerCount, workerOptions } from "./worker_count.ts";
import { ReportCollector } from "./report/collect_report.ts";

/** Hears about progress, per entity. */
export interface ProgressListener {
  /** An entity starts; `workers`: the threads making its rows (rows arrive in order). */
  start?(entity: string, total: number, workers?: number): void;
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
   * Threads generating and formatting rows: the main thread and N − 1
   * Workers (default: the number of cores, or 1 for runs under 50,000 rows).
   * The output is the same bytes whatever the count.
   */
  workers?: number;
  /** Write only this shard's rows of every entity, into part files. */
  shard?: Shard;
  /**
   * Keep checkpoints, and on interrupt keep the staging folder, so that the
   * run can be continued with `resume`.
   */
  resumable?: boolean;
  /** Continue the interrupted resumable run into `out` (implies `resumable`). */
  resume?: boolean;
  /**
   * Milliseconds between checkpoints of a resumable run (default 1000).
   * Each checkpoint fsyncs the open files: shorter loses less work to a
   * kill, longer costs less. It does not change the bytes written.
   */
  checkpointMs?: number;
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
  /** This run wrote one shard (`--shard`): rows `[first_row, first_row + rows)` of each entity. */
  shard?: { index: number; count: number; first_rows: Record<string, number> };
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
  /** Threads that made rows: the main thread and `workers - 1` Workers (1: the main thread alone). */
  workers: number;
  /** Why fewer Workers than asked for were used, or an entity ran on the main thread. */
  notes: string[];
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
  return await planLoaded(loaded, options, cwd);
}

/** Checks a loaded scenario's plugins, loads them and compiles the plan. */
async function planLoaded(
  loaded: LoadedScenario,
  options: PrepareOptions,
  cwd: string,
): Promise<Plan> {
  // Only the user may trust a plugin or grant it permissions, never a scenario.
  const refused = scenarioPluginIssues(loaded.scenario.plugins, loaded.baseUrl, cwd);
  if (refused.length) throw new ScenarioError(locateAll(refused, loaded.locate));
  if (!options.registry && loaded.scenario.plugins.length === 0) {
    // Import only the built-ins the scenario names (most of a small run's time is imports).
    const project = await projectConfig(cwd).catch(() => undefined);
    if (!project?.entries.length) {
      const some = await registryFor([], loaded.baseUrl, cwd, {
        ...(options.policy ? { policy: options.policy } : {}),
        builtins: neededBuiltins(loaded.scenario, options),
      });
      try {
        return await compile(loaded, some, options);
      } catch {
        // A plugin the guess missed, or a problem: plan with every built-in (same plan or errors).
        some.close();
      }
    }
  }
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
  const cwd = options.cwd ?? Deno.cwd();
  const loaded = await loadScenario(input, { cwd }).catch((e) => alsoCheckRest(e, options, cwd));
  // A large run's Workers load the scenario while this thread plans it.
  const threads = await earlyWorkerCount(loaded, input, options);
  const early = threads > 1
    ? GenWorkers.start(
      threads - 1,
      input,
      workerOptions(options),
      neededBuiltins(loaded.scenario, options),
    )
    : undefined;
  try {
    const plan = await planLoaded(loaded, options, cwd);
    try {
      return await run(plan, input, options, started, t0, early);
    } finally {
      // Sandboxed plugins' Workers would keep the process alive.
      if (!options.registry) plan.registry.close();
    }
  } finally {
    early?.close();
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
  input: string | Record<string, unknown>,
  options: GenOptions,
  started: Date,
  t0: number,
  early: GenWorkers | undefined,
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
  const shard = options.shard;
  if (shard && layout === "single") {
    throw new UsageError(
      'Cannot write layout "single" in shards: parts of one document cannot be joined',
      "use --layout per-entity (the default) with --shard",
    );
  }
  const resumable = options.resumable === true || options.resume === true;
  if (options.checkpointMs !== undefined) {
    if (!resumable) {
      throw new UsageError(
        "--checkpoint-every applies only to a resumable run",
        "add --resumable (or --resume DIR)",
      );
    }
    if (!(Number.isFinite(options.checkpointMs) && options.checkpointMs > 0)) {
      throw new UsageError(`Expected a checkpoint interval > 0, got ${options.checkpointMs} ms`);
    }
  }
  if (resumable && toStdout) {
    throw new UsageError("Cannot resume output to stdout", "write to a folder with --out");
  }
  if (resumable && (options.compress || options.report)) {
    throw new UsageError(
      `Cannot make a run with --${options.compress ? "compress" : "report"} resumable`,
      "a compressed stream or a report cannot be continued from a checkpoint; drop one of them",
    );
  }
  if (resumable && layout === "split") {
    throw new UsageError(
      'Cannot make a run of layout "split" resumable',
      "use layout per-entity or single, or run without --resumable",
    );
  }
  const rangeOf = (e: CompiledEntity): [number, number] =>
    shard ? shardRange(e.count, shard) : [0, e.count];
  const notes: string[] = [];
  const workers = workerCount(plan, input, entities.map(rangeOf), layout, options, notes);
  // Workers load the scenario (unless started before planning) while the main thread
  // sets up and starts generating.
  const helpers = workers - 1;
  if (early && early.size !== helpers) early.close();
  const pool = workers <= 1 ? undefined : early?.size === helpers ? early : GenWorkers.start(
    helpers,
    input,
    workerOptions(options),
    plan.registry.used().filter((r) => r.builtin).map((r) => r.source),
  );
  const world = new World(plan);
  // The main thread makes rows too, between writes: N threads are it and N − 1 Workers.
  const local = pool ? new TaskRunner(plan, world) : undefined;
  let validation: Validation;
  let target: OutputTarget;
  try {
    validation = await Validation.create(plan, world);
    target = toStdout ? stdoutTarget() : await folderTarget({
      ...(options.out !== undefined ? { out: options.out } : {}),
      ...(options.force !== undefined ? { force: options.force } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.resume ? { resume: true } : {}),
      scenario: plan.scenario.name,
    });
  } catch (e) {
    pool?.close();
    throw e;
  }
  const results: EntityResult[] = [];
  // A refused resume leaves the interrupted run as it was.
  let keep = false;
  const interrupt = () => {
    plan.registry.interrupt();
    pool?.close(new DOMException("Interrupted", "AbortError"));
  };
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    const key = resumable ? runKey(keyFacts(plan, entities, layout, options)) : "";
    const checkpointMs = options.checkpointMs ?? CHECKPOINT_MS;
    let journal: Journal | undefined;
    if (target.resumed) {
      journal = await readJournal(target.staging!);
      if (journal.key !== key) {
        keep = true;
        throw new FabricateError(
          `Cannot resume "${options.out}": the interrupted run had another scenario, seed or ` +
            `options (counts, formats, layout, --only, --shard or fabricate's version)\n` +
            `  hint: give the same scenario and options as the first run, or run again without ` +
            `--resume (it starts over)`,
          2,
        );
      }
      started = new Date(journal.started_at);
    }
    const schemas = entities.map((e) => entitySchemaOf(plan, e));
    const writer = new Writer(plan, layout, target, schemas, options.compress, shard, {
      ...journal?.shared,
      ...journal?.current?.files,
    }, resumable);
    const checkpoint = resumable
      ? async (current?: Journal["current"]) => {
        const files = await writer.sync();
        const state: Journal = {
          key,
          started_at: started.toISOString(),
          done: results.map((r) => ({ ...r, validation: validation.summaryOf(r.name) })),
          ...(current ? { current: { ...current, files } } : { shared: files }),
        };
        await writeJournal(target.staging!, state);
      }
      : undefined;
    await writer.open();
    if (checkpoint && !journal) await checkpoint();
    for (const [e, entity] of entities.entries()) {
      const schema = schemas[e]!;
      const [from, to] = rangeOf(entity);
      const finished = journal?.done.find((d) => d.name === entity.name);
      if (finished) {
        // Written before the interruption: its files are complete, a shared file moves on.
        validation.restore(entity.name, finished.validation);
        const { validation: _, ...result } = finished;
        results.push(result);
        await writer.skipEntity(schema, from, to);
        continue;
      }
      const current = journal?.current?.name === entity.name ? journal.current : undefined;
      const t = performance.now() - (current?.ms ?? 0);
      const resumeAt = current?.row ?? from;
      const sequential = entity.fields.find((f) => f.uniqueByRetry);
      options.progress?.start?.(entity.name, to - from, pool && !sequential ? workers : 1);
      await writer.beginEntity(schema, from, current !== undefined);
      if (current) writer.seek(schema, resumeAt);
      writer.unmute();
      report?.beginEntity(entity.name);
      if (pool && sequential) {
        notes.push(
          `${entity.name}: generated on the main thread (${sequential.name} is unique by retry, ` +
            `so each row depends on the rows before it)`,
        );
      }
      // Rows before those written here: a unique-by-retry field needs them all generated
      // (its seen values), validators those of this shard that the interrupted run checked.
      if (sequential && from > 0) {
        for await (const _ of localBatches(world, plan, entity, 0, from)) {
          options.signal?.throwIfAborted();
        }
      }
      if (resumeAt > from && (sequential || entity.rules.length > 0)) {
        const replay = pool && !sequential
          ? parallelBatches({
            pool,
            ...(local ? { local } : {}),
            plan,
            entity,
            from,
            to: resumeAt,
            format: false,
            layout,
            entities,
            columns: false,
          })
          : localBatches(world, plan, entity, from, resumeAt);
        for await (const b of replay) {
          options.signal?.throwIfAborted();
          if (b.full) await validation.check(entity, b.full);
        }
      }
      const batches = pool && !sequential
        ? parallelBatches({
          pool,
          ...(local ? { local } : {}),
          plan,
          entity,
          from: resumeAt,
          to,
          format: writer.canSeek(),
          layout,
          entities,
          columns: report !== undefined,
        })
        : localBatches(world, plan, entity, resumeAt, to);
      let saved = performance.now();
      for await (const b of batches) {
        options.signal?.throwIfAborted();
        if (b.full) await validation.check(entity, b.full);
        if (b.chunks) await writer.writeChunks(b.chunks);
        else await writer.write(b.out!, schema);
        report?.add(b.out!);
        const row = b.start + b.length;
        options.progress?.advance?.(entity.name, row - from);
        // A checkpoint a second: the files are fsynced, then the journal names their sizes.
        if (
          checkpoint && row < to && performance.now() - saved >= checkpointMs && writer.canSeek()
        ) {
          await checkpoint({ name: entity.name, row, files: {}, ms: performance.now() - t });
          saved = performance.now();
        }
      }
      await validation.finish(entity);
      report?.endEntity(entity.name);
      const files = await writer.endEntity(schema, to);
      const ms = performance.now() - t;
      options.progress?.end?.(entity.name, to - from, ms);
      results.push({ name: entity.name, rows: to - from, ms, files });
      // A file shared by entities whose format cannot seek is resumed from its start only.
      if (layout !== "single" || writer.canSeek()) await checkpoint?.();
    }
    // A resumed run whose entities were all written still ends the shared file.
    writer.unmute();
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
    const manifest = buildManifest(
      plan,
      layout,
      results,
      summary,
      started,
      durationMs,
      tail,
      shard && {
        index: shard.index,
        count: shard.count,
        first_rows: Object.fromEntries(entities.map((e) => [e.name, rangeOf(e)[0]])),
      },
    );
    if (options.compress) manifest.compression = options.compress.type;
    if (reportFiles.length) manifest.report = reportFiles;
    if (!toStdout) {
      if (resumable) await removeJournal(target.staging!);
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
      workers,
      notes,
    };
  } catch (e) {
    pool?.close();
    const interrupted = (e instanceof DOMException && e.name === "AbortError") ||
      options.signal?.aborted;
    // A resumable run keeps what it wrote (up to its last checkpoint) for --resume.
    const kept = (keep || (interrupted && resumable)) && target.suspend !== undefined;
    if (kept) await target.suspend!();
    else await target.abort();
    if (interrupted && !keep) {
      const site = e instanceof PluginError ? e.site : undefined;
      const busy = site?.row !== undefined
        ? ` while plugin "${site.plugin}" was working on ${site.entity}.${site.field} row ${site.row} (stopped)`
        : "";
      // The CLI aborts with the signal's name as the reason's message: exit 128 + its number.
      const reason = options.signal?.reason;
      const signal = reason instanceof DOMException ? reason.message : "";
      const code = ({ SIGHUP: 129, SIGTERM: 143 } as Record<string, number>)[signal] ?? 130;
      const by = code === 130 ? "" : ` by ${signal}`;
      throw new Interrupted(
        `Interrupted${by}${busy}: nothing was written to the output path` +
          (kept ? `; the rows written so far are kept for --resume` : ""),
        code,
        kept ? target.dir : undefined,
      );
    }
    throw e;
  } finally {
    pool?.close();
    options.signal?.removeEventListener("abort", interrupt);
  }
}

/** Milliseconds between checkpoints of a resumable run, unless `checkpointMs` says otherwise. */
const CHECKPOINT_MS = 1000;

/**
 * A run stopped by a signal (or its AbortSignal). A resumable run names the
 * folder to give to `--resume`.
 *
 * @example
 * ```ts
 * import { Interrupted } from "./gen.ts";
 * new Interrupted("Interrupted: …", 130, "/data/out").resumeDir; // "/data/out"
 * ```
 */
export class Interrupted extends FabricateError {
  /**
   * @param message What happened.
   * @param exitCode 128 + the signal's number.
   * @param resumeDir The output folder to resume, when the run is resumable.
   */
  constructor(message: string, exitCode: number, readonly resumeDir?: string) {
    super(message, exitCode);
    this.name = "Interrupted";
  }
}

/** What decides a run's bytes: a resumed run must match the interrupted one in all of it. */
function keyFacts(
  plan: Plan,
  entities: readonly CompiledEntity[],
  layout: Plan["layout"],
  options: GenOptions,
): unknown {
  return {
    fabricate: VERSION,
    scenario: plan.loaded.hash,
    seed: plan.seed,
    reference_date: plan.scenario.reference_date,
    entities: entities.map((e) => [e.name, e.count]),
    formats: plan.formats.map((f) => [f.plugin.name, f.plugin.version, f.options]),
    plugins: plan.registry.list().map((r) => [r.plugin.kind, r.plugin.name, r.plugin.version]),
    layout,
    period: options.period ?? null,
    shard: options.shard ?? null,
  };
}

/** An entity's batches made here, on the main thread. */
async function* localBatches(
  world: World,
  plan: Plan,
  entity: CompiledEntity,
  from: number,
  to: number,
): AsyncGenerator<ReadyBatch> {
  for await (
    const { full, out } of entityBatches(world.engine(entity.name), plan.batchSize, from, to)
  ) {
    yield { start: out.start, length: out.length, full, out };
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
    { stream: FormatterStream; file: Awaited<ReturnType<OutputTarget["open"]>>; path: string }
  >();
  /** Formats whose hooks' output is already in the file (a resumed run catching up). */
  readonly #muted = new Set<CompiledFormat>();
  readonly #splitWidth: Map<string, number>;

  constructor(
    readonly plan: Plan,
    readonly layout: Plan["layout"],
    readonly target: OutputTarget,
    readonly schemas: EntitySchema[],
    readonly compress?: { type: Compression; level?: number },
    readonly shard?: Shard,
    readonly resumeFiles: Record<string, number> = {},
    readonly durable = false,
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

  /**
   * Starts an entity whose first row written here is `from` (a shard's
   * first). `begun`: a resumed run's entity whose opening is in the file already.
   */
  async beginEntity(schema: EntitySchema, from = 0, begun = false): Promise<void> {
    if (this.layout === "split") return;
    if (!begun) this.unmute();
    if (this.layout === "per-entity") {
      for (const format of this.plan.formats) {
        const ext = format.plugin.extension;
        const name = this.shard ? partName(schema.name, this.shard, ext) : `${schema.name}.${ext}`;
        await this.#start(format, name, [schema]);
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
    if (this.shard) this.seek(schema, from, "be split into shards");
  }

  /** Lets hooks write again once a resumed run has caught up with its files. */
  unmute(): void {
    this.#muted.clear();
  }

  /**
   * An entity a resumed run finished before: a file shared with other
   * entities (layout single) moves its stream past it, writing nothing.
   */
  async skipEntity(schema: EntitySchema, from: number, to: number): Promise<void> {
    if (this.layout !== "single") return;
    await this.beginEntity(schema, from, true);
    if (this.canSeek()) this.seek(schema, to);
    for (const [format, { stream, file }] of this.#open) {
      await this.#emit(file, format, "endEntity", schema.name, () => stream.endEntity?.(schema));
    }
  }

  /** Flushes every open file to the disk; returns their sizes (path → bytes). */
  async sync(): Promise<Record<string, number>> {
    const sizes: Record<string, number> = {};
    for (const { file, path } of this.#open.values()) {
      if (file.sync) sizes[path] = await file.sync();
    }
    return sizes;
  }

  /** True when every open stream can seek (pieces may be formatted elsewhere). */
  canSeek(): boolean {
    return this.layout !== "split" &&
      [...this.#open.values()].every(({ stream }) => typeof stream.seek === "function");
  }

  /** Puts every open stream where it would be after the entity's rows `[0, row)`. */
  seek(schema: EntitySchema, row: number, why = "be formatted in pieces"): void {
    if (this.layout === "split") return;
    for (const [format, { stream }] of this.#open) {
      if (typeof stream.seek !== "function") {
        throw new UsageError(
          `Cannot write format "${format.plugin.name}" in shards: its output cannot ${why}`,
          "its plugin has no seek(); use another format, or run without --shard",
        );
      }
      try {
        stream.seek(schema, row);
      } catch (e) {
        throw new PluginError({ plugin: format.plugin.name, hook: "seek", entity: schema.name }, e);
      }
    }
  }

  /** Appends bytes formatted elsewhere (one chunk per format, in plan order). */
  async writeChunks(chunks: Uint8Array[]): Promise<void> {
    let f = 0;
    for (const { file } of this.#open.values()) {
      const chunk = chunks[f++];
      if (chunk?.length) await file.write(chunk);
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

  /** Ends an entity whose last row written here is `to - 1`. */
  async endEntity(schema: EntitySchema, to: number): Promise<(WrittenFile & { format: string })[]> {
    if (this.layout === "split") {
      const files = this.#splitFiles;
      this.#splitFiles = [];
      return files;
    }
    // Rows may have been formatted elsewhere: the stream ends as if it had written them all.
    if (this.canSeek()) this.seek(schema, to);
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
    const at = this.resumeFiles[path];
    // A resumed run's file begun after its last checkpoint starts over (never compressed).
    const file = this.compress
      ? await this.#openFile(path)
      : await this.target.open(path, at ?? (this.target.resumed ? 0 : undefined));
    if (at !== undefined) this.#muted.add(format);
    const stream = await this.#create(
      format,
      schemas,
      schemas.length === 1 ? schemas[0]!.name : undefined,
    );
    this.#open.set(format, { stream, file, path });
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
      // A resumable run's journal will name this file done: it must be on the disk.
      if (this.durable) await file.sync?.();
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
    if (chunk !== undefined && !this.#dropped(hook) && !this.#muted.has(format)) {
      await file.write(chunk);
    }
  }

  /**
   * A shard writes its part of the bytes: the opening (a CSV header, `[`)
   * only in shard 0, the closing only in the last, so parts join into one run's file.
   */
  #dropped(hook: string): boolean {
    if (!this.shard || this.layout === "split") return false;
    if (hook === "start" || hook === "beginEntity") return this.shard.index > 0;
    if (hook === "endEntity" || hook === "finish") return this.shard.index < this.shard.count - 1;
    return false;
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
  shard: Manifest["shard"],
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
    ...(shard ? { shard } : {}),
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
