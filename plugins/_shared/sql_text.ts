/**
 * SQL text for each dialect: identifiers, string literals, column types and
 * value encoders. Shared by the `sql` formatter and the database sinks.
 *
 * @module
 */
import type { ColumnInfo, FieldType } from "../../core/types.ts";

/** The SQL dialects fabricate writes. */
export type SqlDialect = "postgres" | "sqlite" | "mysql";

/**
 * Quotes an identifier for a dialect, doubling the quote character inside.
 *
 * @param name The identifier.
 * @param dialect The dialect.
 * @returns `"name"` (PostgreSQL, SQLite) or `` `name` `` (MySQL).
 * @example
 * ```ts
 * import { sqlIdentifier } from "./sql_text.ts";
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
 * import { sqlString } from "./sql_text.ts";
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
 * import { mysqlDatetime } from "./sql_text.ts";
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
 * The SQL column type for a field type in a dialect. A string with a known
 * longest length is `VARCHAR(n)`; a decimal number (a known count of
 * decimals) is an exact `NUMERIC(p,s)`, never a double.
 *
 * @param column The column.
 * @param dialect The dialect.
 * @param indexed True when a key or UNIQUE constraint covers the column
 *   (MySQL cannot index TEXT: such strings become `VARCHAR(255)`).
 * @returns The type, e.g. `TIMESTAMPTZ`.
 * @example
 * ```ts
 * import { sqlType } from "./sql_text.ts";
 * const column = { name: "email", type: "string", nullable: false, unique: true, key: false, referenced: false } as const;
 * sqlType(column, "mysql"); // "VARCHAR(255)"
 * sqlType(column, "postgres"); // "TEXT"
 * sqlType({ ...column, type: "number", decimals: 2, maxAbs: 9999.99 }, "postgres"); // "NUMERIC(6,2)"
 * ```
 */
export function sqlType(column: ColumnInfo, dialect: SqlDialect, indexed = false): string {
  const t: FieldType = column.type;
  const types = TYPES[dialect];
  if (t === "string" && column.maxLength !== undefined && column.maxLength <= 10_000) {
    return `VARCHAR(${column.maxLength})`;
  }
  if (
    dialect === "mysql" && t === "string" &&
    (indexed || column.key || column.unique || column.referenced || column.ref)
  ) {
    return "VARCHAR(255)";
  }
  if (t === "number" && column.decimals !== undefined) {
    const s = Math.min(column.decimals, 30);
    const whole = column.maxAbs !== undefined && Number.isFinite(column.maxAbs)
      ? Math.max(1, Math.floor(Math.log10(Math.max(column.maxAbs, 1))) + 1)
      : 18;
    return `NUMERIC(${Math.min(whole + s, 65)},${s})`;
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
 * import { sqlLiteral } from "./sql_text.ts";
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
