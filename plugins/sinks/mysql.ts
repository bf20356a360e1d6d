/**
 * The MySQL/MariaDB sink: npm:mysql2 on one connection, rows as multi-row
 * INSERTs built with the `sql` formatter's literals, in one transaction.
 * MySQL commits DDL at once, so the loader records the run in the ledger
 * before creating tables and drops them again when the load fails.
 *
 * @module
 */
import mysql from "mysql2/promise";
import type { Batch, EntitySchema } from "../../core/types.ts";
import { sqlIdentifier, sqlLiteral } from "../_shared/sql_text.ts";
import { type Sink, type TableWriter, transactionHooks } from "./sink.ts";
import type { DatabaseTarget } from "./target.ts";

/** Characters of INSERT text per statement (well under max_allowed_packet). */
const STATEMENT = 4 * 1024 * 1024;

/**
 * Connects to a MySQL or MariaDB target.
 *
 * @param target The parsed target.
 * @returns The sink.
 * @example
 * ```ts ignore
 * const sink = await openMysql(parseTarget("mysql://root@127.0.0.1:3306/dev"));
 * ```
 */
export async function openMysql(target: DatabaseTarget): Promise<Sink> {
  const conn = await mysql.createConnection({
    ...(target.socket
      ? { socketPath: target.socket }
      : { host: target.host || "127.0.0.1", port: target.port ?? 3306 }),
    user: target.user ?? "root",
    ...(target.password !== undefined ? { password: target.password } : {}),
    database: target.database!,
    multipleStatements: false,
    timezone: "Z",
    connectTimeout: 10_000,
  });
  // Strict mode: a value that does not fit fails instead of being truncated.
  await conn.query(
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'",
  );
  return {
    dialect: "mysql",
    schema: undefined,
    transactionalDdl: false,
    async exec(text) {
      await conn.query(text);
    },
    async query(text) {
      const [rows] = await conn.query(text);
      return rows as Record<string, unknown>[];
    },
    async existingTables(names) {
      const [rows] = await conn.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
      );
      const found = new Set((rows as { name: string }[]).map((r) => String(r.name)));
      return names.filter((n) => found.has(n));
    },
    ensureSchema: () => Promise.resolve(),
    ...transactionHooks((sql) => conn.query(sql), "START TRANSACTION"),
    writer: (entity, table) => Promise.resolve(insertWriter(conn, entity, table)),
    async close() {
      try {
        await conn.end();
      } catch {
        conn.destroy();
      }
    },
  };
}

function insertWriter(conn: mysql.Connection, entity: EntitySchema, table: string): TableWriter {
  const cols = entity.columns;
  const encoders = cols.map((c) => sqlLiteral(c, "mysql"));
  const head = `INSERT INTO ${table} (${
    cols.map((c) => sqlIdentifier(c.name, "mysql")).join(", ")
  }) VALUES `;
  const width = cols.length;
  return {
    async write(batch: Batch) {
      const columns = batch.columns;
      let text = "";
      for (let r = 0; r < batch.length; r++) {
        let tuple = "(" + encoders[0]!(columns[0]![r]);
        for (let c = 1; c < width; c++) tuple += "," + encoders[c]!(columns[c]![r]);
        text += (text ? "," : head) + tuple + ")";
        if (text.length >= STATEMENT) {
          await conn.query(text);
          text = "";
        }
      }
      if (text) await conn.query(text);
    },
    end: () => Promise.resolve(),
  };
}
