/**
 * Value encoders of the database sinks, matching what the `sql` formatter
 * writes as literals (plugins/_shared/sql_text.ts): booleans as 1/0 in
 * SQLite, JSON columns as JSON text, non-finite numbers as NULL, PostgreSQL
 * text without NUL.
 *
 * @module
 */
import type { ColumnInfo } from "../../core/types.ts";
import { mysqlDatetime } from "../_shared/sql_text.ts";
import type { TextColumn } from "./text_rows.ts";

/** A value node:sqlite can bind. */
export type SqliteValue = string | number | bigint | null;

/**
 * The encoder of one column for a node:sqlite prepared statement.
 *
 * @param column The column.
 * @returns From a generated value to a bindable one.
 * @example
 * ```ts
 * import { sqliteEncoder } from "./encode.ts";
 * const active = sqliteEncoder({ name: "a", type: "boolean", nullable: true, unique: false, key: false, referenced: false });
 * active(true); // 1
 * ```
 */
export function sqliteEncoder(column: ColumnInfo): (v: unknown) => SqliteValue {
  if (column.type === "json") {
    return (v) => (v === null || v === undefined ? null : JSON.stringify(v) ?? null);
  }
  return (v) => {
    switch (typeof v) {
      case "string":
        return v;
      case "number":
        return Number.isFinite(v) ? v : null;
      case "boolean":
        return v ? 1 : 0;
      case "bigint":
        return v;
      case "object":
        if (v === null) return null;
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
        return JSON.stringify(v);
      default:
        return null;
    }
  };
}

const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_ESCAPE = /[\\\t\n\r\0]/g;
const COPY_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\0": "",
};

function copyString(s: string): string {
  return COPY_SPECIAL.test(s) ? s.replace(COPY_ESCAPE, (c) => COPY_ESCAPES[c]!) : s;
}

function jsonText(v: unknown): string {
  const s = JSON.stringify(v) ?? "null";
  // jsonb rejects \u0000.
  return s.includes("\\u0000")
    ? JSON.stringify(v, (_k, x) => (typeof x === "string" ? x.replaceAll("\0", "") : x))
    : s;
}

/**
 * The encoder of one column for PostgreSQL's `COPY … FROM STDIN` text
 * format: `\N` for NULL, backslash, tab, newline and CR escaped.
 *
 * @param column The column.
 * @returns From a generated value to its field text.
 * @example
 * ```ts
 * import { copyEncoder } from "./encode.ts";
 * const note = copyEncoder({ name: "n", type: "string", nullable: true, unique: false, key: false, referenced: false });
 * note("a\tb"); // "a\\tb"
 * note(null); // "\\N"
 * ```
 */
export function copyEncoder(column: ColumnInfo): (v: unknown) => string {
  if (column.type === "json") {
    return (v) => (v === null || v === undefined ? "\\N" : copyString(jsonText(v)));
  }
  return (v) => {
    switch (typeof v) {
      case "string":
        return copyString(v);
      case "number":
        return Number.isFinite(v) ? String(v) : "\\N";
      case "boolean":
        return v ? "t" : "f";
      case "bigint":
        return String(v);
      case "object":
        if (v === null) return "\\N";
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? "\\N" : v.toISOString();
        return copyString(jsonText(v));
      default:
        return "\\N";
    }
  };
}

const LOAD_SPECIAL = /[\\\t\n\r\0]/;
const LOAD_ESCAPE = /[\\\t\n\r\0]/g;
const LOAD_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\0": "\\0",
};

function loadString(s: string): string {
  return LOAD_SPECIAL.test(s) ? s.replace(LOAD_ESCAPE, (c) => LOAD_ESCAPES[c]!) : s;
}

/**
 * The encoder of one column for MySQL/MariaDB's `LOAD DATA LOCAL INFILE`
 * in its default text format (fields split by tab, rows by newline, escaped
 * by backslash): `\N` for NULL, booleans as 1/0, datetimes as
 * `YYYY-MM-DD HH:MM:SS.fff` in UTC, JSON columns as JSON text; the values
 * the multi-row INSERT path writes as literals.
 *
 * @param column The column.
 * @returns From a generated value to its field text.
 * @example
 * ```ts
 * import { loadDataEncoder } from "./encode.ts";
 * const note = loadDataEncoder({ name: "n", type: "string", nullable: true, unique: false, key: false, referenced: false });
 * note("a\tb\\c"); // "a\\tb\\\\c"
 * note(null); // "\\N"
 * note(""); // ""
 * ```
 */
export function loadDataEncoder(column: ColumnInfo): (v: unknown) => string {
  if (column.type === "json") {
    return (v) => (v === null || v === undefined ? "\\N" : loadString(JSON.stringify(v) ?? "null"));
  }
  const text = (v: unknown): string => {
    switch (typeof v) {
      case "string":
        return loadString(v);
      case "number":
        return Number.isFinite(v) ? String(v) : "\\N";
      case "boolean":
        return v ? "1" : "0";
      case "bigint":
        return String(v);
      case "object":
        if (v === null) return "\\N";
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? "\\N" : v.toISOString();
        return loadString(JSON.stringify(v));
      default:
        return "\\N";
    }
  };
  if (column.type === "datetime") {
    return (v) => {
      if (typeof v === "string") return loadString(mysqlDatetime(v));
      if (v instanceof Date && !Number.isNaN(v.getTime())) return mysqlDatetime(v.toISOString());
      return text(v);
    };
  }
  return text;
}

/**
 * One column of `COPY … FROM STDIN` text: {@linkcode copyEncoder}, and
 * strings (escaped as they are written) and finite numbers written
 * directly, except in JSON columns.
 *
 * @param column The column.
 * @returns How `writeTextRows` (text_rows.ts) writes it.
 * @example
 * ```ts
 * import { copyColumn } from "./encode.ts";
 * const name = copyColumn({ name: "n", type: "string", nullable: true, unique: false, key: false, referenced: false });
 * name.encode("a\nb"); // "a\\nb"
 * ```
 */
export function copyColumn(column: ColumnInfo): TextColumn {
  const encode = copyEncoder(column);
  return { encode, direct: column.type !== "json" };
}

/**
 * One column of `LOAD DATA` text: {@linkcode loadDataEncoder}, and strings
 * (escaped as they are written) and finite numbers written directly, except
 * in JSON and datetime columns (which are rewritten).
 *
 * @param column The column.
 * @returns How `writeTextRows` (text_rows.ts) writes it.
 * @example
 * ```ts
 * import { loadDataColumn } from "./encode.ts";
 * const at = loadDataColumn({ name: "at", type: "datetime", nullable: true, unique: false, key: false, referenced: false });
 * at.encode("2024-05-01T12:30:00Z"); // "2024-05-01 12:30:00"
 * ```
 */
export function loadDataColumn(column: ColumnInfo): TextColumn {
  const encode = loadDataEncoder(column);
  return { encode, direct: column.type !== "json" && column.type !== "datetime" };
}
