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
 * - PostgreSQL identifiers longer than 63 bytes are truncated by the server.
 * - `--layout split` writes one `INSERT` per file, with
 *   `CREATE TABLE IF NOT EXISTS` and no `DROP`, so files load in any order
 *   (parents before children when foreign keys are on).
 *
 * @module
 */
import { z } from "zod";
import { definePlugin } from "../../core/define_plugin.ts";
import type { ColumnInfo, EntitySchema, FieldType } from "../../core/types.ts";

/** The SQL dialects the `sql` formatter writes. */
export type SqlDialect = "postgres" | "sqlite" | "mysql";

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
  table_prefix: "",
});

/** The validated options of the `sql` formatter. */
export type SqlOptions = z.infer<typeof sqlOptions>;

/**
 * Quotes an identifier for a dialect, doubling the quote character inside.
 *
 * @param name The identifier.
 * @param dialect The dialect.
 * @returns `"name"` (PostgreSQL, SQLite) or `` `name` `` (MySQL).
 * @example
 * ```ts
 * import { sqlIdentifier } from "./sql.ts";
 * sqlIdentifier('my "table"', "postgres"); // '"my ""table"""'
 * sqlIdentifier("order", "mysql"); // "`order`"
 * ```
 */
export function sqlIdentifier(name: string, dialect: SqlDialect): string {
  const q = dialect === "mysql" ? "`" : '"';
  return q + name.replaceAll(q, q + q).replaceAll("\0", "") + q;
}

// deno-lint-ignore no-control-regex -- NUL and Ctrl-Z are what MySQL needs escaped
const MYSQL_SPECIAL = /[\\'\0\r\x1a]/;
// deno-lint-ignore no-control-regex -- as above
const MYSQL_ESCAPE = /[\\'\0\r\x1a]/g;
const MYSQL_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "''",
  "\0": "\\0",
  "\r": "\\r",
  "\x1a": "\\Z",
};

/**
 * A string as an SQL string literal. Quotes are doubled; for MySQL,
 * backslashes are escaped too (its default `sql_mode` reads them as escapes),
 * and NUL, CR and Ctrl-Z are written `\0`, `\r` and `\Z`, since its client
 * reads a CR LF inside a literal as a line end. SQLite's shell does the same,
 * so a CR there becomes `' || char(13) || '`. PostgreSQL and SQLite cannot
 * hold NUL, so it is removed.
 *
 * @param s The string.
 * @param dialect The dialect.
 * @returns The literal, quotes included.
 * @example
 * ```ts
 * import { sqlString } from "./sql.ts";
 * sqlString("O'Brien", "postgres"); // "'O''Brien'"
 * sqlString("C:\\temp", "mysql"); // "'C:\\\\temp'"
 * ```
 */
export function sqlString(s: string, dialect: SqlDialect): string {
  if (dialect === "mysql") {
    if (!MYSQL_SPECIAL.test(s)) return "'" + s + "'";
    return "'" + s.replace(MYSQL_ESCAPE, (c) => MYSQL_ESCAPES[c]!) + "'";
  }
  if (s.includes("'")) s = s.replaceAll("'", "''");
  if (s.includes("\0")) s = s.replaceAll("\0", "");
  // The sqlite3 shell reads CR LF as a line end, even inside a literal.
  if (dialect === "sqlite" && s.includes("\r")) s = s.replaceAll("\r", "' || char(13) || '");
  return "'" + s + "'";
}

const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)Z$/;

/**
 * An ISO 8601 datetime as MySQL's `YYYY-MM-DD HH:MM:SS[.fff]`, in UTC.
 * Text that is not a datetime is returned unchanged, for MySQL to reject.
 *
 * @param iso An ISO datetime, e.g. `2024-05-01T12:30:00.250Z`.
 * @returns The MySQL form, e.g. `2024-05-01 12:30:00.250`.
 * @example
 * ```ts
 * import { mysqlDatetime } from "./sql.ts";
 * mysqlDatetime("2024-05-01T12:30:00.250Z"); // "2024-05-01 12:30:00.250"
 * mysqlDatetime("2024-05-01T14:30:00+02:00"); // "2024-05-01 12:30:00.000"
 * ```
 */
export function mysqlDatetime(iso: string): string {
  const m = ISO_UTC.exec(iso);
  if (m) return m[1] + " " + m[2];
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = new Date(t).toISOString();
  return s.slice(0, 10) + " " + s.slice(11, 23);
}

/**
 * The SQL column type for a field type in a dialect.
 *
 * @param column The column.
 * @param dialect The dialect.
 * @returns The type, e.g. `TIMESTAMPTZ`.
 * @example
 * ```ts
 * import { sqlType } from "./sql.ts";
 * const column = { name: "email", type: "string", nullable: false, unique: true, key: false, referenced: false } as const;
 * sqlType(column, "mysql"); // "VARCHAR(255)"
 * sqlType(column, "postgres"); // "TEXT"
 * ```
 */
export function sqlType(column: ColumnInfo, dialect: SqlDialect): string {
  const t: FieldType = column.type;
  const types = TYPES[dialect];
  if (dialect === "mysql" && t === "string" && (column.key || column.unique || column.ref)) {
    return "VARCHAR(255)";
  }
  return types[t] ?? "TEXT";
}

