/**
 * `sql`: a script of `CREATE TABLE` and batched multi-row `INSERT`
 * statements for PostgreSQL, SQLite or MySQL/MariaDB.
 *
 * What to know when loading the output:
 * - Files of `--layout per-entity` are loaded parents first (the order of
 *   the manifest); `--layout single` writes every table into one file,
 *   parents first, and drops them (with `drop_table`) children first.
 * - A self-reference (a column that points to its own table, such as
 *   `manager_id`) may point to a row inserted later. PostgreSQL and SQLite
 *   then get a `DEFERRABLE INITIALLY DEFERRED` constraint, checked at
 *   `COMMIT`; without a transaction, and on MySQL (which cannot defer), the
 *   constraint is left out and named in a comment.
 * - PostgreSQL and SQLite cannot store the NUL character (U+0000) in text:
 *   it is removed from strings. MySQL keeps it (written `\0`).
 * - String literals hold every other character as it is, except that the
 *   sqlite3 shell and the mysql client read a CR LF inside a literal as a
 *   line end: SQLite gets `' || char(13) || '` and MySQL `\r` for each CR.
 *   MySQL literals also escape backslashes (its default `sql_mode` reads
 *   them as escapes).
 * - Non-finite numbers (NaN, ±Infinity) are written as NULL.
 * - MySQL cannot index TEXT, so string keys, unique strings and foreign keys
 *   are `VARCHAR(255)` there (longer values fail to load); datetimes are
 *   `DATETIME(3)` in UTC; tables are `utf8mb4` with the binary collation,
 *   so emoji load and UNIQUE compares as the generator does (case and
 *   accents matter; trailing spaces do not, in PAD SPACE collations).
 * - Constraints follow the scenario (see docs/databases.md): PRIMARY KEY
 *   (composite too), UNIQUE (tuples too), FOREIGN KEY, NOT NULL only where a
 *   column provably never holds null, CHECK from `range`/`enum` validators
 *   and short choice lists (`checks: false` leaves them out), VARCHAR(n) from
 *   a `length` max and NUMERIC(p,s) for numbers with `decimals`. Fields an
 *   anomaly kind replaces get no CHECK, length or UNIQUE promise.
 * - PostgreSQL identifiers longer than 63 bytes are truncated by the server.
 * - `--layout split` writes one `INSERT` per file, with
 *   `CREATE TABLE IF NOT EXISTS` and no `DROP`, so files load in any order
 *   (parents before children when foreign keys are on).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import { createTableSql } from "../_shared/sql_ddl.ts";
import { ByteWriter } from "../_shared/byte_writer.ts";
import { sqlLiteralWriter } from "../_shared/sql_bytes.ts";
import { sqlIdentifier } from "../_shared/sql_text.ts";

export {
  mysqlDatetime,
  type SqlDialect,
  sqlIdentifier,
  sqlLiteral,
  sqlString,
  sqlType,
} from "../_shared/sql_text.ts";
export { createTableSql } from "../_shared/sql_ddl.ts";

/**
 * Options of the `sql` formatter.
 *
 * @example
 * ```ts
 * import { sqlOptions } from "./sql.ts";
 * sqlOptions.parse({ dialect: "sqlite" }).batch; // 500
 * ```
 */
export const sqlOptions = z.object({
  /** The SQL dialect. */
  dialect: z.enum(["postgres", "sqlite", "mysql"]).default("postgres")
    .describe("SQL dialect: postgres, sqlite or mysql (also MariaDB)"),
  /** Rows per INSERT statement. */
  batch: z.number().int().min(1).max(100_000).default(500).describe("Rows per INSERT statement"),
  /** Write CREATE TABLE statements. */
  create_table: z.boolean().default(true).describe("Write CREATE TABLE statements"),
  /** Write DROP TABLE IF EXISTS before creating. */
  drop_table: z.boolean().default(false).describe("Write DROP TABLE IF EXISTS first"),
  /** Wrap the file in a transaction. */
  transaction: z.boolean().default(true).describe("Wrap the file in BEGIN … COMMIT"),
  /** Write foreign key constraints for ref fields. */
  foreign_keys: z.boolean().default(true).describe("Write REFERENCES constraints for ref fields"),
  /** Write CHECK constraints from validators and short choice lists. */
  checks: z.boolean().default(true).describe(
    "Write CHECK constraints from range and enum validators and short choice lists",
  ),
  /** Qualify table names with a schema (MySQL: a database). */
  schema: z.string().min(1).optional().describe(
    "Schema (MySQL: database) to qualify table names with; created if missing (not for SQLite)",
  ),
  /** Text put before each table name. */
  table_prefix: z.string().default("").describe("Text put before each table name"),
}).strict().default({
  dialect: "postgres",
  batch: 500,
  create_table: true,
  drop_table: false,
  transaction: true,
  foreign_keys: true,
  checks: true,
  table_prefix: "",
});

