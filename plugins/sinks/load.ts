/**
 * Generates a plan straight into a database: the safety guard and row
 * ceiling first, then (parents before children) CREATE TABLE from
 * `createTableSql` and the rows, all in one transaction, and a ledger row
 * recording the run. Any failure rolls back and leaves nothing.
 *
 * The kernel (core/) knows no dialect: this module drives a {@linkcode Sink}
 * with the plan's batches, the way core/gen.ts drives formatters.
 *
 * @module
 */
import type { Plan } from "../../core/compile.ts";
import { entityBatches, entitySchemaOf } from "../../core/batches.ts";
import { World } from "../../core/engine.ts";
import { FabricateError, PluginError, UsageError } from "../../core/errors.ts";
import {
  prepare,
  type PrepareOptions,
  type ProgressListener,
  selectEntities,
  VERSION,
} from "../../core/gen.ts";
import type { EntitySchema } from "../../core/types.ts";
import { Validation, type ValidationSummary } from "../../core/validation.ts";
import { createTableSql, tableName } from "../_shared/sql_ddl.ts";
import { completeRunSql, createLedgerSql, insertRunSql, LEDGER_TABLE } from "./ledger.ts";
import { errorText, openSink } from "./open.ts";
import type { Sink } from "./sink.ts";
import { type DatabaseTarget, guardTarget, parseTarget } from "./target.ts";

/** The default row ceiling of a load (`--max-rows`). */
export const DEFAULT_MAX_ROWS = 10_000_000;

/** Options of a load. */
export interface LoadOptions {
  /** Load only these entities (refs to others get no FOREIGN KEY). */
  only?: string[];
  /** Drop and recreate tables that already exist (default: refuse). */
  replace?: boolean;
  /** Allow a non-local host or a production-looking name. */
  allowRemote?: boolean;
  /** Refuse before writing when the run has more rows (default 10M). */
  maxRows?: number;
  /** Fail (and roll back) when a validator reports a failure. */
  strict?: boolean;
  /** Progress events. */
  progress?: ProgressListener;
  /** Aborts the run; everything is rolled back. */
  signal?: AbortSignal;
}

/** One table of a load plan. */
export interface LoadTable {
  /** The entity (and table) name. */
  readonly name: string;
  /** Its rows. */
  readonly rows: number;
  /** Its CREATE TABLE statement. */
  readonly ddl: string;
}

/** What a load will do (what `--dry-run` prints). */
export interface LoadPlan {
  /** The target. */
  readonly target: DatabaseTarget;
  /** The schema tables go into (PostgreSQL), if any. */
  readonly schema: string | undefined;
  /** Tables, parents first. */
  readonly tables: readonly LoadTable[];
  /** Rows in all. */
  readonly totalRows: number;
}

/** What a load did. */
export interface LoadResult extends LoadPlan {
  /** The ledger's id of the run. */
  readonly runId: string;
  /** Milliseconds per table. */
  readonly ms: Record<string, number>;
  /** Validator outcomes. */
  readonly validation: ValidationSummary;
  /** Wall time. */
  readonly durationMs: number;
}

/**
 * Plans a load without connecting: checks the guard and the row ceiling and
 * writes each table's DDL.
 *
 * @param plan The compiled scenario.
 * @param url The `--to` value.
 * @param options Guard and selection options.
 * @returns The load plan.
 * @throws {UsageError} (exit 2) when the guard or the ceiling refuses.
 * @example
 * ```ts ignore
 * const p = planLoad(await prepare("quickstart"), "sqlite:shop.db");
 * p.tables.map((t) => t.name); // ["customers", "products", "orders"]
 * ```
 */
export function planLoad(plan: Plan, url: string, options: LoadOptions = {}): LoadPlan {
  const target = parseTarget(url);
  guardTarget(target, options.allowRemote ?? false);
  const entities = selectEntities(plan, options.only);
  const totalRows = entities.reduce((n, e) => n + e.count, 0);
  const max = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (totalRows > max) {
    throw new UsageError(
      `Refusing to load ${totalRows.toLocaleString("en-US")} rows into ${target.label}: ` +
        `more than the ceiling of ${max.toLocaleString("en-US")}`,
      "raise it with --max-rows N, or lower the counts (--count, --multiplier)",
    );
  }
  const names = new Set(entities.map((e) => e.name));
  const tables = entities.map((e) => {
    const schema = withoutRefsOutside(entitySchemaOf(plan, e), names);
    return {
      name: e.name,
      rows: e.count,
      ddl: createTableSql(schema, {
        dialect: target.dialect,
        ...(target.schema !== undefined ? { schema: target.schema } : {}),
        transaction: true,
      }),
    };
  });
  return { target, schema: target.schema, tables, totalRows };
}

