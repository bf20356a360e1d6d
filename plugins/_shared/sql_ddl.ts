/**
 * `CREATE TABLE` statements from an entity's schema, for each dialect.
 * Shared by the `sql` formatter and the database sinks.
 *
 * @module
 */
import type { ColumnInfo, EntitySchema } from "../../core/types.ts";
import { type SqlDialect, sqlIdentifier, sqlLiteral, sqlType } from "./sql_text.ts";

/** How {@linkcode createTableSql} writes a table. */
export interface DdlOptions {
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** Schema (MySQL: database) to qualify table names with. */
  readonly schema?: string;
  /** Text put before each table name. */
  readonly tablePrefix?: string;
  /** Write FOREIGN KEY constraints (default true). */
  readonly foreignKeys?: boolean;
  /**
   * True when the rows are loaded inside one transaction, so a self-reference
   * can be checked at COMMIT (PostgreSQL, SQLite).
   */
  readonly transaction?: boolean;
  /** Write `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean;
  /** Write CHECK constraints from validators and choice lists (default true). */
  readonly checks?: boolean;
}

/**
 * The qualified, quoted name of an entity's table.
 *
 * @param entity The entity's name.
 * @param options The dialect, schema and prefix.
 * @returns E.g. `"mock_data"."orders"`.
 * @example
 * ```ts
 * import { tableName } from "./sql_ddl.ts";
 * tableName("orders", { dialect: "postgres", schema: "mock_data" }); // '"mock_data"."orders"'
 * ```
 */
export function tableName(entity: string, options: DdlOptions): string {
  const q = (name: string) => sqlIdentifier(name, options.dialect);
  return (options.schema !== undefined ? q(options.schema) + "." : "") +
    q((options.tablePrefix ?? "") + entity);
}

/**
 * The `CREATE TABLE` statement of one entity (with any notes as SQL comments
 * before it), ending in a newline.
 *
 * @param entity The entity's schema.
 * @param options How to write it.
 * @returns The statement.
 * @example
 * ```ts
 * import { createTableSql } from "./sql_ddl.ts";
 * const sql = createTableSql({
 *   name: "t",
 *   count: 1,
 *   columns: [{ name: "id", type: "integer", nullable: false, unique: true, key: true, referenced: false }],
 * }, { dialect: "sqlite" });
 * sql.startsWith('CREATE TABLE "t"'); // true
 * ```
 */
export function createTableSql(entity: EntitySchema, options: DdlOptions): string {
  const d = options.dialect;
  const q = (name: string) => sqlIdentifier(name, d);
  const table = (name: string) => tableName(name, options);
  const list = (names: readonly string[]) => names.map(q).join(", ");
  const transaction = options.transaction ?? true;
  const ifNotExists = options.ifNotExists ?? false;
  const checks = options.checks ?? true;
  const lines: string[] = [];
  const notes: string[] = [];
  const names = new Set(entity.columns.map((c) => c.name));
  const known = (cols: readonly string[] | undefined) =>
    cols !== undefined && cols.length > 0 && cols.every((c) => names.has(c));
  const primaryKey = known(entity.primaryKey) ? entity.primaryKey! : undefined;
  const together = (entity.uniqueTogether ?? []).filter(known);
  const indexed = new Set([...(primaryKey ?? []), ...together.flat()]);
  for (const c of entity.columns) {
    let line = `  ${q(c.name)} ${sqlType(c, d, indexed.has(c.name))}`;
    if (c.key && !primaryKey) line += " PRIMARY KEY";
    else {
      if (!c.nullable || primaryKey?.includes(c.name)) line += " NOT NULL";
      // MySQL cannot index a JSON column.
      // A column another table's foreign key points at must be unique.
      if ((c.unique || c.referenced || c.key) && !(d === "mysql" && c.type === "json")) {
        line += " UNIQUE";
      }
    }
    if (checks) {
      const check = checkOf(c, d);
      if (check) line += ` CHECK (${check})`;
    }
    lines.push(line);
  }
  if (primaryKey) lines.push(`  PRIMARY KEY (${list(primaryKey)})`);
  for (const cols of together) lines.push(`  UNIQUE (${list(cols)})`);
  // Table-level constraints: MySQL ignores REFERENCES written on a column.
  for (const c of (options.foreignKeys ?? true) ? entity.columns : []) {
    if (!c.ref) continue;
    const fk = `  FOREIGN KEY (${q(c.name)}) REFERENCES ${table(c.ref.entity)} (${q(c.ref.field)})`;
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

/**
 * The CHECK condition of a column: its allowed values (`IN (…)`), its
 * range (`BETWEEN`) and, in SQLite (which does not enforce VARCHAR
 * lengths), its longest length.
 *
 * @param c The column.
 * @param d The dialect.
 * @returns The condition, or undefined when there is nothing to check.
 * @example
 * ```ts
 * import { checkOf } from "./sql_ddl.ts";
 * const c = { name: "age", type: "integer", nullable: false, unique: false, key: false, referenced: false, min: 18, max: 90 } as const;
 * checkOf(c, "postgres"); // '"age" BETWEEN 18 AND 90'
 * ```
 */
export function checkOf(c: ColumnInfo, d: SqlDialect): string | undefined {
  const name = sqlIdentifier(c.name, d);
  const parts: string[] = [];
  if (c.values !== undefined && c.values.length > 0 && c.type !== "json") {
    const literal = sqlLiteral(c, d);
    const values = [...new Set(c.values)].map(literal);
    parts.push(`${name} IN (${values.join(", ")})`);
  }
  const finite = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);
  if (c.type === "integer" || c.type === "number") {
    if (finite(c.min) && finite(c.max)) parts.push(`${name} BETWEEN ${c.min} AND ${c.max}`);
    else if (finite(c.min)) parts.push(`${name} >= ${c.min}`);
    else if (finite(c.max)) parts.push(`${name} <= ${c.max}`);
  }
  if (d === "sqlite" && c.type === "string" && c.maxLength !== undefined) {
    parts.push(`length(${name}) <= ${c.maxLength}`);
  }
  return parts.length ? parts.join(" AND ") : undefined;
}
