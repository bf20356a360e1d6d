/**
 * `init --from-db sqlite:path.db`: reads a SQLite schema with node:sqlite
 * (`PRAGMA table_info`, `foreign_key_list`, `index_list`/`index_info`, CHECKs
 * from `sqlite_master.sql`) into the same table model as the DDL parser.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { parse } from "pgsql-ast-parser";
import { UsageError } from "../../core/errors.ts";
import { parseDdl, type Table } from "./parse_ddl.ts";

type Row = Record<string, string | number | null>;

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** Whether a snippet of DDL reads as PostgreSQL. */
function parses(sql: string): boolean {
  try {
    parse(sql);
    return true;
  } catch {
    return false;
  }
}

/** A declared SQLite type as a PostgreSQL type the parser reads (by affinity otherwise). */
function pgType(declared: string): string {
  const t = declared.trim();
  if (t === "") return "text";
  if (
    /^[A-Za-z_][\w ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/.test(t) && parses(`CREATE TABLE x (c ${t});`)
  ) {
    return t;
  }
  const u = t.toUpperCase();
  if (u.includes("INT")) return "integer";
  if (/CHAR|CLOB|TEXT/.test(u)) return "text";
  if (/REAL|FLOA|DOUB/.test(u)) return "double precision";
  if (u.includes("BLOB")) return "bytea";
  return "numeric";
}

/**
 * The `CHECK (…)` expressions of a `CREATE TABLE` text (strings, quoted names
 * and comments skipped).
 *
 * @param sql A table's `sqlite_master.sql`.
 * @returns The expressions inside the parentheses.
 * @example
 * ```ts
 * import { checksOf } from "./introspect_sqlite.ts";
 * checksOf("CREATE TABLE t (x int CHECK (x > 0))"); // ["x > 0"]
 * ```
 */
export function checksOf(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  const skip = (): boolean => {
    const c = sql[i]!;
    const close = { "'": "'", '"': '"', "`": "`", "[": "]" }[c];
    if (close) {
      i = sql.indexOf(close, i + 1);
      if (i < 0) i = sql.length;
      i++;
      return true;
    }
    if (sql.startsWith("--", i)) {
      i = sql.indexOf("\n", i);
      if (i < 0) i = sql.length;
      return true;
    }
    if (sql.startsWith("/*", i)) {
      i = sql.indexOf("*/", i);
      i = i < 0 ? sql.length : i + 2;
      return true;
    }
    return false;
  };
  while (i < sql.length) {
    if (skip()) continue;
    const m = /^check\s*\(/i.exec(sql.slice(i, i + 40));
    if (m && !/\w/.test(sql[i - 1] ?? " ")) {
      i += m[0].length;
      const start = i;
      let depth = 1;
      while (i < sql.length && depth > 0) {
        if (skip()) continue;
        if (sql[i] === "(") depth++;
        if (sql[i] === ")") depth--;
        i++;
      }
      out.push(sql.slice(start, i - 1).trim());
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Reads the tables of a SQLite database.
 *
 * @param url `sqlite:path.db` (or `sqlite://path.db`, `file:path.db`).
 * @returns The tables, with a warning for each CHECK the parser cannot read.
 * @example
 * ```ts ignore
 * const tables = tablesFromSqlite("sqlite:dev.db");
 * ```
 */
export function tablesFromSqlite(url: string): Table[] {
  const path = url.replace(/^(sqlite|file):(\/\/)?/, "");
  try {
    Deno.statSync(path);
  } catch {
    throw new UsageError(`Cannot read ${path}`, "give sqlite:path/to/file.db");
  }
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return tablesOf(db, path);
  } finally {
    db.close();
  }
}

/**
 * Reads the tables of an open SQLite database.
 *
 * @param db The database.
 * @param label Its name in messages (a path).
 * @returns The tables in creation order.
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { tablesOf } from "./introspect_sqlite.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
 * tablesOf(db, "memory")[0]!.primaryKey; // ["id"]
 * ```
 */
export function tablesOf(db: DatabaseSync, label: string): Table[] {
  const path = label;
  const all = (sql: string, ...args: string[]) => db.prepare(sql).all(...args) as Row[];
  const names = all(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
     ORDER BY rowid`,
  );
  const pks = new Map<string, string[]>();
  for (const { name } of names) {
    pks.set(
      String(name),
      all(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, String(name))
        .map((r) => String(r.name)),
    );
  }
  const tables: Table[] = [];
  for (const { name, sql } of names) {
    const t = String(name);
    const lines: string[] = [];
    const warnings: string[] = [];
    for (const c of all(`SELECT * FROM pragma_table_info(?) ORDER BY cid`, t)) {
      lines.push(
        `${q(String(c.name))} ${pgType(String(c.type ?? ""))}${c.notnull ? " NOT NULL" : ""}`,
      );
    }
    const pk = pks.get(t)!;
    if (pk.length) lines.push(`PRIMARY KEY (${pk.map(q).join(", ")})`);
    for (const ix of all(`SELECT * FROM pragma_index_list(?) ORDER BY seq DESC`, t)) {
      if (!ix.unique || ix.origin === "pk") continue;
      if (ix.partial) {
        warnings.push(`${t}: partial unique index ${ix.name} not enforced by the generators`);
        continue;
      }
      const cols = all(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, String(ix.name));
      if (cols.some((c) => c.name === null)) {
        warnings.push(`${t}: unique index ${ix.name} on an expression not enforced`);
        continue;
      }
      lines.push(`UNIQUE (${cols.map((c) => q(String(c.name))).join(", ")})`);
    }
    const fks = new Map<number, Row[]>();
    for (const f of all(`SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t)) {
      const id = Number(f.id);
      if (!fks.has(id)) fks.set(id, []);
      fks.get(id)!.push(f);
    }
    for (const parts of [...fks.values()].reverse()) {
      const ref = String(parts[0]!.table);
      const to = parts.every((p) => p.to !== null)
        ? parts.map((p) => String(p.to))
        : pks.get(ref) ?? [];
      lines.push(
        `FOREIGN KEY (${parts.map((p) => q(String(p.from))).join(", ")}) REFERENCES ${q(ref)} (${
          to.map(q).join(", ")
        })`,
      );
    }
    for (const check of checksOf(String(sql ?? ""))) {
      if (parses(`CREATE TABLE x (CHECK (${check}));`)) lines.push(`CHECK (${check})`);
      else warnings.push(`${t}: CHECK (${check}) not understood, not enforced by the generators`);
    }
    const ddl = `CREATE TABLE ${q(t)} (\n  ${lines.join(",\n  ")}\n);`;
    const [table] = parseDdl(ddl, `${path} (table ${t})`);
    table!.warnings.push(...warnings);
    tables.push(table!);
  }
  return tables;
}
