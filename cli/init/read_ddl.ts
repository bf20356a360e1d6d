/**
 * `init --from-ddl`: detects the SQL dialect of a DDL file (PostgreSQL,
 * MySQL/MariaDB or SQLite) and reads it with the matching reader.
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import { parseDdl, type Table } from "./parse_ddl.ts";
import { parseMysqlDdl } from "./parse_mysql_ddl.ts";
import { parseSqliteDdl } from "./parse_sqlite_ddl.ts";
import { tokenize } from "./sql_statements.ts";

/** The SQL dialects init reads. */
export type Dialect = "postgres" | "mysql" | "sqlite";

/** The dialects by name. */
export const DIALECTS: readonly Dialect[] = ["postgres", "mysql", "sqlite"];

/**
 * Guesses the dialect of DDL text from what only one dialect writes:
 * SQLite's `AUTOINCREMENT`, `WITHOUT ROWID`, `[names]`, `sqlite_sequence`;
 * MySQL's backticks, `AUTO_INCREMENT`, `ENGINE=`, `UNSIGNED`, `ENUM(…)`,
 * `KEY name (…)`, `/*!40101 … *\/`, `LOCK TABLES`; PostgreSQL otherwise.
 *
 * @param sql The DDL text.
 * @returns The dialect.
 * @example
 * ```ts
 * import { detectDialect } from "./read_ddl.ts";
 * detectDialect("CREATE TABLE `t` (id int) ENGINE=InnoDB;"); // "mysql"
 * ```
 */
export function detectDialect(sql: string): Dialect {
  if (/\/\*!\d{5}/.test(sql)) return "mysql";
  // Strings and comments say nothing about the dialect (a COMMENT may hold a backtick).
  sql = tokenize(sql, { brackets: true })
    .map((t) => t.kind === "string" ? "''" : t.kind === "comment" ? " " : t.text).join("");
  if (
    /\bAUTOINCREMENT\b|\bWITHOUT\s+ROWID\b|\bsqlite_sequence\b|\)\s*STRICT\s*;|^\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?\[/im
      .test(sql)
  ) return "sqlite";
  if (
    /`|\bAUTO_INCREMENT\b|\bENGINE\s*=|\bUNSIGNED\b|\bENUM\s*\(|\bLOCK\s+TABLES\b|\bDEFAULT\s+CHARSET\b|(^|,)\s*(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?(KEY|INDEX)\s+[\w"]+\s*\(/im
      .test(sql)
  ) return "mysql";
  return "postgres";
}

/**
 * Reads DDL text in the given (or detected) dialect. A file not detected as
 * MySQL or SQLite that PostgreSQL does not read is tried with SQLite (which
 * reads typeless columns); the first reader's error is the one reported.
 * A forced dialect falls back to PostgreSQL (the portable subset).
 *
 * @param sql The DDL text.
 * @param file The file name for messages.
 * @param forced The dialect from `--dialect`, if given.
 * @returns The tables and the dialect that read them.
 * @throws {UsageError} When no reader reads it: file:line:column and a hint.
 * @example
 * ```ts
 * import { readDdl } from "./read_ddl.ts";
 * readDdl("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);", "s.sql").dialect; // "sqlite"
 * ```
 */
export function readDdl(
  sql: string,
  file: string,
  forced?: Dialect,
): { tables: Table[]; dialect: Dialect } {
  const first = forced ?? detectDialect(sql);
  const order: Dialect[] = [first];
  if (first === "sqlite") order.push("postgres");
  else if (first === "postgres" && !forced) order.push("sqlite");
  let error: unknown;
  for (const d of order) {
    try {
      const tables = d === "mysql"
        ? parseMysqlDdl(sql, file)
        : d === "sqlite"
        ? parseSqliteDdl(sql, file)
        : parseDdl(sql, file);
      if (tables.length > 0 || d === order[order.length - 1]) return { tables, dialect: d };
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      error ??= e;
    }
  }
  throw error;
}
