/**
 * Reads SQLite DDL (`sqlite3 db .schema`) for `fabricate init` with SQLite
 * itself: the `CREATE TABLE` and `CREATE INDEX` statements are run in an
 * in-memory node:sqlite database, then read back like `--from-db sqlite:`.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { UsageError } from "../../core/errors.ts";
import { lineCol, statements, tokenize, unquote } from "./sql_statements.ts";
import { tablesOf } from "./introspect_sqlite.ts";
import type { Table } from "./parse_ddl.ts";

/**
 * Reads SQLite DDL into tables. Only `CREATE [TEMP] TABLE` and
 * `CREATE [UNIQUE] INDEX` statements run (in memory), so a hostile file
 * cannot `ATTACH` or `VACUUM INTO` a path; `sqlite_sequence` and other
 * internal tables are skipped.
 *
 * @param sql The DDL text.
 * @param file The file name for error messages.
 * @returns The tables in file order.
 * @throws {UsageError} When SQLite rejects a statement, with file:line:column.
 * @example
 * ```ts
 * import { parseSqliteDdl } from "./parse_sqlite_ddl.ts";
 * parseSqliteDdl("CREATE TABLE [t] (id INTEGER PRIMARY KEY AUTOINCREMENT) ;", "s.sql")[0]!.name; // "t"
 * ```
 */
export function parseSqliteDdl(sql: string, file: string): Table[] {
  const db = new DatabaseSync(":memory:");
  try {
    for (const st of statements(tokenize(sql, { brackets: true }))) {
      const w = st.slice(0, 4).map((t) => t.kind === "word" ? t.text.toUpperCase() : "");
      const k = w[1] === "TEMP" || w[1] === "TEMPORARY" || w[1] === "UNIQUE" ? 2 : 1;
      if (w[0] !== "CREATE" || (w[k] !== "TABLE" && w[k] !== "INDEX")) continue;
      const name = st.slice(k + 1).find((t) =>
        !["IF", "NOT", "EXISTS"].includes(t.text.toUpperCase())
      );
      if (w[k] === "TABLE" && name && /^sqlite_/i.test(unquote(name))) continue;
      const last = st[st.length - 1]!;
      const text = sql.slice(st[0]!.start, last.start + last.text.length);
      try {
        db.exec(text);
      } catch (e) {
        const full = String((e as Error).message ?? e);
        // node:sqlite adds "in <statement> at offset N" (SQLite's error offset).
        const offset = /\sat offset (\d+)$/.exec(full)?.[1];
        const message = full.replace(/\s+in [\s\S]*\sat offset \d+$/, "");
        const near = /near "(.*)"/.exec(message)?.[1];
        const at = offset !== undefined
          ? st[0]!.start + Number(offset)
          : (st.find((t) => t.text === near) ?? st[0]!).start;
        const [line, col] = lineCol(sql, at);
        throw new UsageError(
          `${file}:${line}:${col}: the DDL does not load into SQLite: ${message}`,
          "init reads CREATE TABLE statements of PostgreSQL, MySQL/MariaDB or SQLite " +
            "(detected, or --dialect postgres|mysql|sqlite); fix the statement or drop it",
        );
      }
    }
    return tablesOf(db, file);
  } finally {
    db.close();
  }
}