/** The validated options of the `sql` formatter. */
export type SqlOptions = z.infer<typeof sqlOptions>;

/**
 * SQL scripts: tables and their rows, for PostgreSQL, SQLite or MySQL.
 *
 * @example In a scenario
 * ```yaml
 * output:
 *   format: sql
 *   sql: { dialect: sqlite, batch: 1000, drop_table: true }
 * ```
 */
export default definePlugin({
  name: "sql",
  kind: "formatter",
  version: "1.0.0",
  description: "SQL: CREATE TABLE and batched INSERTs for postgres, sqlite or mysql",
  extension: "sql",
  multiEntity: true,
  options: sqlOptions,
  create(options, setup) {
    const d = options.dialect;
    const split = setup.layout === "split";
    const q = (name: string) => sqlIdentifier(name, d);
    const table = (entity: string) =>
      (options.schema !== undefined ? q(options.schema) + "." : "") +
      q(options.table_prefix + entity);
    const transaction = options.transaction && !split;
    const utf8 = new TextEncoder();
    let insert = new Uint8Array(0);
    let literals: ((w: ByteWriter, v: unknown) => void)[] = [];
    let pending = 0;
    let bytesPerRow = 128;
    return {
      start() {
        let s = `-- Generated by fabricate: scenario ${
          setup.scenario.replace(/[\r\n]+/g, " ")
        }, dialect ${d}\n`;
        if (d === "postgres") {
          s += "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n";
        }
        if (d === "mysql") s += "SET NAMES utf8mb4;\n";
        if (transaction) s += d === "mysql" ? "START TRANSACTION;\n" : "BEGIN;\n";
        if (options.schema !== undefined && options.create_table && d !== "sqlite") {
          s += d === "mysql"
            ? `CREATE DATABASE IF NOT EXISTS ${q(options.schema)} CHARACTER SET utf8mb4;\n`
            : `CREATE SCHEMA IF NOT EXISTS ${q(options.schema)};\n`;
        }
        if (options.drop_table && !split) {
          const drops = setup.entities.filter((e) => e.columns.length > 0).map((e) => e.name)
            .reverse();
          if (drops.length) {
            if (d === "mysql") {
              s += "SET @fabricate_fk = @@FOREIGN_KEY_CHECKS;\nSET FOREIGN_KEY_CHECKS = 0;\n";
            }
            for (const name of drops) {
              s += `DROP TABLE IF EXISTS ${table(name)}${d === "postgres" ? " CASCADE" : ""};\n`;
            }
            if (d === "mysql") s += "SET FOREIGN_KEY_CHECKS = @fabricate_fk;\n";
          }
        }
        return s;
      },
      beginEntity(entity) {
        pending = 0;
        literals = entity.columns.map((c) => sqlLiteralWriter(c, d));
        insert = utf8.encode(
          `INSERT INTO ${table(entity.name)} (${
            entity.columns.map((c) => q(c.name)).join(", ")
          }) VALUES\n  (`,
        );
        if (entity.columns.length === 0) {
          return `\n-- ${entity.name}: no output columns, nothing to write\n`;
        }
        if (!options.create_table) return split ? undefined : "\n";
        return (split ? "" : "\n") + createTableSql(entity, {
          dialect: d,
          ...(options.schema !== undefined ? { schema: options.schema } : {}),
          tablePrefix: options.table_prefix,
          foreignKeys: options.foreign_keys,
          checks: options.checks,
          transaction,
          ifNotExists: split,
        });
      },
      write(batch) {
        const cols = batch.columns;
        const n = cols.length;
        if (n === 0) return;
        const size = split ? 1 : options.batch;
        // Straight into UTF-8 bytes: no long string to flatten and encode again.
        const w = new ByteWriter(Math.ceil(bytesPerRow * batch.length * 1.1) + 1024);
        for (let k = 0; k < batch.length; k++) {
          if (pending === 0) w.bytes(insert);
          else {
            w.byte(44);
            w.byte(10);
            w.byte(32);
            w.byte(32);
            w.byte(40);
          }
          literals[0]!(w, cols[0]![k]);
          for (let c = 1; c < n; c++) {
            w.byte(44);
            w.byte(32);
            literals[c]!(w, cols[c]![k]);
          }
          w.byte(41);
          if (++pending === size) {
            w.byte(59);
            w.byte(10);
            pending = 0;
          }
        }
        if (batch.length > 0) bytesPerRow = w.pos / batch.length;
        return w.take();
      },
      // Rows are grouped into INSERTs of `batch` rows counted from the entity's first.
      seek(entity, row) {
        pending = entity.columns.length === 0 ? 0 : row % (split ? 1 : options.batch);
      },
      endEntity() {
        if (pending === 0) return;
        pending = 0;
        return ";\n";
      },
      finish() {
        if (transaction) return "\nCOMMIT;\n";
      },
    };
  },
});
