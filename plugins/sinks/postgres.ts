/**
 * The PostgreSQL sink: npm:postgres (porsager) on one connection, rows
 * streamed with `COPY … FROM STDIN` (text format), DDL and rows in one
 * transaction.
 *
 * @module
 */
import postgres from "postgres";
import type { Batch, EntitySchema } from "../../core/types.ts";
import { sqlIdentifier, sqlString } from "../_shared/sql_text.ts";
import { copyColumn } from "./encode.ts";
import { type Sink, type TableWriter, transactionHooks } from "./sink.ts";
import { writeTextRows } from "./text_rows.ts";
import type { DatabaseTarget } from "./target.ts";

/** Bytes of COPY text gathered before a write to the socket. */
const CHUNK = 256 * 1024;

/**
 * Connects to a PostgreSQL target.
 *
 * @param target The parsed target.
 * @returns The sink.
 * @example
 * ```ts ignore
 * const sink = await openPostgres(parseTarget("postgres://me@127.0.0.1/dev"));
 * ```
 */
export async function openPostgres(target: DatabaseTarget): Promise<Sink> {
  const sql = postgres({
    host: target.socket ?? target.host ?? "127.0.0.1",
    port: target.port ?? 5432,
    database: target.database!,
    user: target.user ?? "postgres",
    ...(target.password !== undefined ? { password: target.password } : {}),
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: "fabricate" },
  });
  const close = async () => {
    try {
      await sql.end({ timeout: 1 });
    } catch { /* closed */ }
  };
  try {
    await sql.unsafe("SELECT 1");
  } catch (e) {
    await close();
    throw e;
  }
  const schema = target.schema!;
  return {
    dialect: "postgres",
    schema,
    transactionalDdl: true,
    async exec(text) {
      await sql.unsafe(text);
    },
    async query(text) {
      return [...await sql.unsafe(text)] as Record<string, unknown>[];
    },
    async existingTables(names) {
      const rows = await sql.unsafe(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${
          sqlString(schema, "postgres")
        }`,
      );
      const found = new Set(rows.map((r) => String(r.name)));
      return names.filter((n) => found.has(n));
    },
    async ensureSchema() {
      await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(schema, "postgres")}`);
    },
    ...transactionHooks((text) => sql.unsafe(text)),
    writer: (entity, table) => copyWriter(sql, entity, table),
    close,
  };
}

async function copyWriter(
  sql: postgres.Sql,
  entity: EntitySchema,
  table: string,
): Promise<TableWriter> {
  const cols = entity.columns;
  const encoders = cols.map(copyColumn);
  const names = cols.map((c) => sqlIdentifier(c.name, "postgres")).join(", ");
  const query = sql.unsafe(`COPY ${table} (${names}) FROM STDIN`);
  let failure: unknown;
  let finished = false;
  let fail: (e: unknown) => void = () => {};
  // An error the server reports after the last row (a foreign key checked at
  // the end of the statement) reaches only the query's reject, which
  // postgres.js calls on an already-resolved promise: catch it there.
  const q = query as unknown as { reject: (e: unknown) => void };
  const reject = q.reject;
  q.reject = (e: unknown) => {
    fail(e);
    reject(e);
  };
  const stream = await query.writable();
  const done = new Promise<void>((resolve, rejectDone) => {
    fail = (e: unknown) => {
      failure ??= e;
      rejectDone(e);
    };
    stream.on("finish", () => {
      finished = true;
      resolve();
    });
    stream.on("error", fail);
  });
  done.catch(() => {});
  const push = async (chunk: Uint8Array) => {
    if (failure) throw failure;
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.off("error", onError);
          resolve();
        };
        const onError = (e: unknown) => {
          stream.off("drain", onDrain);
          reject(e);
        };
        stream.once("drain", onDrain);
        stream.once("error", onError);
      });
    }
  };
  return {
    async write(batch: Batch) {
      await writeTextRows(batch, encoders, { nul: "" }, CHUNK, push);
    },
    async end() {
      if (failure) throw failure;
      if (!finished) stream.end();
      await done;
    },
    async abort() {
      // CopyFail ends the COPY so ROLLBACK can run on this connection.
      if (!finished && !failure) stream.destroy(new Error("fabricate stopped the load"));
      await done.catch(() => {});
    },
  };
}
