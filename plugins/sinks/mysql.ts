/**
 * The MySQL/MariaDB sink: npm:mysql2 on one connection, rows streamed with
 * `LOAD DATA LOCAL INFILE` (or, when the server has `local_infile` off, as
 * multi-row INSERTs built with the `sql` formatter's literals), in one
 * transaction.
 * MySQL commits DDL at once, so the loader records the run in the ledger
 * before creating tables and drops them again when the load fails.
 *
 * @module
 */
import mysql from "mysql2/promise";
import { PassThrough } from "node:stream";
import type { Batch, EntitySchema } from "../../core/types.ts";
import { sqlIdentifier, sqlLiteral } from "../_shared/sql_text.ts";
import { loadDataColumn } from "./encode.ts";
import { type Sink, type TableWriter, transactionHooks } from "./sink.ts";
import { writeTextRows } from "./text_rows.ts";
import type { DatabaseTarget } from "./target.ts";

/** Characters of INSERT text per statement (well under max_allowed_packet). */
const STATEMENT = 4 * 1024 * 1024;

/** Bytes of LOAD DATA text per chunk (one protocol packet each, well under 16 MB). */
const CHUNK = 1024 * 1024;

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
  // LOAD DATA LOCAL turns errors into warnings (the server cannot stop the
  // client's upload), so every warning of a load is kept to be checked.
  await conn.query(
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION', " +
      "time_zone = '+00:00', max_error_count = 65535",
  );
  const [[infile]] = await conn.query("SELECT @@local_infile AS enabled") as unknown as [
    { enabled: number | string }[],
  ];
  const localInfile = Number(infile?.enabled) === 1;
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
    writer: (entity, table) =>
      Promise.resolve(
        localInfile ? loadDataWriter(conn, entity, table) : insertWriter(conn, entity, table),
      ),
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

/**
 * Streams a table's rows with `LOAD DATA LOCAL INFILE`. The client sends
 * only the stream this writer fills, whatever file name the server asks
 * for: no local file is ever read. With LOCAL the server reports bad rows
 * (a duplicate key, a foreign key, a value that does not fit) as warnings
 * and goes on, so the writer fails the load when there is any warning or
 * when fewer rows arrived than it sent.
 */
function loadDataWriter(conn: mysql.Connection, entity: EntitySchema, table: string): TableWriter {
  const cols = entity.columns;
  const encoders = cols.map(loadDataColumn);
  const stream = new PassThrough({ highWaterMark: 2 * CHUNK });
  let requested = false;
  let stopped: Error | undefined;
  let sent = 0;
  let failure: unknown;
  const done = conn.query({
    sql: `LOAD DATA LOCAL INFILE 'fabricate-rows' INTO TABLE ${table} CHARACTER SET utf8mb4 ` +
      `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${
        cols.map((c) => sqlIdentifier(c.name, "mysql")).join(", ")
      })`,
    infileStreamFactory: () => {
      if (stopped) {
        const empty = new PassThrough();
        setTimeout(() => empty.destroy(stopped));
        return empty;
      }
      requested = true;
      return stream;
    },
  });
  done.catch((e) => (failure ??= e));
  const ended = done.then(
    () => Promise.reject(new Error("LOAD DATA ended before its last row")),
    () => Promise.reject(failure),
  );
  ended.catch(() => {});
  const push = async (chunk: Uint8Array) => {
    if (failure) throw failure;
    if (!stream.write(chunk)) {
      await Promise.race([new Promise((resolve) => stream.once("drain", resolve)), ended]);
    }
  };
  return {
    async write(batch: Batch) {
      await writeTextRows(batch, encoders, { nul: "\\0" }, CHUNK, push);
      sent += batch.length;
    },
    async end() {
      if (failure) throw failure;
      stream.end();
      const [result] = await done as unknown as [mysql.ResultSetHeader];
      if (result.warningStatus > 0 || result.affectedRows !== sent) {
        const [warnings] = await conn.query("SHOW WARNINGS") as unknown as [
          { Level: string; Message: string }[],
        ];
        const bad = warnings.find((w) => w.Level !== "Note");
        if (bad || result.affectedRows !== sent) {
          throw new Error(
            bad?.Message ?? `LOAD DATA stored ${result.affectedRows} of ${sent} rows`,
          );
        }
      }
    },
    async abort() {
      stopped = new Error("fabricate stopped the load");
      if (requested) stream.destroy(stopped);
      await done.catch(() => {});
    },
  };
}
