/**
 * The SQLite sink: node:sqlite's DatabaseSync, prepared multi-row inserts,
 * everything (DDL included) in one transaction.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Batch, EntitySchema } from "../../core/types.ts";
import { sqlIdentifier } from "../_shared/sql_text.ts";
import { sqliteEncoder, type SqliteValue } from "./encode.ts";
import { type Sink, type TableWriter, transactionHooks } from "./sink.ts";

/** Rows per prepared INSERT (SQLite allows 32766 parameters). */
const ROWS_PER_STATEMENT = 64;

/**
 * Opens (creating when missing) a SQLite database file as a sink.
 *
 * @param file The database file.
 * @param options `readOnly`: open an existing file read-only (writes fail).
 * @returns The sink.
 * @example
 * ```ts ignore
 * const sink = openSqlite("shop.db");
 * ```
 */
export function openSqlite(file: string, options: { readOnly?: boolean } = {}): Sink {
  const db = new DatabaseSync(file, options.readOnly ? { readOnly: true } : {});
  db.exec("PRAGMA foreign_keys = ON");
  return {
    dialect: "sqlite",
    schema: undefined,
    transactionalDdl: true,
    exec(sql) {
      db.exec(sql);
      return Promise.resolve();
    },
    query(sql) {
      return Promise.resolve(db.prepare(sql).all() as Record<string, unknown>[]);
    },
    existingTables(names) {
      const found = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
        .map((r) => String(r.name));
      return Promise.resolve(names.filter((n) => found.includes(n)));
    },
    ensureSchema: () => Promise.resolve(),
    ...transactionHooks((sql) => db.exec(sql)),
    writer(entity, table) {
      return Promise.resolve(sqliteWriter(db, entity, table));
    },
    close() {
      try {
        db.close();
      } catch { /* closed */ }
      return Promise.resolve();
    },
  };
}

function sqliteWriter(db: DatabaseSync, entity: EntitySchema, table: string): TableWriter {
  const cols = entity.columns;
  const encoders = cols.map(sqliteEncoder);
  const head = `INSERT INTO ${table} (${
    cols.map((c) => sqlIdentifier(c.name, "sqlite")).join(", ")
  }) VALUES `;
  const tuple = "(" + cols.map(() => "?").join(", ") + ")";
  const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(32766 / cols.length)));
  const statements = new Map<number, StatementSync>();
  const statement = (rows: number): StatementSync => {
    let s = statements.get(rows);
    if (!s) {
      s = db.prepare(head + Array(rows).fill(tuple).join(", "));
      statements.set(rows, s);
    }
    return s;
  };
  const width = cols.length;
  const args: SqliteValue[] = new Array(perStatement * width);
  return {
    write(batch: Batch) {
      const columns = batch.columns;
      for (let i = 0; i < batch.length; i += perStatement) {
        const n = Math.min(perStatement, batch.length - i);
        if (n !== perStatement) args.length = n * width;
        let k = 0;
        for (let r = i; r < i + n; r++) {
          for (let c = 0; c < width; c++) args[k++] = encoders[c]!(columns[c]![r]);
        }
        statement(n).run(...args);
        if (n !== perStatement) args.length = perStatement * width;
      }
      return Promise.resolve();
    },
    end: () => Promise.resolve(),
  };
}