/**
 * Generates a compiled plan into a database, all or nothing.
 *
 * @param plan The compiled scenario.
 * @param url The `--to` value, e.g. `sqlite:shop.db` or `postgres://me@127.0.0.1/dev`.
 * @param options Guard, selection, strictness, progress.
 * @returns What was loaded.
 * @throws {UsageError} (exit 2) refused by the guard, the ceiling or existing tables;
 *   {FabricateError} (exit 1) the load failed and was rolled back.
 * @example
 * ```ts ignore
 * const result = await loadPlan(await prepare("quickstart"), "sqlite:shop.db");
 * console.log(result.runId, result.totalRows);
 * ```
 */
export async function loadPlan(
  plan: Plan,
  url: string,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const t0 = performance.now();
  const started = new Date();
  const load = planLoad(plan, url, options);
  const { target } = load;
  const runId = started.toISOString().replace(/[-:]|\.\d+/g, "") + "-" +
    crypto.randomUUID().slice(0, 6);
  const sqliteFileIsNew = target.dialect === "sqlite" && !(await exists(target.file!));
  const sink = await openSink(target);
  const world = new World(plan);
  const validation = await Validation.create(plan, world);
  const created: string[] = [];
  const ms: Record<string, number> = {};
  let ledgerRowWritten = false;
  const table = (name: string) =>
    tableName(name, { dialect: sink.dialect, ...(sink.schema ? { schema: sink.schema } : {}) });
  const names = load.tables.map((t) => t.name);
  const run = {
    runId,
    status: "complete",
    scenario: plan.scenario.name,
    seed: String(plan.seed),
    tables: load.tables.map((t) => ({ name: t.name, rows: t.rows })),
    createdAt: started.toISOString(),
    durationMs: 0,
    version: VERSION,
  };
  let stage = "preparing the target";
  try {
    if (sink.transactionalDdl) {
      await sink.begin();
      await sink.ensureSchema();
      await sink.exec(createLedgerSql(sink));
      await refuseExisting(sink, names, options.replace ?? false, load);
    } else {
      // DDL commits at once: record the run as loading first, so a killed
      // run's tables are still in the ledger for `fabricate db cleanup`.
      await sink.exec(createLedgerSql(sink));
      await refuseExisting(sink, names, options.replace ?? false, load);
      await sink.exec(insertRunSql(sink, { ...run, status: "loading" }));
      ledgerRowWritten = true;
    }
    if (options.replace) {
      for (const name of [...names].reverse()) {
        await sink.exec(`DROP TABLE IF EXISTS ${table(name)}`);
      }
    }
    for (const t of load.tables) {
      stage = `creating table ${t.name}`;
      await sink.exec(t.ddl);
      created.push(t.name);
    }
    // Keys go back on once every row is in (sinks that can, in one
    // transaction with the rest: PostgreSQL).
    stage = "preparing the tables for the bulk load";
    const keys = sink.transactionalDdl && sink.detachKeys
      ? await sink.detachKeys(created.map(table))
      : [];
    if (!sink.transactionalDdl) await sink.begin();
    for (const t of load.tables) {
      const entity = plan.byName.get(t.name)!;
      const schema = entitySchemaOf(plan, entity);
      const t1 = performance.now();
      stage = `loading ${t.name}`;
      options.progress?.start?.(t.name, t.rows);
      const writer = await sink.writer(schema, table(t.name), sink.transactionalDdl);
      let yielded = performance.now();
      try {
        for await (const { full, out } of entityBatches(world.engine(t.name), plan.batchSize)) {
          options.signal?.throwIfAborted();
          await validation.check(entity, full);
          await writer.write(out);
          options.progress?.advance?.(t.name, out.start + out.length);
          // node:sqlite is synchronous: let signals (Ctrl-C) and timers in,
          // every 100 ms (a nested setTimeout waits 4 ms; setImmediate lets
          // no signal in).
          if (performance.now() - yielded >= 100) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            yielded = performance.now();
          }
        }
      } catch (e) {
        await writer.abort?.();
        throw e;
      }
      await writer.end();
      await validation.finish(entity);
      ms[t.name] = performance.now() - t1;
      options.progress?.end?.(t.name, t.rows, ms[t.name]!);
    }
    const summary = validation.summary();
    if (options.strict && summary.failures > 0) {
      throw new FabricateError(
        `Validation failed: ${summary.failures} failure${
          summary.failures === 1 ? "" : "s"
        } (--strict); rolled back, nothing was written to ${target.label}`,
        1,
      );
    }
    const tableOf = new Map(load.tables.map((t) => [table(t.name), t.name]));
    for (const k of keys) {
      options.signal?.throwIfAborted();
      stage = `adding ${k.what} to ${tableOf.get(k.table) ?? k.table}`;
      await sink.exec(k.sql);
    }
    options.signal?.throwIfAborted();
    stage = "committing";
    const durationMs = performance.now() - t0;
    if (sink.transactionalDdl) await sink.exec(insertRunSql(sink, { ...run, durationMs }));
    else await sink.exec(completeRunSql(sink, runId, durationMs));
    await sink.commit();
    return { ...load, runId, ms, validation: summary, durationMs };
  } catch (e) {
    await sink.rollback();
    if (!sink.transactionalDdl) await undoDdl(sink, created.map(table), ledgerRowWritten, runId);
    await sink.close();
    if (sqliteFileIsNew) await removeSqliteFiles(target.file!);
    if (e instanceof DOMException && e.name === "AbortError") {
      throw new FabricateError(
        `Interrupted: rolled back, nothing was written to ${target.label}`,
        130,
      );
    }
    if (e instanceof FabricateError || e instanceof Deno.errors.NotCapable) throw e;
    if (e instanceof PluginError) throw e;
    throw new FabricateError(
      `Loading into ${target.label} failed while ${stage}: ${errorText(e)}\n` +
        "  rolled back: nothing was written",
      1,
    );
  } finally {
    await sink.close();
  }
}