const TYPES: Record<SqlDialect, Record<FieldType, string>> = {
  postgres: {
    string: "TEXT",
    integer: "BIGINT",
    number: "DOUBLE PRECISION",
    boolean: "BOOLEAN",
    date: "DATE",
    datetime: "TIMESTAMPTZ",
    uuid: "UUID",
    json: "JSONB",
  },
  sqlite: {
    string: "TEXT",
    integer: "INTEGER",
    number: "REAL",
    boolean: "INTEGER",
    date: "TEXT",
    datetime: "TEXT",
    uuid: "TEXT",
    json: "TEXT",
  },
  mysql: {
    string: "TEXT",
    integer: "BIGINT",
    number: "DOUBLE",
    boolean: "BOOLEAN",
    date: "DATE",
    datetime: "DATETIME(3)",
    uuid: "CHAR(36)",
    json: "JSON",
  },
};

/**
 * Builds the literal encoder of one column: from a value to SQL text.
 *
 * @param column The column.
 * @param dialect The dialect.
 * @returns A function from value to literal (`NULL`, `42`, `'text'`, …).
 * @example
 * ```ts
 * import { sqlLiteral } from "./sql.ts";
 * const active = sqlLiteral({ name: "active", type: "boolean", nullable: true, unique: false, key: false, referenced: false }, "sqlite");
 * active(true); // "1"
 * active(null); // "NULL"
 * ```
 */
export function sqlLiteral(column: ColumnInfo, dialect: SqlDialect): (v: unknown) => string {
  const bool = dialect === "sqlite" ? ["0", "1"] : ["FALSE", "TRUE"];
  const text = (v: unknown): string => {
    switch (typeof v) {
      case "string":
        return sqlString(v, dialect);
      case "number":
        return Number.isFinite(v) ? String(v) : "NULL";
      case "boolean":
        return v ? bool[1]! : bool[0]!;
      case "bigint":
        return String(v);
      case "object":
        if (v === null) return "NULL";
        if (v instanceof Date) {
          return Number.isNaN(v.getTime()) ? "NULL" : sqlString(v.toISOString(), dialect);
        }
        return sqlString(jsonText(v, dialect), dialect);
      default:
        return "NULL";
    }
  };
  if (column.type === "json") {
    // A JSON column holds JSON text, so a string value is encoded too.
    return (
      v,
    ) => (v === null || v === undefined ? "NULL" : sqlString(jsonText(v, dialect), dialect));
  }
  if (column.type === "datetime" && dialect === "mysql") {
    return (v) => {
      if (typeof v === "string") return sqlString(mysqlDatetime(v), dialect);
      if (v instanceof Date && !Number.isNaN(v.getTime())) {
        return sqlString(mysqlDatetime(v.toISOString()), dialect);
      }
      return text(v);
    };
  }
  return text;
}

function jsonText(v: unknown, dialect: SqlDialect): string {
  const s = JSON.stringify(v) ?? "null";
  // PostgreSQL's jsonb rejects \u0000 too.
  if (dialect === "postgres" && s.includes("\\u0000")) {
    return JSON.stringify(v, (_k, x) => (typeof x === "string" ? x.replaceAll("\0", "") : x));
  }
  return s;
}

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
    let insert = "";
    let literals: ((v: unknown) => string)[] = [];
    let pending = 0;
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
        literals = entity.columns.map((c) => sqlLiteral(c, d));
        insert = `INSERT INTO ${table(entity.name)} (${
          entity.columns.map((c) => q(c.name)).join(", ")
        }) VALUES`;
        if (entity.columns.length === 0) {
          return `\n-- ${entity.name}: no output columns, nothing to write\n`;
        }
        if (!options.create_table) return split ? undefined : "\n";
        return (split ? "" : "\n") + createTable(entity, split);
      },
      write(batch) {
        const cols = batch.columns;
        const n = cols.length;
        if (n === 0) return;
        const size = split ? 1 : options.batch;
        let s = "";
        for (let k = 0; k < batch.length; k++) {
          s += (pending === 0 ? insert + "\n  (" : ",\n  (") + literals[0]!(cols[0]![k]);
          for (let c = 1; c < n; c++) s += ", " + literals[c]!(cols[c]![k]);
          s += ")";
          if (++pending === size) {
            s += ";\n";
            pending = 0;
          }
        }
        return s;
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

    function createTable(entity: EntitySchema, ifNotExists: boolean): string {
      const lines: string[] = [];
      const notes: string[] = [];
      for (const c of entity.columns) {
        let line = `  ${q(c.name)} ${sqlType(c, d)}`;
        if (c.key) line += " PRIMARY KEY";
        else {
          if (!c.nullable) line += " NOT NULL";
          // MySQL cannot index a JSON column.
          // A column another table's foreign key points at must be unique.
          if ((c.unique || c.referenced) && !(d === "mysql" && c.type === "json")) {
            line += " UNIQUE";
          }
        }
        lines.push(line);
      }
      // Table-level constraints: MySQL ignores REFERENCES written on a column.
      for (const c of options.foreign_keys ? entity.columns : []) {
        if (!c.ref) continue;
        const fk = `  FOREIGN KEY (${q(c.name)}) REFERENCES ${table(c.ref.entity)} (${
          q(c.ref.field)
        })`;
        if (c.ref.entity !== entity.name) lines.push(fk);
        else if (d !== "mysql" && transaction) lines.push(fk + " DEFERRABLE INITIALLY DEFERRED");
        else {
          notes.push(
            `-- ${c.name} references ${table(c.ref.entity)} (${q(c.ref.field)}), not enforced: ` +
              "a self-reference may point to a later row",
          );
        }
      }
      const head = `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${table(entity.name)} (\n`;
      // utf8mb4 holds every character; a binary collation compares (and so
      // keeps UNIQUE) the way the generator does: case and accents matter.
      const tail = d === "mysql" ? "\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;\n" : "\n);\n";
      return notes.map((n) => n.replace(/[\r\n]+/g, " ") + "\n").join("") + head +
        lines.join(",\n") + tail;
    }
  },
});
