/**
 * The PostgreSQL sink: npm:postgres (porsager) on one connection, rows
 * streamed with `COPY … FROM STDIN` (binary format when every column type is
 * covered, else text; FREEZE into tables created in the transaction), keys
 * taken off before the rows and put back after them (`detachKeys`), DDL,
 * rows and keys in one transaction.
 *
 * @module
 */
import postgres from "postgres";
import type { Batch, EntitySchema } from "../../core/types.ts";
import { sqlIdentifier, sqlString } from "../_shared/sql_text.ts";
import {
  binaryColumns,
  binaryHeader,
  BinaryOut,
  binaryTrailer,
  encodeBinaryRows,
} from "./copy_binary.ts";
import { copyColumn } from "./encode.ts";
import { type KeyStatement, type Sink, type TableWriter, transactionHooks } from "./sink.ts";
import { writeTextRows } from "./text_rows.ts";
import type { DatabaseTarget } from "./target.ts";

/** Bytes of COPY data gathered before a write to the socket. */
const CHUNK = 256 * 1024;

/** How the PostgreSQL sink writes rows. */
export interface PostgresOptions {
  /**
   * `binary` (default): binary COPY for tables whose column types it covers,
   * text COPY for the others; `text`: text COPY always (tests, benchmarks).
   */
  readonly copy?: "binary" | "text";
}

/**
 * Connects to a PostgreSQL target.
 *
 * @param target The parsed target.
 * @param options How rows are written.
 * @returns The sink.
 * @example
 * ```ts ignore
 * const sink = await openPostgres(parseTarget("postgres://me@127.0.0.1/dev"));
 * ```
 */
export async function openPostgres(
  target: DatabaseTarget,
  options: PostgresOptions = {},
): Promise<Sink> {
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
    writer: (entity, table, fresh) => copyWriter(sql, entity, table, options.copy, fresh),
    detachKeys: (tables) => detachKeys(sql, tables),
    close,
  };
}

/** A key of a table, as the catalog has it. */
interface Key {
  /** The index of its table in the list given to {@linkcode detachKeys}. */
  readonly ord: number;
  readonly name: string;
  /** `p` primary key, `u` unique, `f` foreign key. */
  readonly type: string;
  /** `pg_get_constraintdef`: e.g. `PRIMARY KEY (id)`. */
  readonly def: string;
}

const KEY_KIND: Record<string, string> = {
  p: "primary key",
  u: "unique constraint",
  f: "foreign key",
};

/**
 * Takes the PRIMARY KEY, UNIQUE and FOREIGN KEY constraints off tables
 * created in this transaction, and returns the `ALTER TABLE … ADD CONSTRAINT`
 * statements that put them back as the catalog had them (same names, same
 * definitions, from `pg_get_constraintdef`): primary and unique keys first,
 * table by table in the order given, then foreign keys. CHECK and NOT NULL
 * stay on. A unique index built once over every row is much cheaper than one
 * B-tree insert per row (PostgreSQL's "Populating a Database"), and a foreign
 * key added to a full table is checked by one join.
 */
async function detachKeys(sql: postgres.Sql, tables: readonly string[]): Promise<KeyStatement[]> {
  if (!tables.length) return [];
  const list = tables.map((t) => sqlString(t, "postgres")).join(", ");
  const keys = [
    ...await sql.unsafe(
      "SELECT t.ord::int AS ord, c.conname AS name, c.contype AS type, " +
        "pg_get_constraintdef(c.oid) AS def FROM pg_constraint c " +
        `JOIN unnest(ARRAY[${list}]::regclass[]) WITH ORDINALITY AS t(rel, ord) ` +
        "ON c.conrelid = t.rel WHERE c.contype IN ('p', 'u', 'f') " +
        "ORDER BY c.contype = 'f', t.ord, c.oid",
    ),
  ] as unknown as Key[];
  const ident = (name: string) => sqlIdentifier(name, "postgres");
  const table = (k: Key) => tables[k.ord - 1]!;
  // Foreign keys first: a primary key cannot go while one points at it.
  for (const k of [...keys].reverse()) {
    await sql.unsafe(`ALTER TABLE ${table(k)} DROP CONSTRAINT ${ident(k.name)}`);
  }
  return keys.map((k) => ({
    table: table(k),
    what: `${KEY_KIND[k.type]} ${k.name}`,
    sql: `ALTER TABLE ${table(k)} ADD CONSTRAINT ${ident(k.name)} ${k.def}`,
  }));
}

/**
 * A table's writer: binary COPY when every column type is covered
 * (copy_binary.ts), text COPY otherwise. A batch with a value the binary
 * encoder does not cover ends the binary COPY and the rest of the table
 * goes through a second, text COPY in the same transaction.
 */
async function copyWriter(
  sql: postgres.Sql,
  entity: EntitySchema,
  table: string,
  format: PostgresOptions["copy"],
  fresh = false,
): Promise<TableWriter> {
  const cols = entity.columns;
  // FREEZE: rows of a table created in this transaction are written already
  // frozen (no hint-bit writes on the first read, nothing for VACUUM to
  // freeze later); no other session can see the table before COMMIT anyway.
  const freeze = fresh ? ", FREEZE" : "";
  const names = cols.map((c) => sqlIdentifier(c.name, "postgres")).join(", ");
  const binary = format === "text" ? undefined : binaryColumns(cols);
  const textCopy = async (): Promise<TableWriter> => {
    const encoders = cols.map(copyColumn);
    const copy = await openCopy(
      sql,
      `COPY ${table} (${names}) FROM STDIN (FORMAT text${freeze})`,
    );
    return {
      write: (batch) => writeTextRows(batch, encoders, { nul: "" }, CHUNK, copy.push),
      end: copy.end,
      abort: copy.abort,
    };
  };
  if (!binary) return await textCopy();
  let copy: Copy | undefined = await openCopy(
    sql,
    `COPY ${table} (${names}) FROM STDIN (FORMAT binary${freeze})`,
  );
  let text: TableWriter | undefined;
  let out = new BinaryOut(CHUNK + 4096);
  out.buf.set(binaryHeader());
  out.pos = binaryHeader().length;
  return {
    async write(batch: Batch) {
      if (text) return await text.write(batch);
      const mark = out.pos;
      if (encodeBinaryRows(batch, binary, out)) {
        if (out.pos >= CHUNK) await copy!.push(out.take());
        return;
      }
      // A value in a form binary does not cover: the rows so far end this
      // COPY, this batch and the rest go through text COPY.
      out.pos = mark;
      const rest = out.take();
      out = new BinaryOut(0);
      if (rest.length) await copy!.push(rest);
      await copy!.push(binaryTrailer());
      await copy!.end();
      copy = undefined;
      text = await textCopy();
      await text.write(batch);
    },
    async end() {
      if (text) return await text.end();
      const rest = out.take();
      if (rest.length) await copy!.push(rest);
      await copy!.push(binaryTrailer());
      await copy!.end();
    },
    async abort() {
      await (text ?? copy)?.abort?.();
    },
  };
}

/** An open `COPY … FROM STDIN`. */
interface Copy {
  /** Sends bytes (awaits the socket's drain). */
  push(chunk: Uint8Array): Promise<void>;
  /** Ends the COPY; rejects with the server's error. */
  end(): Promise<void>;
  /** Fails the COPY so ROLLBACK can run (never throws). */
  abort(): Promise<void>;
}

async function openCopy(sql: postgres.Sql, text: string): Promise<Copy> {
  const query = sql.unsafe(text);
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
  return {
    async push(chunk: Uint8Array) {
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