async function refuseExisting(
  sink: Sink,
  names: string[],
  replace: boolean,
  load: LoadPlan,
): Promise<void> {
  if (replace) return;
  const existing = await sink.existingTables(names);
  if (!existing.length) return;
  const where = ` in ${load.target.label}` + (load.schema ? ` (schema ${load.schema})` : "");
  throw new UsageError(
    `Table${existing.length === 1 ? "" : "s"} ${existing.join(", ")} already exist${
      existing.length === 1 ? "s" : ""
    }${where}`,
    "pass --replace to drop and recreate them, or remove an earlier run with " +
      "fabricate db cleanup",
  );
}

/** MySQL: DDL committed at once, so a failed load drops what it created. */
async function undoDdl(sink: Sink, tables: string[], ledgerRow: boolean, runId: string) {
  try {
    await sink.exec("SET FOREIGN_KEY_CHECKS = 0");
    for (const t of [...tables].reverse()) await sink.exec(`DROP TABLE IF EXISTS ${t}`);
    await sink.exec("SET FOREIGN_KEY_CHECKS = 1");
    if (ledgerRow) {
      const { cleanupSql, readLedger } = await import("./ledger.ts");
      const runs = await readLedger(sink);
      // Only the ledger row: the tables are gone already.
      const rest = runs.filter((r) => r.runId === runId).map((r) => ({ ...r, tables: [] }));
      const others = runs.filter((r) => r.runId !== runId);
      for (const s of cleanupSql(sink, [...others, ...rest], [runId]).statements) {
        await sink.exec(s);
      }
    }
  } catch { /* best effort: the ledger still names what is left */ }
}

function withoutRefsOutside(schema: EntitySchema, names: Set<string>): EntitySchema {
  if (schema.columns.every((c) => !c.ref || names.has(c.ref.entity))) return schema;
  return {
    ...schema,
    columns: schema.columns.map((c) => {
      if (!c.ref || names.has(c.ref.entity)) return c;
      const { ref: _ref, ...rest } = c;
      return rest;
    }),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeSqliteFiles(file: string): Promise<void> {
  for (const p of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) {
    await Deno.remove(p).catch(() => {});
  }
}

export { LEDGER_TABLE };

/**
 * Loads a scenario into a database: {@linkcode prepare} plus
 * {@linkcode loadPlan}, closing the plugins afterwards. This is what
 * `fabricate gen <scenario> --to <database>` does.
 *
 * @param input A path, a built-in name or a scenario object.
 * @param url The database, e.g. `sqlite:shop.db` or `postgres://me@127.0.0.1/dev`.
 * @param options Plan overrides (seed, counts…) and load options (replace, guard…).
 * @returns What was loaded.
 * @example
 * ```ts
 * import { loadInto } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * const result = await loadInto("quickstart", `sqlite:${dir}/shop.db`, { counts: { orders: 50 } });
 * result.tables.map((t) => `${t.name}: ${t.rows}`);
 * ```
 */
export async function loadInto(
  input: string | Record<string, unknown>,
  url: string,
  options: PrepareOptions & LoadOptions = {},
): Promise<LoadResult> {
  const plan = await prepare(input, options);
  try {
    return await loadPlan(plan, url, options);
  } finally {
    if (!options.registry) plan.registry.close();
  }
}
