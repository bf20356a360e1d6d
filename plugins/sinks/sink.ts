/**
 * What a database sink does. One implementation per dialect (sqlite.ts,
 * postgres.ts, mysql.ts); the loader (load.ts) drives any of them the same
 * way, so it knows no dialect beyond the SQL text helpers.
 *
 * @module
 */
import type { Batch, EntitySchema } from "../../core/types.ts";
import type { SqlDialect } from "../_shared/sql_text.ts";

/** Writes one table's rows, batch by batch. */
export interface TableWriter {
  /** Appends a batch (output columns, in schema order). */
  write(batch: Batch): Promise<void>;
  /** Flushes what is left; the rows are then in the (open) transaction. */
  end(): Promise<void>;
  /** Gives up after a failure, so the connection can roll back (never throws). */
  abort?(): Promise<void>;
}

/** An open connection to a database target. */
export interface Sink {
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** The schema to qualify table names with (PostgreSQL), if any. */
  readonly schema: string | undefined;
  /**
   * True when CREATE TABLE takes part in a transaction (PostgreSQL, SQLite);
   * false when it commits at once (MySQL/MariaDB).
   */
  readonly transactionalDdl: boolean;
  /** Runs a statement that returns nothing. */
  exec(sql: string): Promise<void>;
  /** Runs a query and returns its rows as objects. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** The names of the tables among `names` that exist in the target schema. */
  existingTables(names: readonly string[]): Promise<string[]>;
  /** Creates the target schema when missing (PostgreSQL). */
  ensureSchema(): Promise<void>;
  /** Starts the transaction. */
  begin(): Promise<void>;
  /** Commits it. */
  commit(): Promise<void>;
  /** Rolls it back (never throws). */
  rollback(): Promise<void>;
  /**
   * Opens a writer for one table (created already). `fresh`: the table was
   * created in the open transaction, so the sink may load it the way only a
   * new table allows (PostgreSQL: `COPY … FREEZE`).
   */
  writer(entity: EntitySchema, table: string, fresh?: boolean): Promise<TableWriter>;
  /**
   * Bulk loading (optional): takes the keys off tables created in the open
   * transaction before their rows go in, and returns the statements that put
   * them back, exactly as the DDL made them (names and definitions), in the
   * order to run them once every row is in. An index built over all rows at
   * once costs far less than one insert per row, and a foreign key is then
   * checked by one join. A row that breaks a key fails the statement that
   * puts it back, and the load rolls back as for any other failure.
   */
  detachKeys?(tables: readonly string[]): Promise<KeyStatement[]>;
  /** Closes the connection (never throws). */
  close(): Promise<void>;
}

/** A statement that puts back a key taken off by {@linkcode Sink.detachKeys}. */
export interface KeyStatement {
  /** The table, as given to `detachKeys`. */
  readonly table: string;
  /** What it adds, for messages: e.g. `primary key customers_pkey`. */
  readonly what: string;
  /** The statement. */
  readonly sql: string;
}

/**
 * A sink's `begin`, `commit` and `rollback` over a function that runs one
 * SQL statement. `rollback` does nothing outside a transaction and never
 * throws: when the connection is gone, the server has rolled back already.
 *
 * @param exec Runs one statement.
 * @param beginSql The statement that starts a transaction.
 * @returns The three hooks, to spread into a {@linkcode Sink}.
 * @example
 * ```ts
 * import { transactionHooks } from "./sink.ts";
 * const said: string[] = [];
 * const tx = transactionHooks((sql) => said.push(sql));
 * await tx.begin();
 * await tx.rollback();
 * await tx.rollback();
 * said; // ["BEGIN", "ROLLBACK"]
 * ```
 */
export function transactionHooks(
  exec: (sql: string) => unknown,
  beginSql = "BEGIN",
): Pick<Sink, "begin" | "commit" | "rollback"> {
  let open = false;
  return {
    async begin() {
      await exec(beginSql);
      open = true;
    },
    async commit() {
      await exec("COMMIT");
      open = false;
    },
    async rollback() {
      if (!open) return;
      open = false;
      try {
        await exec("ROLLBACK");
      } catch { /* the connection is gone: the server rolls back */ }
    },
  };
}
