/**
 * SQL literals written straight into UTF-8 bytes, for the `sql` formatter:
 * the bytes are those `TextEncoder` writes for the text of
 * {@linkcode sqlLiteral}, without building that text first.
 *
 * @module
 */
import type { ColumnInfo } from "../../core/types.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { mysqlDatetime, type SqlDialect, sqlLiteral, sqlString } from "./sql_text.ts";

/** Appends `NULL` (a loop of bytes: `Uint8Array.set` is slow at this size). */
function writeNull(w: ByteWriter): void {
  if (w.pos + 4 > w.buf.length) w.reserve(4);
  const buf = w.buf;
  buf[w.pos++] = 78;
  buf[w.pos++] = 85;
  buf[w.pos++] = 76;
  buf[w.pos++] = 76;
}

/**
 * Builds the literal writer of one column: the bytes of
 * {@linkcode sqlLiteral}'s text. Strings that need no escaping in the
 * dialect and numbers are written directly; every other value takes the
 * text path.
 *
 * @param column The column.
 * @param dialect The dialect.
 * @returns A function that appends a value's literal (`NULL`, `42`, `'text'`, …).
 * @example
 * ```ts
 * import { ByteWriter } from "./byte_writer.ts";
 * import { sqlLiteralWriter } from "./sql_bytes.ts";
 * const name = sqlLiteralWriter({ name: "name", type: "string", nullable: true, unique: false, key: false, referenced: false }, "postgres");
 * const w = new ByteWriter();
 * name(w, "O'Brien");
 * new TextDecoder().decode(w.take()); // "'O''Brien'"
 * ```
 */
export function sqlLiteralWriter(
  column: ColumnInfo,
  dialect: SqlDialect,
): (w: ByteWriter, v: unknown) => void {
  const text = sqlLiteral(column, dialect);
  // A JSON column's values all become JSON text: the text path.
  if (column.type === "json") return (w, v) => w.text(text(v));
  const mysql = dialect === "mysql";
  // What makes a string need sqlString's escaping: a quote and NUL always; a CR
  // for SQLite; for MySQL a backslash and a CR too (and Ctrl-Z, looked for apart).
  const b = mysql ? 92 : dialect === "sqlite" ? 13 : -1;
  const c = mysql ? 13 : -1;
  const string = (w: ByteWriter, s: string) => {
    w.byte(39);
    if ((!mysql || !s.includes("\x1a")) && w.textUntil(s, 39, 0, b, c)) {
      w.byte(39);
      return;
    }
    // textUntil wrote nothing: take back the opening quote, which sqlString writes.
    w.pos--;
    w.text(sqlString(s, dialect));
  };
  // MySQL datetimes are rewritten as MySQL reads them; other values as in any column.
  if (column.type === "datetime" && mysql) {
    return (w, v) => {
      if (typeof v === "string") string(w, mysqlDatetime(v));
      else w.text(text(v));
    };
  }
  return (w, v) => {
    if (typeof v === "string") string(w, v);
    else if (typeof v === "number") {
      if (Number.isInteger(v)) w.integer(v);
      else if (Number.isFinite(v)) w.text(String(v));
      else writeNull(w);
    } else if (v === null || v === undefined) writeNull(w);
    else w.text(text(v));
  };
}
