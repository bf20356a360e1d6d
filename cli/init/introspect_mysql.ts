/**
 * `init --from-db mysql://…`: reads a MariaDB/MySQL schema from
 * `information_schema` (npm:mysql2, the client of the database sink) into the
 * same table model as the DDL parser.
 *
 * @module
 */
import mysql from "mysql2/promise";
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

/** Values of an `enum('a','b')` / `set(…)` column type. */
function enumValues(columnType: string): string[] {
  return [...columnType.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * A MySQL column type as a PostgreSQL type the parser reads, plus the checks
 * it implies (unsigned, enum, year).
 *
 * @param c An `information_schema.COLUMNS` row.
 * @returns The type and CHECK expressions.
 * @example
 * ```ts ignore
 * pgTypeOf({ COLUMN_NAME: "n", DATA_TYPE: "int", COLUMN_TYPE: "int(10) unsigned" });
 * // { type: "integer", checks: ['"n" >= 0'] }
 * ```
 */
function pgTypeOf(c: Row): { type: string; checks: string[] } {
  const name = q(String(c.COLUMN_NAME));
  const dt = String(c.DATA_TYPE).toLowerCase();
  const ct = String(c.COLUMN_TYPE).toLowerCase();
  const checks: string[] = [];
  if (/unsigned/.test(ct)) checks.push(`${name} >= 0`);
  const len = c.CHARACTER_MAXIMUM_LENGTH;
  const type = (() => {
    switch (dt) {
      case "tinyint":
        if (/^tinyint\(1\)/.test(ct)) return "boolean";
        // The generators' default range (1..1000) does not fit a TINYINT.
        checks.push(/unsigned/.test(ct) ? `${name} <= 255` : `${name} BETWEEN -128 AND 127`);
        return "smallint";
      case "smallint":
      case "mediumint":
        return "smallint";
      case "int":
      case "integer":
        return "integer";
      case "bigint":
        return "bigint";
      case "decimal":
      case "numeric":
        return `numeric(${c.NUMERIC_PRECISION}, ${c.NUMERIC_SCALE})`;
      case "float":
        return "real";
      case "double":
      case "real":
        return "double precision";
      case "bit":
        return "boolean";
      case "char":
        return `char(${len})`;
      case "varchar":
        return `varchar(${len})`;
      case "tinytext":
        return "varchar(255)";
      case "text":
      case "mediumtext":
      case "longtext":
        return "text";
      case "enum": {
        const values = enumValues(String(c.COLUMN_TYPE));
        checks.push(`${name} IN (${values.map(lit).join(", ")})`);
        return `varchar(${Math.max(1, ...values.map((v) => v.length))})`;
      }
      case "date":
        return "date";
      case "datetime":
      case "timestamp":
        return "timestamp";
      case "time":
        return "time";
      case "year":
        checks.push(`${name} BETWEEN 1901 AND 2155`);
        return "integer";
      case "json":
        return "json";
      case "uuid":
        return "uuid";
      default:
        return /blob|binary/.test(dt) ? "bytea" : "text";
    }
  })();
  return { type, checks };
}

/** A stored MySQL CHECK clause with `name` quoting, PostgreSQL style. */
function pgCheck(clause: string): string {
  let out = "";
  for (let i = 0; i < clause.length; i++) {
    const ch = clause[i]!;
    if (ch === "'") {
      const end = clause.indexOf("'", i + 1);
      const stop = end < 0 ? clause.length : end + 1;
      out += clause.slice(i, stop);
      i = stop - 1;
    } else out += ch === "`" ? '"' : ch;
  }
  return out;
}

/**
 * Reads the tables of one MariaDB/MySQL database.
 *
 * @param url `mysql://user[:password]@host[:port]/database` (`mariadb://` too).
 * @returns The tables, with a warning for each CHECK the parser cannot read.
 * @example
 * ```ts ignore
 * const tables = await tablesFromMysql("mysql://root@127.0.0.1:3306/shop");
 * ```
 */
export async function tablesFromMysql(url: string): Promise<Table[]> {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1));
  if (!database) {
    throw new UsageError(`No database in --from-db "${url}"`, "mysql://user@host:3306/database");
  }
  const conn = await mysql.createConnection({
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database,
    connectTimeout: 10_000,
  });
  try {
    const all = async (sql: string) => (await conn.query({ sql, values: [database] }))[0] as Row[];
    const tableRows = await all(
      `SELECT TABLE_NAME FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    );
    const columns = await all(
      `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, EXTRA,
              CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    );
    const keys = await all(
      `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, c.CONSTRAINT_TYPE, k.COLUMN_NAME,
              k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
       FROM information_schema.TABLE_CONSTRAINTS c
       JOIN information_schema.KEY_COLUMN_USAGE k
         ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
        AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME
       WHERE c.CONSTRAINT_SCHEMA = ? AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
       ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    );
    // MariaDB and MySQL 8 both list checks in TABLE_CONSTRAINTS; the clause is in CHECK_CONSTRAINTS.
    const checks = await all(
      `SELECT c.TABLE_NAME, k.CHECK_CLAUSE
       FROM information_schema.TABLE_CONSTRAINTS c
       JOIN information_schema.CHECK_CONSTRAINTS k
         ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME
       WHERE c.CONSTRAINT_SCHEMA = ? AND c.CONSTRAINT_TYPE = 'CHECK'
       ORDER BY c.TABLE_NAME, c.CONSTRAINT_NAME`,
    );
    const tables: Table[] = [];
    for (const { TABLE_NAME } of tableRows) {
      const t = String(TABLE_NAME);
      const lines: string[] = [];
      const extra: string[] = [];
      const warnings: string[] = [];
      // MariaDB's JSON is LONGTEXT with an implicit CHECK (json_valid(`c`)).
      const json = new Set<string>();
      for (const k of checks.filter((k) => k.TABLE_NAME === t)) {
        const m = /^json_valid\(`([^`]+)`\)$/i.exec(String(k.CHECK_CLAUSE).trim());
        if (m) json.add(m[1]!);
      }
      for (const c of columns.filter((c) => c.TABLE_NAME === t)) {
        // The server computes a generated column and refuses a value for it.
        if (/GENERATED/i.test(String(c.EXTRA ?? ""))) {
          warnings.push(`${t}.${c.COLUMN_NAME}: generated column, left out`);
          continue;
        }
        const { type, checks } = json.has(String(c.COLUMN_NAME))
          ? { type: "json", checks: [] }
          : pgTypeOf(c);
        lines.push(
          `${q(String(c.COLUMN_NAME))} ${type}${c.IS_NULLABLE === "NO" ? " NOT NULL" : ""}`,
        );
        extra.push(...checks);
      }
      const groups = new Map<string, Row[]>();
      for (const k of keys.filter((k) => k.TABLE_NAME === t)) {
        const id = `${k.CONSTRAINT_TYPE}\0${k.CONSTRAINT_NAME}`;
        if (!groups.has(id)) groups.set(id, []);
        groups.get(id)!.push(k);
      }
      for (const parts of groups.values()) {
        const cols = parts.map((p) => q(String(p.COLUMN_NAME))).join(", ");
        const kind = parts[0]!.CONSTRAINT_TYPE;
        if (kind === "PRIMARY KEY") lines.push(`PRIMARY KEY (${cols})`);
        else if (kind === "UNIQUE") lines.push(`UNIQUE (${cols})`);
        else {
          lines.push(
            `FOREIGN KEY (${cols}) REFERENCES ${q(String(parts[0]!.REFERENCED_TABLE_NAME))} (${
              parts.map((p) => q(String(p.REFERENCED_COLUMN_NAME))).join(", ")
            })`,
          );
        }
      }
      for (const k of checks.filter((k) => k.TABLE_NAME === t)) {
        const clause = String(k.CHECK_CLAUSE);
        // Read above: JSON columns get valid JSON text.
        if (/^json_valid\(`[^`]+`\)$/i.test(clause.trim())) continue;
        const check = pgCheck(clause);
        if (parses(`CREATE TABLE x (CHECK (${check}));`)) extra.push(check);
        else {warnings.push(
            `${t}: CHECK (${clause}) not understood, not enforced by the generators`,
          );}
      }
      for (const check of extra) lines.push(`CHECK (${check})`);
      const ddl = `CREATE TABLE ${q(t)} (\n  ${lines.join(",\n  ")}\n);`;
      const [table] = parseDdl(ddl, `${url} (table ${t})`);
      table!.warnings.push(...warnings);
      tables.push(table!);
    }
    return tables;
  } finally {
    await conn.end();
  }
}
