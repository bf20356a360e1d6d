/**
 * Reading a source database for `fabricate mask`: one read-only snapshot
 * (the connection itself cannot write: PostgreSQL `READ ONLY` transaction,
 * MariaDB `START TRANSACTION READ ONLY`, SQLite opened read-only), and
 * each table streamed in pages of a few thousand rows (a PostgreSQL
 * cursor; keyset pages by primary key or rowid elsewhere), so memory
 * stays flat whatever the table's size.
 *
 * Values come as the database writes them as text (PostgreSQL `::text`,
 * MariaDB `CAST(… AS CHAR)`), exact for numerics, dates and timestamps;
 * SQLite values as stored.
 *
 * @module
 */
import type { Sink } from "../../plugins/sinks/sink.ts";
import { sqlIdentifier, sqlString } from "../../plugins/_shared/sql_text.ts";
import { tableName } from "../../plugins/_shared/sql_ddl.ts";
import type { SourceTable } from "./db_schema.ts";

/** Rows per page. */
export const PAGE_ROWS = 5000;

/**
 * Starts the read-only snapshot every table is read in.
 *
 * @param sink The source connection (SQLite: opened read-only).
 * @example
 * ```ts ignore
 * await beginReadOnly(source);
 * ```
 */
export async function beginReadOnly(sink: Sink): Promise<void> {
  switch (sink.dialect) {
    case "postgres":
      await sink.exec("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await sink.exec("SET LOCAL DateStyle = ISO");
      break;
    case "mysql":
      await sink.exec("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT");
      break;
    default:
      await sink.exec("BEGIN");
  }
}

/**
 * A table's rows, page by page, each row an array aligned with
 * `table.columns`.
 *
 * @param sink The source, inside {@linkcode beginReadOnly}.
 * @param table The table.
 * @param pageRows Rows per page.
 * @returns The pages.
 * @example
 * ```ts ignore
 * for await (const page of readPages(source, customers)) console.log(page.length);
 * ```
 */
export async function* readPages(
  sink: Sink,
  table: SourceTable,
  pageRows = PAGE_ROWS,
): AsyncGenerator<unknown[][]> {
  const d = sink.dialect;
  const q = (n: string) => sqlIdentifier(n, d);
  const from = tableName(table.name, {
    dialect: d,
    ...(sink.schema !== undefined ? { schema: sink.schema } : {}),
  });
  const names = table.columns.map((_, i) => `c${i}`);
  const toRows = (rows: Record<string, unknown>[]) =>
    rows.map((r) => {
      const row = new Array<unknown>(names.length);
      for (let i = 0; i < names.length; i++) row[i] = r[names[i]!] ?? null;
      return row;
    });
  if (d === "postgres") {
    // Booleans as their output function writes them (t/f, as COPY and psql do), not as
    // the bool-to-text cast's true/false: a table masked to CSV equals one exported, then masked.
    const select = table.columns.map((c, i) =>
      c.kind === "boolean"
        ? `CASE WHEN ${q(c.name)} THEN 't' WHEN NOT ${q(c.name)} THEN 'f' END AS c${i}`
        : `${q(c.name)}::text AS c${i}`
    ).join(", ");
    const order = table.primaryKey.length ? ` ORDER BY ${table.primaryKey.map(q).join(", ")}` : "";
    const cursor = `fabricate_mask_${crypto.randomUUID().slice(0, 8)}`;
    await sink.exec(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${select} FROM ${from}${order}`);
    try {
      for (;;) {
        const rows = await sink.query(`FETCH ${pageRows} FROM ${cursor}`);
        if (rows.length) yield toRows(rows);
        if (rows.length < pageRows) return;
      }
    } finally {
      await sink.exec(`CLOSE ${cursor}`).catch(() => {});
    }
  }
  // Keyset pages: by primary key, else SQLite's rowid; MariaDB without a
  // primary key pages by offset over every column (same snapshot, stable order).
  const value = (c: string) => (d === "mysql" ? `CAST(${q(c)} AS CHAR)` : q(c));
  const select = table.columns.map((c, i) => `${value(c.name)} AS c${i}`);
  let keys: string[] = [...table.primaryKey];
  if (!keys.length && d === "sqlite") keys = ["rowid"];
  const keyAt = keys.map((k) => table.columns.findIndex((c) => c.name === k));
  const extra = keys.map((k, j) => (keyAt[j]! < 0 ? `${k} AS k${j}` : ""));
  const cols = [...select, ...extra.filter(Boolean)].join(", ");
  if (!keys.length) {
    const order = table.columns.map((_, i) => String(i + 1)).join(", ");
    for (let offset = 0;; offset += pageRows) {
      const rows = await sink.query(
        `SELECT ${cols} FROM ${from} ORDER BY ${order} LIMIT ${pageRows} OFFSET ${offset}`,
      );
      if (rows.length) yield toRows(rows);
      if (rows.length < pageRows) return;
    }
  }
  const keyCols = keys.map((k) => (k === "rowid" ? "rowid" : q(k)));
  // (a, b) > (x, y) written out as a > x OR (a = x AND b > y): MariaDB uses
  // the primary key's index for this form, not for the row comparison.
  const after = (values: string[]): string =>
    keyCols.map((k, i) =>
      [...keyCols.slice(0, i).map((p, j) => `${p} = ${values[j]}`), `${k} > ${values[i]}`]
        .join(" AND ")
    ).map((c) => `(${c})`).join(" OR ");
  let last: unknown[] | undefined;
  for (;;) {
    const where = last ? ` WHERE ${after(last.map((v) => literal(v, d)))}` : "";
    const rows = await sink.query(
      `SELECT ${cols} FROM ${from}${where} ORDER BY ${keyCols.join(", ")} LIMIT ${pageRows}`,
    );
    if (rows.length) {
      yield toRows(rows);
      const end = rows[rows.length - 1]!;
      last = keys.map((_, j) => (keyAt[j]! >= 0 ? end[`c${keyAt[j]}`] : end[`k${j}`]));
    }
    if (rows.length < pageRows) return;
  }
}

function literal(v: unknown, d: "sqlite" | "mysql" | "postgres"): string {
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v === null || v === undefined) return "NULL";
  return sqlString(String(v), d);
}

/**
 * About how many rows a table has, for a progress bar: the planner's
 * estimate in PostgreSQL and MariaDB (no scan), `count(*)` in SQLite.
 *
 * @param sink The source.
 * @param table The table.
 * @returns The estimate (0 when unknown).
 * @example
 * ```ts ignore
 * await estimateRows(source, "orders"); // ≈ 1000000
 * ```
 */
export async function estimateRows(sink: Sink, table: string): Promise<number> {
  const d = sink.dialect;
  const name = tableName(table, {
    dialect: d,
    ...(sink.schema !== undefined ? { schema: sink.schema } : {}),
  });
  const sql = d === "postgres"
    ? `SELECT greatest(reltuples, 0) AS n FROM pg_class WHERE oid = to_regclass(${
      sqlString(name, d)
    })`
    : d === "mysql"
    ? `SELECT table_rows AS n FROM information_schema.tables WHERE table_schema = DATABASE() ` +
      `AND table_name = ${sqlString(table, d)}`
    : `SELECT count(*) AS n FROM ${name}`;
  const [row] = await sink.query(sql);
  return Math.max(0, Math.round(Number(row?.n ?? 0)) || 0);
}
