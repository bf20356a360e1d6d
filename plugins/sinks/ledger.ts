/**
 * The ledger: a `fabricate_ledger` table in the target schema with one row
 * per run (run id, scenario, seed, the tables it created with their row
 * counts, time, fabricate version). `fabricate db status` lists it;
 * `fabricate db cleanup` drops only the tables it names.
 *
 * @module
 */
import { type SqlDialect, sqlIdentifier, sqlString } from "../_shared/sql_text.ts";
import { tableName } from "../_shared/sql_ddl.ts";
import type { Sink } from "./sink.ts";

/** The ledger table's name. */
export const LEDGER_TABLE = "fabricate_ledger";

/** One recorded run. */
export interface LedgerRun {
  /** E.g. `20240501T120000Z-3f9a2c`. */
  readonly runId: string;
  /** `complete`, or `loading` while (or when a killed MySQL run left it) unfinished. */
  readonly status: string;
  /** The scenario's name. */
  readonly scenario: string;
  /** The seed. */
  readonly seed: string;
  /** Tables created, parents first, with row counts. */
  readonly tables: { name: string; rows: number }[];
  /** When the run started (ISO). */
  readonly createdAt: string;
  /** How long it took. */
  readonly durationMs: number;
  /** fabricate's version. */
  readonly version: string;
}

/**
 * The ledger's qualified name in a sink.
 *
 * @param sink The sink.
 * @returns E.g. `"mock_data"."fabricate_ledger"`.
 * @example
 * ```ts ignore
 * ledgerName(sink); // '"mock_data"."fabricate_ledger"'
 * ```
 */
export function ledgerName(sink: Sink): string {
  return tableName(LEDGER_TABLE, {
    dialect: sink.dialect,
    ...(sink.schema !== undefined ? { schema: sink.schema } : {}),
  });
}

/**
 * `CREATE TABLE IF NOT EXISTS` for the ledger.
 *
 * @param sink The sink.
 * @returns The statement.
 * @example
 * ```ts ignore
 * await sink.exec(createLedgerSql(sink));
 * ```
 */
export function createLedgerSql(sink: Sink): string {
  const d = sink.dialect;
  const q = (n: string) => sqlIdentifier(n, d);
  const text = d === "mysql" ? "VARCHAR(255)" : "TEXT";
  return `CREATE TABLE IF NOT EXISTS ${ledgerName(sink)} (
  ${q("run_id")} ${d === "mysql" ? "VARCHAR(64)" : "TEXT"} PRIMARY KEY,
  ${q("status")} ${text} NOT NULL,
  ${q("scenario")} ${text} NOT NULL,
  ${q("seed")} ${text} NOT NULL,
  ${q("tables_created")} TEXT NOT NULL,
  ${q("total_rows")} BIGINT NOT NULL,
  ${q("created_at")} ${text} NOT NULL,
  ${q("duration_ms")} BIGINT NOT NULL,
  ${q("fabricate_version")} ${text} NOT NULL
)${d === "mysql" ? " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : ""}`;
}

/**
 * The INSERT of one run.
 *
 * @param sink The sink.
 * @param run The run.
 * @returns The statement.
 * @example
 * ```ts ignore
 * await sink.exec(insertRunSql(sink, run));
 * ```
 */
export function insertRunSql(sink: Sink, run: LedgerRun): string {
  const s = (v: string) => sqlString(v, sink.dialect);
  const total = run.tables.reduce((n, t) => n + t.rows, 0);
  return `INSERT INTO ${ledgerName(sink)} (${
    [
      "run_id",
      "status",
      "scenario",
      "seed",
      "tables_created",
      "total_rows",
      "created_at",
      "duration_ms",
      "fabricate_version",
    ].map((n) => sqlIdentifier(n, sink.dialect)).join(", ")
  }) VALUES (${s(run.runId)}, ${s(run.status)}, ${s(run.scenario)}, ${s(run.seed)}, ${
    s(JSON.stringify(run.tables))
  }, ${total}, ${s(run.createdAt)}, ${Math.round(run.durationMs)}, ${s(run.version)})`;
}

/**
 * Marks a run complete with its duration.
 *
 * @param sink The sink.
 * @param runId The run.
 * @param durationMs Its duration.
 * @returns The statement.
 * @example
 * ```ts ignore
 * await sink.exec(completeRunSql(sink, id, 1234));
 * ```
 */
export function completeRunSql(sink: Sink, runId: string, durationMs: number): string {
  const q = (n: string) => sqlIdentifier(n, sink.dialect);
  return `UPDATE ${ledgerName(sink)} SET ${q("status")} = 'complete', ${q("duration_ms")} = ${
    Math.round(durationMs)
  } WHERE ${q("run_id")} = ${sqlString(runId, sink.dialect)}`;
}

/**
 * Reads the ledger (empty when there is none), oldest run first.
 *
 * @param sink The sink.
 * @returns The runs.
 * @example
 * ```ts ignore
 * for (const run of await readLedger(sink)) console.log(run.runId);
 * ```
 */
export async function readLedger(sink: Sink): Promise<LedgerRun[]> {
  if (!(await sink.existingTables([LEDGER_TABLE])).length) return [];
  const rows = await sink.query(
    `SELECT * FROM ${ledgerName(sink)} ORDER BY ${sqlIdentifier("created_at", sink.dialect)}, ${
      sqlIdentifier("run_id", sink.dialect)
    }`,
  );
  return rows.map((r) => ({
    runId: String(r.run_id),
    status: String(r.status),
    scenario: String(r.scenario),
    seed: String(r.seed),
    tables: JSON.parse(String(r.tables_created)),
    createdAt: String(r.created_at),
    durationMs: Number(r.duration_ms),
    version: String(r.fabricate_version),
  }));
}

/**
 * The statements that remove runs: DROP TABLE for each table they created
 * that no other remaining run claims (children first, newest run first),
 * then their ledger rows, then the ledger itself when no run is left.
 *
 * @param sink The sink.
 * @param all Every recorded run.
 * @param remove The run ids to remove.
 * @returns The statements and the tables dropped.
 * @example
 * ```ts ignore
 * const { statements } = cleanupSql(sink, runs, [runs[0].runId]);
 * ```
 */
export function cleanupSql(
  sink: Sink,
  all: readonly LedgerRun[],
  remove: readonly string[],
): { statements: string[]; dropped: string[] } {
  const d: SqlDialect = sink.dialect;
  const gone = new Set(remove);
  const kept = new Set(
    all.filter((r) => !gone.has(r.runId)).flatMap((r) => r.tables.map((t) => t.name)),
  );
  const dropped: string[] = [];
  const statements: string[] = [];
  for (const run of [...all].reverse()) {
    if (!gone.has(run.runId)) continue;
    for (const t of [...run.tables].reverse()) {
      if (kept.has(t.name) || dropped.includes(t.name)) continue;
      dropped.push(t.name);
      statements.push(
        `DROP TABLE IF EXISTS ${
          tableName(t.name, {
            dialect: d,
            ...(sink.schema !== undefined ? { schema: sink.schema } : {}),
          })
        }`,
      );
    }
  }
  if (gone.size === all.length) statements.push(`DROP TABLE IF EXISTS ${ledgerName(sink)}`);
  else {
    statements.push(
      `DELETE FROM ${ledgerName(sink)} WHERE ${sqlIdentifier("run_id", d)} IN (${
        [...gone].map((id) => sqlString(id, d)).join(", ")
      })`,
    );
  }
  return { statements, dropped };
}
